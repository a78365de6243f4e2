"""The failure miner: a policy under the monitor; its failures (or whole episodes) as bags."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from objnav_ros.bags.labels import FailureWindow, Labels, Relabel
from objnav_ros.bags.writer import free_path, safe_name
from objnav_ros.mining.bag import write_window_bag
from objnav_ros.mining.config import MinerConfig
from objnav_ros.mining.relabel import relabels
from objnav_ros.mining.rollout import Rollout, rollout
from objnav_ros.mining.summary import Summary
from objnav_ros.mining.windows import WindowSpan, window_span
from objnav_ros.monitor import Monitor, MonitorConfig, Verdict
from objnav_ros.policy.decision import Policy
from objnav_ros.policy.factory import make_policy
from objnav_ros.sim import EmbeddedSimulator, Episode, Simulator

SOURCE = "failure_miner"


def write_windows(sim: Simulator, run: Rollout, out: Path, context: int,
                  relabeller: str = "expert") -> list[tuple[str, Path]]:
    """One bag per verdict of ``run`` under ``out``: (kind, bag) each; none without verdicts.

    Every kept step is relabelled by ``relabeller`` (:mod:`objnav_ros.mining.relabel`), so
    ``sim`` must still hold the rollout's episode.
    """
    spans = [window_span(verdict, run.actions, context) for verdict in run.verdicts]
    labels = relabels(sim, run, (s for span in spans for s in range(span.first, span.last)),
                      relabeller)
    written = []
    for number, (verdict, span) in enumerate(zip(run.verdicts, spans, strict=True)):
        steps = range(span.first, span.last)
        window = _window(run, verdict, span)
        kept = tuple(Relabel(run.episode.episode_id, s, labels[s], relabeller)
                     for s in steps if s in labels)
        name = f"{safe_name(run.episode.episode_id)}_{number:03d}_{verdict.kind}"
        bag = write_window_bag(free_path(out, name),
                               list(run.frames[span.first:span.last + 1]), Labels((window,), kept),
                               sim.config.contract())
        written.append((verdict.kind, bag))
    return written


def write_episode(sim: Simulator, run: Rollout, out: Path, relabeller: str = "expert") -> Path:
    """The whole of ``run`` as one bag under ``out``, every step relabelled, windows marked."""
    labels = relabels(sim, run, range(run.actions), relabeller)
    windows = tuple(_window(run, v, window_span(v, run.actions, 0)) for v in run.verdicts)
    kept = tuple(Relabel(run.episode.episode_id, s, a, relabeller) for s, a in labels.items())
    return write_window_bag(free_path(out, safe_name(run.episode.episode_id)), list(run.frames),
                            Labels(windows, kept), sim.config.contract())


def _window(run: Rollout, verdict: Verdict, span: WindowSpan) -> FailureWindow:
    return FailureWindow(run.episode.episode_id, verdict.kind, span.start, span.end,
                         verdict.severity, verdict.detail, SOURCE)


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
        self.summary.add_episode(episode.episode_id)
        if self.config.keep == "episodes":
            bag = write_episode(self.sim, run, self.out, self.config.relabeller)
            self.summary.add_bag(bag)
            written = [(verdict.kind, bag) for verdict in run.verdicts]
        else:
            written = write_windows(self.sim, run, self.out, self.config.context,
                                    self.config.relabeller)
        for kind, bag in written:
            self.summary.add_window(episode.episode_id, kind, bag)
        return written

    def finish(self) -> tuple[Path, Path]:
        """Write the summary files; close the simulator."""
        self.sim.close()
        self.out.mkdir(parents=True, exist_ok=True)
        return self.summary.write(self.out)
