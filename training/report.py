"""Reports: training curves from Lightning's CSV logs; frozen vs fine-tuned as JSON, markdown, PNG.

Plots are drawn with matplotlib's Agg canvas (no display, no pyplot state).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

CURVES = ("loss/actor", "loss/value", "policy/accuracy", "policy/entropy", "awr/weight_mean",
          "awr/clipped_frac")
RATES = (("success_rate", "SR %", 1.0), ("spl", "SPL x100", 100.0), ("epa", "EPA %", 1.0),
         ("valid_action_percent", "valid %", 1.0))
COUNTS = (("stuck_episodes", "stuck episodes", 1.0),
          ("oscillation_episodes", "oscillation episodes", 1.0), ("collisions", "collisions", 1.0))
TABLE = (("success_rate", "Success rate (%)"), ("spl", "SPL"), ("epa", "Expert-path accuracy (%)"),
         ("valid_action_percent", "Valid actions (%)"), ("mean_steps", "Mean steps"),
         ("collisions", "Collisions"), ("stuck_events", "Stuck events"),
         ("stuck_episodes", "Stuck episodes"), ("oscillation_events", "Oscillation events"),
         ("oscillation_episodes", "Oscillation episodes"), ("episodes", "Episodes"),
         ("epa_steps", "EPA steps"))


def read_curves(csv_file: Path) -> dict[str, list[tuple[int, float]]]:
    """(step, value) series per metric column of one Lightning CSV log."""
    series: dict[str, list[tuple[int, float]]] = {}
    with open(csv_file, newline="") as handle:
        for row in csv.DictReader(handle):
            for key, value in row.items():
                if key != "step" and value not in ("", None):
                    series.setdefault(key, []).append((int(row["step"]), float(value)))
    return series


def plot_training_curves(csv_files: Iterable[Path], png: Path) -> Path:
    """The main training curves (losses, accuracy, entropy, weights) of each log as PNG.

    One line per CSV log (``logs/version_N``): a resumed run continues its steps.
    """
    runs = [(file.parent.name, read_curves(file)) for file in csv_files]
    figure = Figure(figsize=(12, 6), dpi=100)
    FigureCanvasAgg(figure)
    for i, name in enumerate(CURVES):
        axes = figure.add_subplot(2, 3, i + 1)
        for label, series in runs:
            if series.get(name):
                steps, values = zip(*series[name], strict=True)
                axes.plot(steps, values, linewidth=1, label=label)
        axes.set_title(name, fontsize=9)
        axes.set_xlabel("step", fontsize=8)
        if i == 0 and len(runs) > 1:
            axes.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(png, format="png")
    return png


def _cell(key: str, value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "n/a"
    return f"{value:.3f}" if key == "spl" else f"{value:.1f}"


def markdown_table(summaries: Mapping[str, Mapping[str, float]]) -> str:
    """Metrics as rows, policies as columns."""
    names = list(summaries)
    lines = ["| Metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for key, title in TABLE:
        cells = " | ".join(_cell(key, summaries[n][key]) for n in names)
        lines.append(f"| {title} | {cells} |")
    return "\n".join(lines) + "\n"


def plot_comparison(summaries: Mapping[str, Mapping[str, float]], png: Path) -> Path:
    """Grouped bars: rates (SR, SPL, EPA, valid %) and failure counts, one colour per policy."""
    figure = Figure(figsize=(11, 4), dpi=100)
    FigureCanvasAgg(figure)
    width = 0.8 / max(len(summaries), 1)
    for column, (metrics, title) in enumerate(((RATES, "rates"), (COUNTS, "counts"))):
        axes = figure.add_subplot(1, 2, column + 1)
        for i, (name, summary) in enumerate(summaries.items()):
            heights = [0.0 if math.isnan(summary[key]) else summary[key] * scale
                       for key, _, scale in metrics]
            axes.bar([j + i * width for j in range(len(metrics))], heights, width, label=name)
        axes.set_xticks([j + width * (len(summaries) - 1) / 2 for j in range(len(metrics))])
        axes.set_xticklabels([label for _, label, _ in metrics], fontsize=8)
        axes.set_title(title, fontsize=9)
        axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(png, format="png")
    return png


def write_comparison(summaries: Mapping[str, Mapping[str, float]], out_dir: Path) -> dict:
    """``eval.json``, ``eval.md`` and ``eval.png`` in ``out_dir``; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {"json": out_dir / "eval.json", "markdown": out_dir / "eval.md",
             "png": out_dir / "eval.png"}
    finite = {name: {k: None if isinstance(v, float) and math.isnan(v) else v
                     for k, v in summary.items()} for name, summary in summaries.items()}
    files["json"].write_text(json.dumps(finite, indent=2))  # NaN (nothing measured) -> null
    files["markdown"].write_text(markdown_table(summaries))
    plot_comparison(summaries, files["png"])
    return files
