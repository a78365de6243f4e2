"""Bag I/O for objnav_ros (pure core, no rclpy): recording, reading and episode labels.

- :mod:`.writer`: one rosbag2 bag (MCAP or sqlite3, metadata v9, RIHS01 hashes, offered QoS).
- :mod:`.recorder` / :mod:`.router`: the recorder node's engine (writer thread, one bag per
  episode from EpisodeStatus stamps, drop counts); :mod:`.qos`: how it subscribes (what:
  the recorded topics of ``objnav_ros.core.topics``).
- :mod:`.reader` / :mod:`.messages`: opening bags with one-line errors, topic lookup, header
  stamps, lazily decoded frames (the dataset in ``objnav_training.dataset`` builds on them);
  :mod:`.unclosed`: recordings never closed (MCAP cut short, split files, no metadata.yaml).
- :mod:`.labels`: the ``labels.json`` sidecar of failure windows and expert relabels.
- :mod:`.teleop_keys`: the keyboard expert's keys.
- :mod:`.synthetic`: bags written without ROS.
"""
