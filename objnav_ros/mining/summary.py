"""What a mining run found: windows per kind and per episode, as JSON, a bar chart and a table."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from objnav_ros.monitor import KINDS

JSON_NAME = "summary.json"
PNG_NAME = "summary.png"


@dataclass
class Summary:
    """Window counts per kind and per episode (episodes without failures count 0)."""

    episodes: dict[str, Counter] = field(default_factory=dict)
    bags: list[str] = field(default_factory=list)

    def add_episode(self, episode_id: str) -> None:
        self.episodes.setdefault(episode_id, Counter())

    def add_window(self, episode_id: str, kind: str, bag: Path) -> None:
        self.episodes.setdefault(episode_id, Counter())[kind] += 1
        self.add_bag(bag)

    def add_bag(self, bag: Path) -> None:
        if bag.name not in self.bags:
            self.bags.append(bag.name)

    @property
    def per_kind(self) -> dict[str, int]:
        total = sum(self.episodes.values(), Counter())
        return {kind: total[kind] for kind in KINDS}

    @property
    def windows(self) -> int:
        return sum(self.per_kind.values())

    def to_dict(self) -> dict:
        return {"episodes": len(self.episodes), "windows": self.windows,
                "per_kind": self.per_kind,
                "per_episode": {ep: {kind: counts[kind] for kind in KINDS}
                                for ep, counts in self.episodes.items()},
                "bags": list(self.bags)}

    def table(self) -> str:
        """A short text table: one row per episode and a total row."""
        width = max([len("episode"), len("total"), *map(len, self.episodes)])
        rows = [f"{'episode':<{width}}" + "".join(f"{k:>13}" for k in KINDS)]
        for ep, counts in self.episodes.items():
            rows.append(f"{ep:<{width}}" + "".join(f"{counts[k]:>13}" for k in KINDS))
        rows.append(f"{'total':<{width}}" + "".join(f"{self.per_kind[k]:>13}" for k in KINDS))
        return "\n".join(rows)

    def write(self, folder: Path) -> tuple[Path, Path]:
        """Write ``summary.json`` and ``summary.png`` into ``folder``."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        json_path = folder / JSON_NAME
        json_path.write_text(json.dumps(self.to_dict(), indent=1))
        fig, (by_kind, by_episode) = plt.subplots(1, 2, figsize=(10, 4))
        by_kind.bar(list(KINDS), [self.per_kind[k] for k in KINDS], color="tab:red")
        by_kind.set_title(f"failure windows per kind ({self.windows})")
        names = list(self.episodes)
        bottom = [0] * len(names)
        for kind in KINDS:
            counts = [self.episodes[ep][kind] for ep in names]
            by_episode.bar(names, counts, bottom=bottom, label=kind)
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
        by_episode.set_title("per episode")
        by_episode.tick_params(axis="x", labelrotation=90)
        by_episode.legend()
        for axes in (by_kind, by_episode):
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        fig.tight_layout()
        png_path = folder / PNG_NAME
        fig.savefig(png_path, dpi=80)
        plt.close(fig)
        return json_path, png_path
