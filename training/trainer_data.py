"""Transitions as a torch Dataset (frames decoded lazily) and the collator into scoring batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset

from objnav_ros.core.actions import Action
from objnav_ros.core.history import ActionHistory
from objnav_ros.policy.prompt import PromptTemplate
from objnav_ros.policy.scoring import ActionBatch, collate_action_batch
from objnav_training.transitions import Transition


def recent_actions(transitions: Sequence[Transition]) -> list[tuple[Action, ...]]:
    """Per transition, the actions taken before it in its episode (transitions in bag order)."""
    history, recent = ActionHistory(), []
    for t in transitions:
        recent.append(history.before(t.episode_id, t.step))
        history.record(t.episode_id, t.step, t.action)
    return recent


def label(t: Transition, use_expert_labels: bool) -> Action:
    """The action to imitate: the DAgger label where there is one (and it is used), else taken."""
    return t.expert_action if use_expert_labels and t.expert_action is not None else t.action


class TransitionDataset(Dataset):
    """Transitions whose label is an allowed action; item = frame decoded now + what to learn.

    ``index`` is the transition's position in ``transitions`` (its row in the ReturnTable);
    ``skipped`` counts transitions left out because their label is not allowed.
    """

    def __init__(
        self, transitions: Sequence[Transition], actions: Sequence[Action], use_expert_labels: bool
    ) -> None:
        self.transitions = transitions
        self.actions = tuple(actions)
        self.use_expert_labels = use_expert_labels
        self.rows = [
            i for i, t in enumerate(transitions) if label(t, use_expert_labels) in self.actions
        ]
        self.skipped = len(transitions) - len(self.rows)
        self.history = recent_actions(transitions)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, item: int) -> dict:
        index = self.rows[item]
        t = self.transitions[index]
        return {
            "index": index,
            "rgb": t.rgb(),
            "goal": t.goal,
            "history": self.history[index],
            "label": self.actions.index(label(t, self.use_expert_labels)),
            "supervised": self.use_expert_labels and t.expert_action is not None,
        }


@dataclass(frozen=True)
class TrainBatch:
    """Scoring inputs plus, per sample, its transition index, label column and DAgger flag."""

    inputs: ActionBatch
    index: torch.Tensor  # (B,) long
    label: torch.Tensor  # (B,) long, column in action_logprobs' output
    supervised: torch.Tensor  # (B,) bool

    def to(self, device: str | torch.device) -> TrainBatch:
        """The same batch on ``device``."""
        return TrainBatch(
            self.inputs.to(device),
            self.index.to(device),
            self.label.to(device),
            self.supervised.to(device),
        )


class ActionCollator:
    """Tokenises and packs samples into a :class:`TrainBatch` (runs in the DataLoader workers)."""

    def __init__(self, processor, template: PromptTemplate, actions: Sequence[Action]) -> None:
        self.processor = processor
        self.template = template
        self.actions = tuple(actions)

    def __call__(self, samples: list[dict]) -> TrainBatch:
        prompts = [(s["rgb"], s["goal"], s["history"]) for s in samples]
        inputs = collate_action_batch(self.processor, self.template, prompts, self.actions)
        return TrainBatch(
            inputs,
            torch.tensor([s["index"] for s in samples], dtype=torch.long),
            torch.tensor([s["label"] for s in samples], dtype=torch.long),
            torch.tensor([s["supervised"] for s in samples], dtype=torch.bool),
        )
