"""Labelled trajectories from the embedded simulator, driven by scripted behaviours.

The simulator is the real ``objnav_ros.sim.embedded.EmbeddedSimulator`` on habitat's
``simple_room.glb`` (its nav grid gives collisions with sliding and shortest paths);
frames are rendered tiny since only poses and collided flags matter here.

Every episode walks to three random goals in turn with a shortest-path follower (plus
the look-arounds and glances an exploring agent makes) and, per scenario, injects a
failure after each walk, labelling its steps:

- ``normal``: nothing injected;
- ``dither``: turning left/right in place, 1-2 turns per swing, 3-9 swings (oscillation);
- ``forward_back``: 1-3 forward steps, turn around (6 x 30 degrees, either way), repeated
  for 3-5 legs in free space (oscillation);
- ``pinned``: drive head-on into the nearest wall until a step makes no progress and
  keep pushing for 12-30 steps, with an occasional look up/down and at most one wiggle
  left-forward-right (stuck from the first blocked step);
- ``spin``: 45-60 turns in one direction with a few looks (stuck);
- ``bump``: drive into a wall at a random heading, then turn away (collisions only).

Collision windows are the simulator's ground truth in every scenario: each run of steps
with its ``collided`` flag set.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Pose2D
from objnav_ros.monitor import COLLISION, OSCILLATION, STUCK, StepRecord, Window

F, L, R = Action.MOVE_FORWARD, Action.TURN_LEFT, Action.TURN_RIGHT
U, D = Action.LOOK_UP, Action.LOOK_DOWN
SCENARIOS = ("normal", "dither", "forward_back", "pinned", "spin", "bump")
SCENE = Path(
    os.environ.get(
        "OBJNAV_TEST_SCENE",
        Path(__file__).resolve().parents[1] / "data" / "simple_room.glb",  # habitat's, shipped
    )
)
STEP_S = 0.5  # simulated seconds per step (StepRecord.time_s)
TURN = math.radians(30.0)
FORWARD_M = 0.25
MIN_GOAL_M = 2.5
LEGS = 3  # walks to a random goal per episode, each followed by the scenario's failure


@dataclass
class Trajectory:
    """One episode: its steps and the labelled windows of each kind."""

    scenario: str
    records: list[StepRecord] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)


def make_simulator(scene: Path = SCENE):
    """EmbeddedSimulator on ``scene`` with tiny frames (only poses matter here)."""
    from objnav_ros.sim.config import SimConfig
    from objnav_ros.sim.embedded import EmbeddedSimulator

    return EmbeddedSimulator(scene, SimConfig(width=16, height=12, max_steps=100_000))


def generate(sim, scenario: str, seed: int) -> Trajectory:
    """One labelled episode of ``scenario`` on ``sim`` (reproducible per seed)."""
    from objnav_ros.sim.episodes import Episode, ObjectGoal

    if scenario not in SCENARIOS:
        raise ValueError(f"scenario: expected one of {SCENARIOS}, got {scenario!r}")
    rng = np.random.default_rng(seed)
    start, goal = sim.nav.sample_point(rng), sim.nav.sample_point(rng)
    sim.reset(Episode(f"{scenario}-{seed}", SCENE.name, (*start, 0.0),
                      float(rng.integers(12)) * TURN, "chair",
                      (ObjectGoal("goal", "chair", (*goal, 0.0)),)))
    script = _Script(sim, rng, Trajectory(scenario))
    inject = None if scenario == "normal" else getattr(script, scenario)
    for _ in range(LEGS):
        script.explore()
        if inject is not None:
            inject()
    script.label_collisions()
    return script.trajectory


class _Script:
    """Scripted behaviours that step the simulator and label what they inject."""

    def __init__(self, sim, rng: np.random.Generator, trajectory: Trajectory) -> None:
        self.sim, self.rng, self.trajectory = sim, rng, trajectory

    # --- recording --------------------------------------------------------------------

    def act(self, action: Action) -> StepRecord:
        before = self.sim.pose
        obs = self.sim.step(action)
        record = StepRecord(obs.step, obs.step * STEP_S, action, before, obs.pose,
                            bool(obs.collided), FORWARD_M)
        self.trajectory.records.append(record)
        return record

    @property
    def step(self) -> int:
        return len(self.trajectory.records)

    def label(self, kind: str, start: int) -> None:
        """Label steps ``start..now`` (when any were taken)."""
        if self.step >= start:
            self.trajectory.windows.append(Window(kind, start, self.step))

    def label_collisions(self) -> None:
        start = None
        for record in self.trajectory.records:
            if record.collided and start is None:
                start = record.step
            elif not record.collided and start is not None:
                self.trajectory.windows.append(Window(COLLISION, start, record.step - 1))
                start = None
        if start is not None:
            self.trajectory.windows.append(Window(COLLISION, start, self.step))

    # --- normal behaviour -------------------------------------------------------------

    def explore(self) -> None:
        """Walk to a random goal 2.5 m away or more; sometimes look around or glance first."""
        if self.rng.random() < 0.3:
            self.look_around()
        if self.rng.random() < 0.3:
            self.glance()
        here = (self.sim.pose.x, self.sim.pose.y)
        goal = self.sim.nav.sample_point(self.rng)
        while math.dist(here, goal) < MIN_GOAL_M:  # injected patterns lie apart
            goal = self.sim.nav.sample_point(self.rng)
        self.goto(goal)

    def goto(self, goal: tuple[float, float], max_steps: int = 150) -> None:
        """Shortest-path follower: turn towards the next waypoint, else step forward."""
        planned_at, path = None, []
        for _ in range(max_steps):
            pose = self.sim.pose
            here = (pose.x, pose.y)
            if math.dist(here, goal) < 0.3:
                return
            if here != planned_at:
                planned_at, path = here, self.sim.shortest_path(here, goal)
            target = path[1] if len(path) > 1 else goal
            if len(path) > 2 and math.dist(here, target) < 0.1:
                target = path[2]
            error = _wrap(math.atan2(target[1] - pose.y, target[0] - pose.x) - pose.yaw)
            turns = round(error / TURN)
            self.act(F if turns == 0 else (L if turns > 0 else R))

    def look_around(self) -> None:
        turn = L if self.rng.random() < 0.5 else R
        for i in range(12):
            self.act(turn)
            if i in (3, 7) and self.rng.random() < 0.3:
                self.act(U)
                self.act(D)

    def glance(self) -> None:
        first, back = (L, R) if self.rng.random() < 0.5 else (R, L)
        k = int(self.rng.integers(1, 4))
        for action in [first] * k + [back] * k:
            self.act(action)

    def face(self, yaw: float) -> None:
        turns = round(_wrap(yaw - self.sim.pose.yaw) / TURN)
        for _ in range(abs(turns)):
            self.act(L if turns > 0 else R)

    def free_ahead(self, pose: Pose2D, yaw: float, metres: float) -> bool:
        end = (pose.x + metres * math.cos(yaw), pose.y + metres * math.sin(yaw))
        return bool(self.sim.nav.segments_free((pose.x, pose.y), np.array([end]))[0])

    def forward_until(self, blocked: bool, max_steps: int = 60) -> int | None:
        """Step forward until a step collides (``blocked``: makes no progress); its step."""
        for _ in range(max_steps):
            record = self.act(F)
            if record.progress_m < 0.01 if blocked else record.collided:
                return self.step
        return None

    # --- injected failures ------------------------------------------------------------

    def dither(self) -> None:
        start = self.step + 1
        turn = L if self.rng.random() < 0.5 else R
        for _ in range(int(self.rng.integers(4, 10))):
            for _ in range(int(self.rng.integers(1, 3))):
                self.act(turn)
            turn = R if turn == L else L
        self.label(OSCILLATION, start)

    def forward_back(self) -> None:
        n = int(self.rng.integers(1, 4))
        pose = self.sim.pose
        headings = [h for h in range(12) if self.free_ahead(pose, h * TURN, n * FORWARD_M + 0.05)]
        if not headings:
            return
        self.face(float(self.rng.choice(headings)) * TURN)
        start = self.step + 1
        legs = int(self.rng.integers(3, 6))
        for leg in range(legs):
            for _ in range(n):
                self.act(F)
            if leg < legs - 1:
                turn = L if self.rng.random() < 0.5 else R
                for _ in range(6):
                    self.act(turn)
        self.label(OSCILLATION, start)

    def pinned(self) -> None:
        pose = self.sim.pose
        nearest = min(range(0, 12, 3), key=lambda h: self.wall_distance(pose, h * TURN))
        self.face(nearest * TURN)
        start = self.forward_until(blocked=True)
        if start is None:
            return
        wiggled = False
        for _ in range(int(self.rng.integers(12, 31)) - 1):
            draw = self.rng.random()
            if draw < 0.08:
                self.act(U)
                self.act(D)
            elif draw < 0.13 and not wiggled:
                wiggled = True
                away, back = (L, R) if self.rng.random() < 0.5 else (R, L)
                for action in (away, F, back):
                    self.act(action)
            else:
                self.act(F)
        self.label(STUCK, start)

    def spin(self) -> None:
        start = self.step + 1
        turn = L if self.rng.random() < 0.5 else R
        for _ in range(int(self.rng.integers(45, 61))):
            self.act(turn if self.rng.random() < 0.9 else U if self.rng.random() < 0.5 else D)
        self.label(STUCK, start)

    def bump(self) -> None:
        self.face(float(self.rng.integers(12)) * TURN)
        if self.forward_until(blocked=False) is None:
            return
        if self.rng.random() < 0.5:
            self.act(F)
        turn = L if self.rng.random() < 0.5 else R
        for _ in range(int(self.rng.integers(3, 7))):
            self.act(turn)

    def wall_distance(self, pose: Pose2D, yaw: float) -> float:
        """Metres of free floor straight ahead (0.25 m resolution, 12 m at most)."""
        metres = 0.0
        while metres < 12.0 and self.free_ahead(pose, yaw, metres + FORWARD_M):
            metres += FORWARD_M
        return metres


def _wrap(angle: float) -> float:
    return math.atan2(math.sin(angle), math.cos(angle))


def generate_all(seeds: int, workers: int = 2) -> list[Trajectory]:
    """``seeds`` episodes of every scenario, spread over ``workers`` processes."""
    jobs = [(scenario, seed) for scenario in SCENARIOS for seed in range(seeds)]
    chunks = [jobs[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        return [t for chunk in pool.map(_generate_many, chunks) for t in chunk]


def _generate_many(jobs: list[tuple[str, int]]) -> list[Trajectory]:
    sim = make_simulator()
    try:
        return [generate(sim, scenario, seed) for scenario, seed in jobs]
    finally:
        sim.close()
