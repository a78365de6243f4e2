import subprocess
import sys


def test_package_import_stays_light():
    code = ("import sys, objnav_ros.policy, objnav_ros.policy.loader, objnav_ros.policy.lora, "
            "objnav_ros.policy.tiny_model, objnav_ros.policy.factory; "
            "print(sorted(m for m in ('transformers', 'peft', 'bitsandbytes', 'rclpy') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
