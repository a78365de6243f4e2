"""Benchmark lazy frame reads across many one-episode bags, as AWR training samples them.

Training draws transitions at random from every bag (the recorder writes one bag per episode;
the experiment trains on 56 of them, plus 91 mined windows), and each frame is read from its
bag when the batch is built (:class:`objnav_ros.bags.reader.FrameRef`). Measured here:
``frames_per_s`` with the package's per-process cache of open readers
(``OPEN_READERS``) and ``baseline_frames_per_s`` with the former cache of 8, which random
draws over more bags than that keep re-opening; ``speedup`` is their ratio (same bags, same
draws, same run). The last stdout line is one JSON object.

    python bench/frames.py --quick
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from unittest import mock

import numpy as np

from objnav_ros.bags import reader
from objnav_ros.bags.synthetic import SyntheticEpisode, write_bag
from objnav_training.dataset import load_episodes

BASELINE_READERS = 8


def frames_per_s(refs: list, draws: np.ndarray, readers: int) -> float:
    """Frames read per second for ``draws`` (indices into ``refs``) with ``readers`` kept open."""
    reader._READERS.clear()
    with mock.patch.object(reader, "OPEN_READERS", readers):
        start = time.perf_counter()
        for i in draws:
            refs[i]()
        elapsed = time.perf_counter() - start
    reader._READERS.clear()
    return len(draws) / elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer bags and draws")
    args = parser.parse_args(argv)
    bags, draws = (24, 300) if args.quick else (56, 1000)
    with tempfile.TemporaryDirectory() as tmp:
        paths = [write_bag(Path(tmp) / f"bag{i}", [SyntheticEpisode(
            f"ep-{i}", steps=20, width=112, height=84)]) for i in range(bags)]
        episodes, _ = load_episodes(paths)
        refs = [t.rgb for e in episodes for t in e.transitions]
        order = np.random.default_rng(0).integers(len(refs), size=draws)
        baseline = frames_per_s(refs, order, BASELINE_READERS)
        current = frames_per_s(refs, order, reader.OPEN_READERS)
    print(json.dumps({"bags": bags, "draws": draws, "open_readers": reader.OPEN_READERS,
                      "frames_per_s": round(current, 1),
                      "baseline_frames_per_s": round(baseline, 1),
                      "speedup": round(current / baseline, 2)}))


if __name__ == "__main__":
    main()
