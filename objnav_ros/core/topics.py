"""Default topic names (relative, so a namespace or remapping moves them all)."""

RGB = "camera/rgb/image_raw"  # sensor_msgs/Image rgb8, sensor-data QoS
DEPTH = "camera/depth/image_raw"  # sensor_msgs/Image 32FC1 metres (16UC1 mm accepted)
SEMANTIC = "camera/semantic/image_raw"  # sensor_msgs/Image mono8 goal-category ids (simulation)
CAMERA_INFO = "camera/rgb/camera_info"  # sensor_msgs/CameraInfo
ODOM = "odom"  # nav_msgs/Odometry
GOAL = "objnav/goal"  # std_msgs/String, reliable + transient-local (latched)
ACTION = "objnav/action"  # objnav_ros/NavAction, reliable
EPISODE_STATUS = "objnav/episode_status"  # objnav_ros/EpisodeStatus, reliable
MONITOR_EVENTS = "objnav/monitor_events"  # objnav_ros/MonitorEvent, reliable
CMD_VEL = "cmd_vel"  # geometry_msgs/Twist (real robot)
DIAGNOSTICS = "/diagnostics"  # diagnostic_msgs/DiagnosticArray
