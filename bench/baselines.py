"""Success rate and SPL of the baseline policies in the embedded simulator; last line is JSON.

Policies: ``frontier`` (the depth explorer, seeking the goal in the simulator's ground-truth
semantic image), ``random`` (uniform over the six habitat actions, STOP included) and
``expert`` (the privileged shortest-path expert: the upper bound). Each runs closed-loop and
in-process (:func:`objnav_training.evaluate_sim.closed_loop`) on the same generated episodes of
several generated houses (seeds ``0 .. houses-1``, 4 rooms each), habitat actions, camera
``--width`` x ``--height`` (default ``objnav_ros.sim.config.SMALL_IMAGE``; SimConfig camera),
``--max-steps`` 500.
Writes ``episodes.csv`` (one row per policy and episode), ``summary.json`` and
``baselines.png`` (SR and SPL bars) into ``--out``. ``--quick`` runs 8 episodes (< 60 s).

    python bench/baselines.py --n-episodes 20
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from objnav_ros.core.schema import add_flags
from objnav_ros.policy.factory import PolicySettings, make_policy
from objnav_ros.sim.config import SMALL_IMAGE, SimConfig
from objnav_ros.sim.factory import make_simulator
from objnav_ros.sim.scene_source import SceneSource
from objnav_training.evaluate_sim import closed_loop

POLICIES = ("frontier", "random", "expert")


@dataclass(frozen=True)
class Row:
    policy: str
    house_seed: int
    episode_id: str
    category: str
    success: bool
    spl: float
    steps: int
    collisions: int
    stuck: int
    oscillation: int


def run_house(seed: int, n_episodes: int, config: SimConfig, cache_dir: str) -> list[Row]:
    """Every policy on the first ``n_episodes`` generated episodes of house ``seed``."""
    source = SceneSource(seed=seed, n_episodes=n_episodes, cache_dir=cache_dir)
    scene = source.scene_path()
    rows = []
    with make_simulator("embedded", scene, config) as sim:
        episodes = source.load_episodes(config, sim.random_episode)
        for kind in POLICIES:
            policy = make_policy(PolicySettings(kind=kind, seed=seed, scene=str(scene),
                                                sim=config))
            for episode, result in zip(episodes, closed_loop(policy, sim, episodes),
                                       strict=True):
                rows.append(Row(kind, seed, episode.episode_id, episode.object_category,
                                result.success, result.spl, result.steps, result.collisions,
                                result.stuck, result.oscillation))
    return rows


def summarize(rows: list[Row]) -> dict[str, dict[str, float]]:
    """Per policy: episodes, SR and SPL (0-1), mean steps, collisions, stuck/oscillating runs."""
    summary = {}
    for kind in POLICIES:
        mine = [r for r in rows if r.policy == kind]
        n = len(mine)
        summary[kind] = {
            "episodes": n,
            "success_rate": round(sum(r.success for r in mine) / n, 3),
            "spl": round(sum(r.spl for r in mine) / n, 3),
            "mean_steps": round(sum(r.steps for r in mine) / n, 1),
            "collisions": sum(r.collisions for r in mine),
            "stuck_episodes": sum(r.stuck > 0 for r in mine),
            "oscillation_episodes": sum(r.oscillation > 0 for r in mine),
        }
    return summary


def plot(summary: dict[str, dict[str, float]], title: str, path: Path) -> None:
    """Grouped bars: SR and SPL per policy."""
    figure = Figure(figsize=(6, 3.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    x = range(len(summary))
    for offset, (key, label) in zip((-0.2, 0.2), (("success_rate", "SR"), ("spl", "SPL")),
                                    strict=True):
        values = [summary[kind][key] for kind in summary]
        bars = axes.bar([i + offset for i in x], values, width=0.4, label=label)
        axes.bar_label(bars, fmt="%.2f", fontsize=8)
    axes.set_xticks(list(x), list(summary))
    axes.set_ylim(0, 1.1)
    axes.set_title(title, fontsize=9)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-episodes", type=int, default=20, help="episodes in all (>= 1)")
    parser.add_argument("--houses", type=int, default=4, help="generated houses (seeds 0..)")
    add_flags(parser, SimConfig, ("width", "height"), defaults=dict(zip(
        ("width", "height"), SMALL_IMAGE, strict=True)))
    add_flags(parser, SimConfig, ("max_steps",))
    parser.add_argument("--out", type=Path, default=Path("out/baselines"))
    parser.add_argument("--cache-dir", default="", help="generated houses ('' = user cache)")
    parser.add_argument("--quick", action="store_true", help="8 episodes in 2 houses (< 60 s)")
    args = parser.parse_args(argv)
    episodes, houses = (8, 2) if args.quick else (args.n_episodes, args.houses)
    if episodes < 1 or not 1 <= houses <= episodes:
        parser.error("need episodes >= 1 and 1 <= houses <= episodes")

    begin = time.perf_counter()
    rows = []
    for seed in range(houses):
        config = SimConfig(width=args.width, height=args.height, max_steps=args.max_steps,
                           seed=seed, semantic=True)
        rows += run_house(seed, episodes // houses + (seed < episodes % houses), config,
                          args.cache_dir)
    summary = summarize(rows)
    result = {"episodes": episodes, "houses": houses, "image": f"{args.width}x{args.height}",
              "max_steps": args.max_steps, "policies": summary,
              "seconds": round(time.perf_counter() - begin, 1)}

    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "episodes.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(asdict(rows[0])))
        writer.writeheader()
        writer.writerows(asdict(r) for r in rows)
    (args.out / "summary.json").write_text(json.dumps(result, indent=2) + "\n")
    plot(summary, f"{episodes} episodes, {houses} houses, {args.width}x{args.height}",
         args.out / "baselines.png")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
