"""objnav_training: offline advantage-weighted regression of the policy's LoRA adapter.

Installed under this import name (from the repository's ``training/`` folder) so that it
cannot collide with other packages called ``training``. Pure core: no rclpy.
"""
