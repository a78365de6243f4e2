"""Every node and CLI refuses a bad parameter, model file, output folder or scene with one line
on stderr naming it and what was expected, exit status 2 and no traceback; unknown node
parameters are named in a warning."""

import json
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

pytestmark = pytest.mark.ros


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Broken inputs: a garbage scene, corrupt and truncated safetensors, a file as folder."""
    from safetensors.numpy import save_file

    root = tmp_path_factory.mktemp("bad")
    (root / "garbage.glb").write_bytes(b"not a glTF binary " * 64)
    (root / "a_file").write_text("")
    weights = root / "weights.safetensors"
    save_file({"w": np.zeros((64, 64), np.float32)}, str(weights))
    whole = weights.read_bytes()
    for name, data in (("corrupt", b"\xff" * 200), ("truncated", whole[: len(whole) // 2]),
                       ("model", whole)):
        folder = root / name
        folder.mkdir()
        (folder / "config.json").write_text(json.dumps({"model_type": "qwen2_5_vl"}))
        (folder / "model.safetensors").write_bytes(data)
    adapter = root / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text(json.dumps({"peft_type": "LORA"}))
    (adapter / "adapter_model.safetensors").write_bytes(whole[:100])
    return root


def node(name, *params):
    args = [sys.executable, "-m", f"objnav_ros.nodes.{name}", "--ros-args"]
    for param in params:
        args += ["-p", param]
    return args


def cli(module, *args):
    return [sys.executable, "-m", module, *args]


# (command, words the error line must contain); {f} is the folder of broken files
CASES = {
    "range": (node("monitor_node", "odom_tolerance_s:=100.0"),
              ["odom_tolerance_s", "<= 10.0", "100.0"]),
    "int range": (node("sim_bridge_node", "width:=4"), ["width", ">= 8", "4"]),
    "preset": (node("monitor_node", "action_preset:=fast"), ["action_preset", "one of", "fast"]),
    "pixel bounds": (node("policy_node", "max_pixels:=-1"), ["max_pixels", ">= 0", "-1"]),
    "nan": (node("executor_node", "reobserve_s:=.nan"), ["reobserve_s", "finite"]),
    "choice": (node("recorder_node", "storage:=zip"), ["storage", "one of", "zip"]),
    "wrong type": (node("sim_bridge_node", "width:=abc"), ["width", "expected int", "abc"]),
    "int for float": (node("executor_node", "control_rate_hz:=20"),
                      ["control_rate_hz", "expected float", "20"]),
    "teleop type": (node("teleop_node", "send_period_s:=fast"), ["send_period_s", "float"]),
    "topic name": (node("executor_node", "tilt_topic:=tilt cmd"),
                   ["tilt_topic", "expected a topic name", "tilt cmd"]),
    "topic list": (node("recorder_node", "output_dir:={f}/bags", "topics:=[odom,2nd]"),
                   ["topics", "expected a topic name", "2nd"]),
    "corrupt model": (node("policy_node", "policy:=vlm", "model_path:={f}/corrupt"),
                      ["model_path", "model.safetensors is corrupt or truncated", "expected"]),
    "truncated model": (node("policy_node", "policy:=vlm", "model_path:={f}/truncated"),
                        ["model_path", "model.safetensors is corrupt or truncated"]),
    "truncated adapter": (node("policy_node", "policy:=vlm", "model_path:={f}/model",
                               "adapter_path:={f}/adapter"),
                          ["adapter_path", "adapter_model.safetensors is corrupt", "expected"]),
    "output_dir": (node("recorder_node", "output_dir:={f}/a_file/bags"),
                   ["output_dir", "a_file/bags", "expected a writable folder"]),
    "status_file": (node("recorder_node", "output_dir:={f}/bags",
                         "status_file:={f}/a_file/status.json"),
                    ["status_file", "expected a writable folder"]),
    "missing scene": (node("sim_bridge_node", "scene:={f}/none.glb"),
                      ["scene", "none.glb", "does not exist"]),
    "garbage scene": (node("sim_bridge_node", "scene:={f}/garbage.glb"),
                      ["scene", "garbage.glb", "cannot load"]),
    "expert scene": (node("policy_node", "policy:=expert", "scene:={f}/garbage.glb"),
                     ["scene", "garbage.glb", "cannot load"]),
    "collect out": (cli("objnav_ros.apps.collect", "--n-episodes", "1", "--out", "{f}/a_file/x"),
                    ["--out", "expected a writable folder"]),
    "collect count": (cli("objnav_ros.apps.collect", "--n-episodes", "0", "--out", "{f}/c"),
                      ["--n-episodes", ">= 1", "0"]),
    "launch unknown": (cli("objnav_ros.apps.launcher", "sim_nav", "warp_speed:=9.0", "--list"),
                       ["warp_speed", "expected one of"]),
    "mine out": (cli("objnav_ros.apps.mine", "--out", "{f}/a_file/x", "--quiet"),
                 ["--out", "expected a writable folder"]),
    "mine scene": (cli("objnav_ros.apps.mine", "--out", "{f}/mine", "--scene", "{f}/garbage.glb"),
                   ["scene", "garbage.glb", "cannot load"]),
    "mine camera": (cli("objnav_ros.apps.mine", "--out", "{f}/mine", "--width", "4"),
                    ["width", ">= 8", "4"]),
    "eval out": (cli("objnav_training.eval_cli", "--model", "{f}/model", "--out",
                     "{f}/a_file/x"), ["--out", "expected a writable folder"]),
    "eval pixels": (cli("objnav_training.eval_cli", "--model", "{f}/model", "--out", "{f}/e",
                        "--min-pixels", "-5"), ["min_pixels", ">= 0", "-5"]),
    "train model": (cli("objnav_training.train_cli", "--bags", "{f}", "--model", "{f}/truncated",
                        "--out", "{f}/train"), ["model_path", "corrupt or truncated"]),
    "train out": (cli("objnav_training.train_cli", "--bags", "{f}", "--model", "{f}/model",
                      "--out", "{f}/a_file/x"), ["--out", "expected a writable folder"]),
    "train range": (cli("objnav_training.train_cli", "--bags", "{f}", "--model", "{f}/model",
                        "--out", "{f}/t", "--td-lambda", "2"), ["td_lambda", "<= 1.0", "2"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_with_one_line_and_exit_2(case, files, ros_env):
    command, words = CASES[case]
    command = [part.replace("{f}", str(files)) for part in command]
    done = subprocess.run(command, env=ros_env, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word.replace("{f}", str(files)) in lines[0]


@pytest.mark.parametrize("name, params", [
    ("monitor_node", []),
    ("executor_node", []),
    ("policy_node", ["policy:=random"]),
    ("recorder_node", ["output_dir:={f}/bags"]),
    ("teleop_node", []),
    ("sim_bridge_node", ["scene:={f}/house.glb", "width:=32", "height:=24"]),
])
def test_unknown_parameters_are_named_in_a_warning(name, params, files, ros_env, house):
    params = [p.replace("{f}", str(files)) for p in params]
    proc = subprocess.Popen(node(name, *params, "warp_speed:=9.0", "answer:=42"), env=ros_env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    give_up = threading.Timer(60, proc.send_signal, [signal.SIGINT])  # a node that says nothing
    give_up.start()
    try:
        line = proc.stderr.readline()
        assert "ignoring unknown parameter(s) answer, warp_speed" in line
    finally:
        give_up.cancel()
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, rest = proc.communicate(timeout=30)
    assert proc.returncode in (0, -signal.SIGINT) and "Traceback" not in rest


@pytest.fixture(scope="module")
def house(files):
    from objnav_ros.sim.house import HouseConfig, generate_house, write_house

    return write_house(generate_house(HouseConfig(n_rooms=2, seed=5)), files / "house.glb")
