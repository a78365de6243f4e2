"""``objnav-collect --n-episodes N --out DIR``: record N expert episodes as bags, headless.

Runs the ``collect`` graph (objnav_ros/apps/graphs.py) as processes under loopback DDS, in stages
(:class:`StagedLauncher`): recorder, policy (``--policy expert`` by default), simulator bridge
(lock-step, exits after N episodes).
A progress bar follows the episodes the recorder has seen end; the graph stops when the
bridge exits, and the recorder closes the last bag. Extra ``key:=value`` arguments go to
the graph (``objnav-launch collect --show-args`` lists them).
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from objnav_ros.apps.graphs import COLLECT
from objnav_ros.apps.launcher import Launcher, parse_overrides
from objnav_ros.core import topics
from objnav_ros.core.dds import loopback_env
from objnav_ros.core.paths import writable_dir
from objnav_ros.core.schema import add_flag

READY_TIMEOUT_S = 60.0
ACTION_TOPIC = "/" + topics.ACTION
POLL_S = 0.25


class StagedLauncher(Launcher):
    """Starts the nodes in stages, each once ``ready(stage)`` says the recorder caught up.

    Order: recorder (until subscribed), policy and monitor (until the recorder discovered
    the action publisher), then the bridge, whose (re)published observation the policy
    answers. So the recorder is matched to every publisher before the first action.
    """

    STAGES = (("recorder",), ("policy", "monitor"), ("sim_bridge",))

    def __init__(self, nodes, params_file, env, ready: Callable[[int], bool], **options) -> None:
        super().__init__(nodes, params_file, env, **options)
        self.ready = ready

    def start(self) -> None:
        everything = self.nodes
        for stage, names in enumerate(self.STAGES):
            self.nodes = [n for n in everything if n.name in names]
            super().start()
            deadline = time.monotonic() + READY_TIMEOUT_S
            while not self.ready(stage) and not self.stop_requested:
                if time.monotonic() > deadline:
                    self.log(f"[objnav-collect] recorder not ready after {READY_TIMEOUT_S} s; "
                             "starting the next nodes anyway")
                    break
                if any(r.process.poll() is not None for r in self.running):
                    break  # watch() reports it
                time.sleep(0.05)
        self.nodes = everything


def read_status(path: Path) -> dict:
    """The recorder's status file ({} until it exists or while it is being replaced)."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def follow(path: Path, total: int, done: threading.Event, quiet: bool) -> None:
    """Move a progress bar to the recorder's episodes_done until ``done`` is set."""
    with tqdm(total=total, unit="episode", desc="collect", disable=quiet) as bar:
        while True:
            finished = done.wait(POLL_S)
            count = min(total, int(read_status(path).get("episodes_done", 0)))
            bar.update(count - bar.n)
            if finished:
                return


FLAGS = ("policy", "scene", "episode_file", "seed", "n_episodes", "max_steps", "width", "height",
         "action_preset", "storage", "split")
"""Graph arguments with a flag of their own (the declarations of their node parameters)."""


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="objnav-collect",
        description="Record expert episodes as rosbag2 bags (sim bridge + policy + recorder).")
    parser.add_argument("--out", required=True, help="output folder of the bags")
    graph_args = {arg.name: arg for arg in COLLECT.arguments}
    for name in FLAGS:
        add_flag(parser, name, graph_args[name].spec.declared, graph_args[name].default,
                 given_only=True)
    parser.add_argument("--prefix", default="", help="bag name prefix; default collect_<time>")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--no-check", dest="check", action="store_false",
                        help="do not load the bags with the dataset reader afterwards")
    parser.add_argument("arguments", nargs="*", help="more graph arguments as key:=value")
    args = parser.parse_args(argv)
    for name in FLAGS:
        problem = graph_args[name].spec.check(getattr(args, name, graph_args[name].spec.default))
        if problem:
            parser.exit(2, f"objnav-collect: --{name.replace('_', '-')}: "
                           f"{problem.split(': ', 1)[1]}\n")
    return parser, args


def graph_overrides(args, out: Path, prefix: str, status_file: Path) -> dict[str, str]:
    values = {"output_dir": out, "bag_prefix": prefix, "status_file": status_file,
              **{name: getattr(args, name) for name in FLAGS if hasattr(args, name)}}
    values = {k: str(v) for k, v in values.items()}
    values.update(parse_overrides(args.arguments))
    return values


def check(bags: list[str]) -> tuple[int, list[str]]:
    """Episodes the dataset loader rebuilds from ``bags``, and its one-line problems."""
    from objnav_training.dataset import load_episodes

    episodes, errors = load_episodes(bags, logger=logging.getLogger("objnav-collect"))
    return len(episodes), [str(e) for e in errors]


def main(argv: list[str] | None = None) -> int:
    parser, args = parse_args(argv)
    out = Path(args.out).resolve()
    prefix = args.prefix or time.strftime("collect_%Y%m%d_%H%M%S")
    status_file = out / f"{prefix}.recorder.json"
    try:
        overrides = graph_overrides(args, out, prefix, status_file)
        values = COLLECT.argument_values(overrides)
        nodes = COLLECT.resolve(overrides)
        writable_dir(out, "--out")
    except ValueError as exc:
        parser.exit(2, f"objnav-collect: {exc}\n")
    status_file.unlink(missing_ok=True)
    episodes = int(values["n_episodes"])

    def ready(stage: int) -> bool:
        status = read_status(status_file)
        if stage == 0:
            return bool(status)
        return stage > 1 or status.get("publishers", {}).get(ACTION_TOPIC, 0) > 0

    launcher = StagedLauncher(nodes, values[COLLECT.params_file_arg], loopback_env(), ready)
    signal.signal(signal.SIGINT, launcher.request_stop)
    signal.signal(signal.SIGTERM, launcher.request_stop)
    done = threading.Event()
    progress = threading.Thread(target=follow, args=(status_file, episodes, done,
                                                     args.quiet), daemon=True)
    progress.start()
    launcher.start()
    code = launcher.watch()
    done.set()
    progress.join()
    summary = read_status(status_file)
    bags = summary.get("bags", [])
    recorded = int(summary.get("episodes_done", 0))
    print(f"objnav-collect: {recorded}/{episodes} episodes ended, {len(bags)} bag(s) in "
          f"{out}; {summary.get('drops', '?')} dropped, {summary.get('missing', '?')} missing",
          flush=True)
    if args.check and bags:
        loaded, problems = check(bags)
        for problem in problems:
            print(f"objnav-collect: problem: {problem}", flush=True)
        print(f"objnav-collect: {loaded} episode(s) load as training data", flush=True)
        recorded = min(recorded, loaded) if not problems else 0
    return code or int(recorded < episodes)


if __name__ == "__main__":
    sys.exit(main())
