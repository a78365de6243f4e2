"""Score mode: log pi(a|s) of every allowed action in one teacher-forced forward pass.

Each candidate answer is the JSON of :func:`answer_text`. The candidates' common token
prefix joins the shared prompt; their distinct tails are packed after it in the same row,
each tail attending to the prompt and to itself only (a 4-D attention mask) and continuing
the prompt's rotary positions. So the image and prompt are encoded once per sample, and the
LM head runs only at the positions that predict tail tokens (``logits_to_keep``). The
common prefix has the same probability under every candidate and cancels when normalising
over the allowed actions. :func:`action_logprobs` is differentiable: the AWR trainer uses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812
from PIL import Image

from objnav_ros.core.actions import Action
from objnav_ros.policy.decision import allowed_actions
from objnav_ros.policy.prompt import PromptTemplate, answer_text

PROMPT_SEGMENT = 0
PAD_SEGMENT = -1


@dataclass(frozen=True)
class ActionBatch:
    """Packed rows: shared prompt (segment 0), candidate tails (segment a + 1), padding (-1)."""

    actions: tuple[Action, ...]
    input_ids: torch.Tensor  # (B, L)
    segment: torch.Tensor  # (B, L)
    offset: torch.Tensor  # (B, L) index of each tail token inside its tail
    mm_token_type_ids: torch.Tensor  # (B, L) 1 on image tokens
    pixel_values: torch.Tensor
    image_grid_thw: torch.Tensor  # (B, 3)
    keep: torch.Tensor  # (B, K) positions whose next-token logits are scored
    targets: torch.Tensor  # (B, K) the tail token each kept position must predict
    target_action: torch.Tensor  # (B, K) candidate index of each kept position; -1 = padding

    def to(self, device: str | torch.device) -> ActionBatch:
        """The same batch with every tensor on ``device``."""
        moved = {f.name: getattr(self, f.name) for f in fields(self)}
        moved.update({k: v.to(device) for k, v in moved.items() if isinstance(v, torch.Tensor)})
        return ActionBatch(**moved)

    def index(self, action: Action) -> int:
        """Column of ``action`` in :func:`action_logprobs`' output."""
        return self.actions.index(action)


def _pil(image: Image.Image | np.ndarray) -> Image.Image:
    return image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))


def candidate_tails(tokenizer, actions: Sequence[Action]) -> tuple[list[int], list[list[int]]]:
    """Token ids shared by all candidate answers, and each candidate's distinct tail."""
    answers = [tokenizer(answer_text(a), add_special_tokens=False)["input_ids"] for a in actions]
    common = 0
    while all(len(ans) > common + 1 and ans[common] == answers[0][common] for ans in answers):
        common += 1
    return answers[0][:common], [ans[common:] for ans in answers]


def _pad(rows: list[list[int]], value: int) -> torch.Tensor:
    width = max(len(r) for r in rows)
    return torch.tensor([r + [value] * (width - len(r)) for r in rows], dtype=torch.long)


def collate_action_batch(
    processor,
    template: PromptTemplate,
    samples: Sequence[tuple[Image.Image | np.ndarray, str, Sequence[Action]]],
    actions: Sequence[Action],
) -> ActionBatch:
    """Build the packed batch for ``(image, goal, recent actions)`` samples and ``actions``."""
    actions = allowed_actions(actions)
    shared, tails = candidate_tails(processor.tokenizer, actions)
    pad_id = processor.tokenizer.pad_token_id or 0
    columns = {k: [] for k in ("ids", "segment", "offset", "mm", "keep", "targets", "action")}
    pixels, grids = [], []
    for image, goal, history in samples:
        prompt = template.render(processor, goal, actions, history)
        enc = processor(text=[prompt], images=[_pil(image)], return_tensors="pt")
        pixels.append(enc["pixel_values"])
        grids.append(enc["image_grid_thw"])
        ids = enc["input_ids"][0].tolist() + shared
        mm = enc["mm_token_type_ids"][0].tolist() + [0] * len(shared)
        prompt_len = len(ids)
        segment, offset = [PROMPT_SEGMENT] * prompt_len, [0] * prompt_len
        keep, targets, owner = [], [], []
        for a, tail in enumerate(tails):
            start = len(ids)
            keep += [prompt_len - 1] + list(range(start, start + len(tail) - 1))
            targets += tail
            owner += [a] * len(tail)
            ids += tail
            mm += [0] * len(tail)
            segment += [a + 1] * len(tail)
            offset += list(range(len(tail)))
        row = (ids, segment, offset, mm, keep, targets, owner)
        for key, value in zip(columns, row, strict=True):
            columns[key].append(value)
    return ActionBatch(
        actions=actions,
        input_ids=_pad(columns["ids"], pad_id),
        segment=_pad(columns["segment"], PAD_SEGMENT),
        offset=_pad(columns["offset"], 0),
        mm_token_type_ids=_pad(columns["mm"], 0),
        pixel_values=torch.cat(pixels),
        image_grid_thw=torch.cat(grids),
        keep=_pad(columns["keep"], 0),
        targets=_pad(columns["targets"], 0),
        target_action=_pad(columns["action"], -1),
    )


def _vl_core(model):
    """The ``Qwen2_5_VLModel`` inside a plain, merged or peft-wrapped model."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    return base.model


def packed_inputs(model, batch: ActionBatch) -> dict[str, torch.Tensor]:
    """Forward kwargs: ids, vision inputs, the 4-D tail mask, rotary positions, kept positions."""
    prompt = batch.segment == PROMPT_SEGMENT
    positions, deltas = _vl_core(model).get_rope_index(
        batch.input_ids,
        mm_token_type_ids=batch.mm_token_type_ids,
        image_grid_thw=batch.image_grid_thw,
        attention_mask=prompt.long(),
    )
    after_prompt = prompt.sum(dim=1, keepdim=True) + deltas  # first text position after the prompt
    positions = torch.where(prompt, positions, after_prompt + batch.offset)
    length = batch.input_ids.shape[1]
    causal = torch.ones(length, length, dtype=torch.bool, device=prompt.device).tril()
    seg = batch.segment
    visible = causal & ((seg[:, None, :] == PROMPT_SEGMENT) | (seg[:, None, :] == seg[:, :, None]))
    dtype = model.get_input_embeddings().weight.dtype
    mask = torch.zeros(visible.shape, dtype=dtype, device=prompt.device)
    mask = mask.masked_fill(~visible, torch.finfo(dtype).min)[:, None]
    return {
        "input_ids": batch.input_ids,
        "attention_mask": mask,
        "position_ids": positions,
        "pixel_values": batch.pixel_values,
        "image_grid_thw": batch.image_grid_thw,
        "logits_to_keep": batch.keep,
        "use_cache": False,
    }


def action_logprobs(model, batch: ActionBatch) -> torch.Tensor:
    """Log pi(a|s), shape (B, A): candidate log-likelihoods normalised over the allowed actions."""
    logits = model(**packed_inputs(model, batch)).logits  # (B, K, V): answer positions only
    token_logp = -F.cross_entropy(
        logits.flatten(0, 1).float(), batch.targets.flatten(), reduction="none"
    ).view_as(batch.targets)
    scored = batch.target_action >= 0
    sums = torch.zeros(
        batch.targets.shape[0], len(batch.actions), dtype=token_logp.dtype, device=logits.device
    )
    sums = sums.scatter_add(1, batch.target_action.clamp(min=0), token_logp * scored)
    return sums.log_softmax(dim=-1)
