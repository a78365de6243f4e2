"""Ground-truth answers of the vision-language stage: where the goal is in a frame.

The stand-in base model learns to see by answering ``Where is the <goal>?`` about simulator
frames, from the semantic and depth images: ``not visible``, or side (``left`` / ``ahead`` /
``right`` by the goal pixels' centre column) and range (``near`` within ``near_m`` by their
median depth, else ``far``). It is the VQA pretraining a real VLM brings, made from ground truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from objnav_ros.policy.prompt import PromptTemplate
from objnav_ros.sim.base import semantic_id

QUESTION = PromptTemplate("Where is the $goal? <image>")
"""The vision-language stage's user turn: the question, then the image."""
NOT_VISIBLE = "not visible"
SIDES = ("left", "ahead", "right")
RANGES = ("near", "far")
ANSWERS = (NOT_VISIBLE, *(f"{side} {rng}" for side in SIDES for rng in RANGES))


@dataclass(frozen=True)
class CaptionConfig:
    """When a goal counts as visible and what counts as near."""

    min_pixels: int = 6  # goal pixels needed to call it visible
    near_m: float = 2.0

    def __post_init__(self) -> None:
        if self.min_pixels < 1:
            raise ValueError(f"min_pixels: must be >= 1, got {self.min_pixels}")
        if not self.near_m > 0:
            raise ValueError(f"near_m: must be > 0, got {self.near_m}")


def question(processor, goal: str) -> str:
    """The chat prompt asking about ``goal`` (``tv_monitor`` -> ``tv monitor``)."""
    return QUESTION.render(processor, goal.replace("_", " "), ())


def describe(semantic: np.ndarray, depth: np.ndarray, goal: str,
             config: CaptionConfig = CaptionConfig()) -> str:
    """One of :data:`ANSWERS` for ``goal`` in a frame's semantic ids and depth (metres)."""
    if semantic.shape != depth.shape:
        raise ValueError(f"semantic {semantic.shape} and depth {depth.shape} differ in size")
    mask = semantic == semantic_id(goal)
    if semantic_id(goal) == 0 or int(mask.sum()) < config.min_pixels:
        return NOT_VISIBLE
    columns = np.nonzero(mask)[1]
    third = int(np.clip(3 * columns.mean() / semantic.shape[1], 0, 2))
    distance = float(np.median(depth[mask]))
    return f"{SIDES[third]} {'near' if distance <= config.near_m else 'far'}"


def region_labels(semantic: np.ndarray, cell: int, categories: tuple[str, ...],
                  min_fraction: float = 0.05) -> np.ndarray:
    """(rows, cols, K) bool: category k covers >= ``min_fraction`` of a ``cell``-pixel square.

    With ``cell`` = patch size x merge size, region (r, c) is what image token r * cols + c
    of the vision tower sees: a dense target that teaches the tower to see the goals.
    """
    height, width = semantic.shape
    if height % cell or width % cell:
        raise ValueError(f"semantic {semantic.shape}: sides must be multiples of {cell}")
    blocks = semantic.reshape(height // cell, cell, width // cell, cell).transpose(0, 2, 1, 3)
    ids = np.array([semantic_id(c) for c in categories], dtype=semantic.dtype)
    cover = (blocks[..., None, :, :] == ids[:, None, None]).mean(axis=(-2, -1))
    return cover >= min_fraction


def visible_goals(semantic: np.ndarray, categories: tuple[str, ...],
                  config: CaptionConfig = CaptionConfig()) -> list[str]:
    """The categories with at least ``min_pixels`` pixels in ``semantic``."""
    counts = np.bincount(semantic.ravel(), minlength=len(categories) + 1)
    return [c for c in categories if counts[semantic_id(c)] >= config.min_pixels]
