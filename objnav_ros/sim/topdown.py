"""Top-down map of an episode as a PNG: navigable area, objects, goal, path taken, collisions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from objnav_ros.core.types import Pose2D
from objnav_ros.sim.episode_state import EpisodeState
from objnav_ros.sim.episodes import Episode
from objnav_ros.sim.navgrid import NavGrid
from objnav_ros.sim.objects import CATEGORIES, ObjectInstance

_CATEGORY_COLORS = dict(
    zip(CATEGORIES, ("#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#17becf", "#ff7f0e"), strict=True)
)
_OTHER_COLOR = "#7f7f7f"
_GRID_COLORS = np.array(
    [
        [0.12, 0.12, 0.12],  # no floor
        [0.35, 0.35, 0.38],  # obstacle
        [0.78, 0.78, 0.78],  # floor the agent's body cannot reach
        [1.00, 1.00, 1.00],  # navigable
    ]
)


def save_topdown(
    path: str | Path,
    nav: NavGrid,
    objects: Sequence[ObjectInstance],
    episode: Episode | None = None,
    trajectory: Sequence[tuple[Pose2D, bool]] = (),
    state: EpisodeState | None = None,
    planned_path: Sequence[tuple[float, float]] = (),
    max_size_px: int = 900,
) -> Path:
    """Draw the map and write it as PNG; ``trajectory`` is (pose, collided) per step."""
    out = Path(path)
    rows, cols = nav.navigable.shape
    scale = max_size_px / max(rows, cols)
    figure = Figure(figsize=(cols * scale / 100 + 0.2, rows * scale / 100 + 0.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.01, 0.01, 0.98, 0.9))
    kind = np.where(nav.clearance > 0, 2, np.where(nav.obstacle, 1, 0))
    kind[nav.navigable] = 3
    half = nav.cell / 2
    extent = (
        nav.origin[0] - half,
        nav.origin[0] + (cols - 1) * nav.cell + half,
        nav.origin[1] - half,
        nav.origin[1] + (rows - 1) * nav.cell + half,
    )
    axes.imshow(_GRID_COLORS[kind], origin="lower", extent=extent, interpolation="nearest")
    target = episode.object_category if episode else None
    for obj in objects:
        xmin, ymin, xmax, ymax = obj.footprint
        color = _CATEGORY_COLORS.get(obj.category, _OTHER_COLOR)
        is_goal = obj.category == target
        axes.add_patch(
            Rectangle(
                (xmin, ymin),
                xmax - xmin,
                ymax - ymin,
                facecolor=color,
                alpha=0.8,
                edgecolor="gold" if is_goal else "black",
                linewidth=2.5 if is_goal else 0.8,
            )
        )
        axes.annotate(obj.category, ((xmin + xmax) / 2, ymax), fontsize=7, ha="center", va="bottom")
    if episode is not None:
        points = np.array(episode.goal_points())
        axes.scatter(points[:, 0], points[:, 1], s=4, c="limegreen", label="goal view points")
        start = episode.start_pose
        axes.plot(start.x, start.y, "o", color="royalblue", markersize=8, label="start")
    if len(planned_path):
        line = np.array(planned_path)
        axes.plot(line[:, 0], line[:, 1], "--", color="green", linewidth=1.5, label="shortest path")
    if trajectory:
        poses = np.array([(pose.x, pose.y) for pose, _ in trajectory])
        axes.plot(
            poses[:, 0], poses[:, 1], "-", color="royalblue", linewidth=1.5, label="path taken"
        )
        hits = np.array([(pose.x, pose.y) for pose, collided in trajectory if collided])
        if len(hits):
            axes.plot(hits[:, 0], hits[:, 1], "x", color="red", markersize=6, label="collision")
        last = trajectory[-1][0]
        axes.arrow(
            last.x,
            last.y,
            0.4 * np.cos(last.yaw),
            0.4 * np.sin(last.yaw),
            width=0.05,
            color="navy",
            length_includes_head=True,
        )
    axes.set_xlim(extent[0], extent[1])
    axes.set_ylim(extent[2], extent[3])
    axes.set_aspect("equal")
    axes.set_xticks([])
    axes.set_yticks([])
    if axes.get_legend_handles_labels()[0]:
        axes.legend(loc="upper right", fontsize=7, framealpha=0.8)
    figure.suptitle(_title(episode, state), fontsize=9)
    figure.savefig(out, format="png")
    return out


def _title(episode: Episode | None, state: EpisodeState | None) -> str:
    if episode is None:
        return "navigable area"
    text = f"episode {episode.episode_id}: find {episode.object_category}"
    if state is not None:
        text += (
            f" | step {state.step} | success {state.success} | SPL {state.spl:.2f}"
            f" | path {state.path_length:.2f} m / shortest {state.shortest_path_length:.2f} m"
            f" | collisions {state.collisions}"
        )
    return text
