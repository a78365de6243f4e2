"""The experiment's headline figures as one JSON line, read from the latest report.

    python bench/experiment.py --quick [--run out/experiment]

Reads ``RUN/report/report.json`` (written by ``objnav-experiment``; nothing is re-run, so
``--quick`` and a full call print the same) and prints: SR of random, frozen, and the mean
over training seeds of bc / awr / awr_dagger; the AWR gain over frozen in points with the
lower end of its paired bootstrap interval; the blank-image EPA drop of the base; episodes,
houses and the minutes the stages took.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def headline(report: dict, config: dict) -> dict:
    policies, weightings = report["policies"], report["weightings"]

    def sr(weighting: str) -> float | None:
        return weightings[weighting]["sr_mean"] if weighting in weightings else None

    awr = weightings.get("awr", {})
    frozen = policies["frozen"]
    return {
        "sr_random": policies["random"]["sr"],
        "sr_frozen": frozen["sr"],
        "sr_bc": sr("bc"),
        "sr_awr": sr("awr"),
        "sr_awr_dagger": sr("awr_dagger"),
        "sr_gain_awr_points": awr.get("gain_points"),
        "paired_ci_low_points": awr.get("gain_low"),
        "blank_epa_drop_points": frozen["epa"] - frozen["epa_blank"],
        "episodes": frozen["episodes"],
        "houses": len(config["eval_houses"]),
        "minutes": round(sum(report["stage_minutes"].values()), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, default=Path("out/experiment"), help="run folder")
    parser.add_argument("--quick", action="store_true", help="read the report only (default)")
    args = parser.parse_args(argv)
    report_file = args.run / "report" / "report.json"
    if not report_file.is_file():
        print(f"bench/experiment.py: no report at {report_file}; run `make experiment` first",
              file=sys.stderr)
        return 2
    config = json.loads((args.run / "config.json").read_text())
    print(json.dumps(headline(json.loads(report_file.read_text()), config)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
