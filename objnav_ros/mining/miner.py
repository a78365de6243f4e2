"""The failure miner: run a policy under the monitor and keep each failure as a labelled bag."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from objnav_ros.bags.labels import FailureWindow, Labels, Relabel
from objnav_ros.bags.writer import free_path, safe_name
from objnav_ros.mining.bag import write_window_bag
from objnav_ros.mining.config import MinerConfig
from objnav_ros.mining.rollout import Rollout, relabel, rollout
from objnav_ros.mining.summary import Summary
from objnav_ros.mining.windows import window_span
from objnav_ros.monitor import Monitor, MonitorConfig
from objnav_ros.policy.decision import Policy
from objnav_ros.policy.factory import make_policy
from objnav_ros.sim import EmbeddedSimulator, Episode, Simulator

SOURCE = "failure_miner"


def write_windows(sim: Simulator, run: Rollout, out: Path, context: int) -> list[tuple[str, Path]]:
    """One bag per verdict of ``run`` under ``out``: (kind, bag) each; none without verdicts.

    Every kept step is relabelled with the expert's action at its pose, so ``sim`` must still
    hold the rollout's episode.
    """
    episode_id = run.episode.episode_id
    experts: dict[int, Relabel] = {}
    written = []
    for number, verdict in enumerate(run.verdicts):
        span = window_span(verdict, run.actions, context)
        steps = range(span.first, span.last)
        for step in steps:
            if step not in experts:
                experts[step] = Relabel(episode_id, step, relabel(sim, run.frames[step]), "expert")
        window = FailureWindow(episode_id, verdict.kind, span.start, span.end, verdict.severity,
                               verdict.detail, SOURCE)
        labels = Labels((window,), tuple(experts[s] for s in steps))
        name = f"{safe_name(episode_id)}_{number:03d}_{verdict.kind}"
        bag = write_window_bag(free_path(out, name),
                               list(run.frames[span.first:span.last + 1]), labels,
                               sim.config.contract())
        written.append((verdict.kind, bag))
    return written


class Miner:
    """Runs a policy over the configured episodes and writes their failure windows."""

    def __init__(self, config: MinerConfig, policy: Policy | None = None,
                 monitor: MonitorConfig | None = None) -> None:
        self.config = config
        self.out = Path(config.out)
        source = config.source()
        self.sim = EmbeddedSimulator(source.scene_path(), config.sim_config())
        self.episodes: Sequence[Episode] = source.load_episodes(self.sim.config,
                                                                self.sim.random_episode)
        self.policy = policy or make_policy(config.policy_settings())
        self.monitor = Monitor(monitor)
        self.summary = Summary()

    def mine(self, episode: Episode) -> list[tuple[str, Path]]:
        """Run one episode; its windows' (kind, bag)."""
        run = rollout(self.policy, self.sim, episode, self.monitor)
        self.out.mkdir(parents=True, exist_ok=True)
        written = write_windows(self.sim, run, self.out, self.config.context)
        self.summary.add_episode(episode.episode_id)
        for kind, bag in written:
            self.summary.add_window(episode.episode_id, kind, bag)
        return written

    def finish(self) -> tuple[Path, Path]:
        """Write the summary files; close the simulator."""
        self.sim.close()
        self.out.mkdir(parents=True, exist_ok=True)
        return self.summary.write(self.out)
