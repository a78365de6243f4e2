"""Throughput of the simulator bridge's parts; prints one JSON object as its last line.

Keys: ``raw_steps_per_s_640x480`` and ``raw_steps_per_s_256x256`` (EmbeddedSimulator
stepping a fixed action cycle, RGB + depth each step), ``pyrender_frames_per_s_640x480``
(pyrender drawing RGB + depth of the same scene from the same camera poses, in the same run;
null when pyrender cannot run) and ``renderer_vs_pyrender`` (the ratio of the two 640x480
rates). ``--quick`` keeps the whole run under a minute.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from objnav_ros.core.actions import Action
from objnav_ros.core.dds import loopback_env
from objnav_ros.sim import (
    EmbeddedSimulator,
    Episode,
    HouseConfig,
    ObjectGoal,
    SimConfig,
    generate_house,
    write_house,
)
from objnav_ros.sim.renderer import view_matrix

ACTION_CYCLE = (
    Action.MOVE_FORWARD,
    Action.MOVE_FORWARD,
    Action.TURN_LEFT,
    Action.MOVE_FORWARD,
    Action.MOVE_FORWARD,
    Action.TURN_RIGHT,
    Action.TURN_RIGHT,
    Action.MOVE_FORWARD,
    Action.LOOK_DOWN,
    Action.LOOK_UP,
)
SIMPLE_ROOM = Path(__file__).resolve().parents[1] / "test" / "data" / "simple_room.glb"


def bench_scene(name: str, workdir: Path) -> Path:
    """The scene file: ``house`` (generated, seed 0) or ``simple_room`` (habitat's test scene)."""
    if name == "simple_room":
        return SIMPLE_ROOM
    return write_house(generate_house(HouseConfig(seed=0)), workdir / "house.glb")


def _episode(sim: EmbeddedSimulator) -> Episode:
    """A long-running episode: a drawn one when the scene has objects, else a random goal point."""
    if sim.scene.objects:
        return sim.random_episode(0)
    rng = np.random.default_rng(0)
    start, goal = sim.nav.sample_point(rng), sim.nav.sample_point(rng)
    return Episode(
        episode_id="bench",
        scene_id=sim.scene.path.name,
        start_position=(start[0], start[1], sim.nav.floor_z),
        start_yaw=0.0,
        object_category="goal",
        goals=(ObjectGoal("goal", "goal", (goal[0], goal[1], sim.nav.floor_z)),),
    )


def raw_steps_per_s(scene: Path, width: int, height: int, steps: int) -> tuple[float, list]:
    """Embedded steps per second at one resolution, and the camera poses it went through."""
    config = SimConfig(width=width, height=height, max_steps=steps + 1)
    cameras = []
    with EmbeddedSimulator(scene, config) as sim:
        sim.reset(_episode(sim))
        for action in ACTION_CYCLE:  # warm-up: shader compilation, first buffer uploads
            sim.step(action)
        sim.reset(_episode(sim))
        begin = time.perf_counter()
        for i in range(steps):
            obs = sim.step(ACTION_CYCLE[i % len(ACTION_CYCLE)])
            cameras.append((obs.pose, obs.camera_tilt_deg))
        elapsed = time.perf_counter() - begin
        floor_z = sim.nav.floor_z
    eyes = [
        (np.array([pose.x, pose.y, floor_z + config.camera_height_m]), pose.yaw, tilt)
        for pose, tilt in cameras
    ]
    return steps / elapsed, eyes


def pyrender_frames_per_s(
    scene: Path, width: int, height: int, cameras: list, hfov_deg: float
) -> float | None:
    """Frames per second of pyrender (RGB + depth) along the same camera poses; None if unusable."""
    os.environ.setdefault("PYOPENGL_PLATFORM", "egl")
    try:
        import pyrender
        import trimesh
    except ImportError as exc:
        print(f"pyrender unavailable: {exc}", file=sys.stderr)
        return None
    yfov = 2 * math.atan(math.tan(math.radians(hfov_deg) / 2) * height / width)
    try:
        world = pyrender.Scene.from_trimesh_scene(
            trimesh.load(scene, force="scene"), ambient_light=(0.3, 0.3, 0.3)
        )
        camera = world.add(pyrender.PerspectiveCamera(yfov=yfov, aspectRatio=width / height))
        light = world.add(pyrender.DirectionalLight(intensity=3.0))
        renderer = pyrender.OffscreenRenderer(width, height)
    except Exception as exc:  # no EGL device, broken PyOpenGL, ...
        print(f"pyrender unusable: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None
    try:
        poses = [
            np.linalg.inv(view_matrix(eye, yaw, math.radians(tilt))) for eye, yaw, tilt in cameras
        ]
        for pose in poses[:5]:  # warm-up
            world.set_pose(camera, pose)
            renderer.render(world)
        begin = time.perf_counter()
        for pose in poses:
            world.set_pose(camera, pose)
            world.set_pose(light, pose)
            renderer.render(world)
        return len(poses) / (time.perf_counter() - begin)
    finally:
        renderer.delete()


def embedded_results(scene: Path, steps: int) -> tuple[dict[str, float], list]:
    """``raw_steps_per_s_*`` of both resolutions, and the 640x480 run's camera poses."""
    rate_640, cameras = raw_steps_per_s(scene, 640, 480, steps)
    rate_256, _ = raw_steps_per_s(scene, 256, 256, steps)
    rates = {
        "raw_steps_per_s_640x480": round(rate_640, 1),
        "raw_steps_per_s_256x256": round(rate_256, 1),
    }
    return rates, cameras


def pyrender_results(scene: Path, cameras: list, raw_640: float) -> dict[str, float | None]:
    """``pyrender_frames_per_s_640x480`` and ``renderer_vs_pyrender`` (null without pyrender)."""
    rate = pyrender_frames_per_s(scene, 640, 480, cameras, SimConfig().hfov_deg)
    return {
        "pyrender_frames_per_s_640x480": None if rate is None else round(rate, 1),
        "renderer_vs_pyrender": None if rate is None else round(raw_640 / rate, 2),
    }


def ros_loop_results(scene: Path, steps: int, raw_640: float) -> dict[str, float]:
    """Lock-step bridge process + minimal policy process over loopback DDS at 640x480.

    ``ros_loop_ratio`` = loop steps/s / raw steps/s measured in the same run.
    """
    env = loopback_env(domain_id=50 + os.getpid() % 50)
    root = Path(__file__).resolve().parents[1]
    bridge = subprocess.Popen(
        [sys.executable, "-m", "objnav_ros.nodes.sim_bridge_node", "--ros-args",
         "-p", f"scene:={scene}", "-p", "n_episodes:=1",
         "-p", "publish_semantic:=false", "-p", f"max_steps:={steps + 1000}",
         "--log-level", "warn"], env=env, cwd=root)
    try:
        client = subprocess.run(
            [sys.executable, str(root / "bench" / "action_client.py"), "--steps", str(steps)],
            env=env, cwd=root, capture_output=True, text=True, timeout=600)
    finally:
        bridge.send_signal(signal.SIGINT)
        bridge.wait(timeout=30)
    if client.returncode:
        raise RuntimeError(f"ROS loop client failed: {client.stderr[-2000:]}")
    rate = json.loads(client.stdout.strip().splitlines()[-1])["steps_per_s"]
    return {"ros_loop_steps_per_s_640x480": round(rate, 1),
            "ros_loop_ratio": round(rate / raw_640, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (< 60 s)")
    parser.add_argument("--scene", choices=("house", "simple_room"), default="house")
    args = parser.parse_args(argv)
    steps = 300 if args.quick else 2000
    frames = 40 if args.quick else 200

    results: dict[str, object] = {"scene": args.scene, "steps": steps}
    with tempfile.TemporaryDirectory() as workdir:
        scene = bench_scene(args.scene, Path(workdir))
        rates, cameras = embedded_results(scene, steps)
        results.update(rates)
        raw_640 = rates["raw_steps_per_s_640x480"]
        results.update(ros_loop_results(scene, steps, raw_640))
        results.update(pyrender_results(scene, cameras[:frames], raw_640))
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
