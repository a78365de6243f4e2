"""Train the stand-in base model: a small Qwen2.5-VL that sees, as a pretrained VLM would.

No pretrained weights can be had here, so the base stage (``make base-model``) builds one in two
stages on frames of generated houses (:mod:`objnav_training.base_data`):

1. vision-language: all weights learn to answer ``Where is the <goal>?`` from ground truth
   (:mod:`objnav_training.captions`), the VQA a real VLM brings;
2. behaviour cloning: the navigation prompt's action (score mode, as the policy decides) on the
   expert's own paths -- frames where the goal is visible weighted up -- and, with
   ``off_path_weight``, on the exploring rollouts (random actions in the history, the
   expert's correction as label: the history alone no longer predicts the action), while the
   caption loss continues so the vision is kept.

The result is an ordinary Hugging Face folder (``policy:=vlm model_path:=...`` loads it with the
code that loads the 3B model) with ``base_model.json``: settings, data, held-out metrics.
It is a stand-in trained here, not a pretrained VLM.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from tqdm import tqdm

from objnav_ros.core.actions import PRESETS, Action
from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.loader import load_model
from objnav_ros.policy.prompt import PROMPT_FILE, PromptTemplate
from objnav_ros.policy.scoring import action_logprobs, collate_action_batch
from objnav_ros.policy.tiny_model import build_tiny_model
from objnav_training.base_data import FrameConfig, FrameSet, render_frames
from objnav_training.captions import ANSWERS, NOT_VISIBLE, question

MARKER = "base_model.json"
BASE_PROMPT = "Find the $goal. Recent actions: $history. <image>"


@dataclass(frozen=True)
class BaseModelConfig:
    """Data, architecture and the two stages of the stand-in base model."""

    out_dir: str
    frames: FrameConfig  # houses, camera and actions: the experiment's
    validation_houses: int = 2  # the last houses of ``frames`` are held out for the metrics
    prompt: str = BASE_PROMPT
    vl_steps: int = 1500  # stage 1: captions only
    bc_steps: int = 1500  # stage 2: actions + captions
    batch_size: int = 32
    lr: float = 1e-3
    warmup_steps: int = 100
    visible_weight: float = 3.0  # BC weight of frames where the goal is visible
    off_path_weight: float = 0.0  # BC weight of the exploring rollouts' frames (0: path only)
    region_weight: float = 1.0  # dense loss: goal categories in each image token's region
    seed: int = 0
    log_every: int = 25

    def __post_init__(self) -> None:
        if not 0 < self.validation_houses < len(self.frames.house_seeds):
            raise ValueError(f"validation_houses: must be in [1, {len(self.frames.house_seeds)}), "
                             f"got {self.validation_houses}")
        for name in ("batch_size", "log_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be >= 1, got {getattr(self, name)}")
        for name in ("vl_steps", "bc_steps", "warmup_steps", "off_path_weight"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name}: must be >= 0, got {getattr(self, name)}")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr: must be a finite number > 0, got {self.lr}")
        PromptTemplate(self.prompt)

    def record(self) -> dict:
        """JSON-ready settings (what the marker compares to reuse a build)."""
        return json.loads(json.dumps(dataclasses.asdict(self)))


def caption_batch(processor, samples: Sequence[tuple[np.ndarray, str, str]]) -> dict:
    """Teacher-forced inputs for (image, asked category, answer); loss on the answer only."""
    pad_id = processor.tokenizer.pad_token_id or 0
    end = processor.tokenizer.convert_tokens_to_ids("<|im_end|>")
    rows, pixels, grids = [], [], []
    for image, asked, answer in samples:
        enc = processor(text=[question(processor, asked)], images=[Image.fromarray(image)],
                        return_tensors="pt")
        answer_ids = processor.tokenizer(answer, add_special_tokens=False)["input_ids"] + [end]
        ids = enc["input_ids"][0].tolist()
        rows.append((ids + answer_ids, enc["mm_token_type_ids"][0].tolist(), len(ids)))
        pixels.append(enc["pixel_values"])
        grids.append(enc["image_grid_thw"])
    width = max(len(ids) for ids, _, _ in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), width), -100, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    mm = torch.zeros((len(rows), width), dtype=torch.long)
    for i, (ids, types, prompt_len) in enumerate(rows):
        input_ids[i, : len(ids)] = torch.tensor(ids)
        labels[i, prompt_len: len(ids)] = input_ids[i, prompt_len: len(ids)]
        mask[i, : len(ids)] = 1
        mm[i, : len(types)] = torch.tensor(types)
    return {"input_ids": input_ids, "attention_mask": mask, "mm_token_type_ids": mm,
            "pixel_values": torch.cat(pixels), "image_grid_thw": torch.cat(grids),
            "labels": labels}


def caption_answers(model, processor, frames: FrameSet, index: np.ndarray) -> list[str]:
    """The model's answer (the most likely of :data:`ANSWERS`) for each frame at ``index``."""
    best = []
    for i in index:
        samples = [(frames.rgb[i], frames.asked[i], answer) for answer in ANSWERS]
        batch = caption_batch(processor, samples)
        with torch.inference_mode():
            logits = model(**{k: v for k, v in batch.items() if k != "labels"}).logits
        logp = torch.log_softmax(logits[:, :-1].float(), dim=-1)
        targets = batch["labels"][:, 1:]
        scored = targets != -100
        token_logp = logp.gather(2, targets.clamp(min=0)[..., None])[..., 0] * scored
        best.append(ANSWERS[int(token_logp.sum(dim=1).argmax())])
    return best


def action_accuracy(model, processor, template: PromptTemplate, frames: FrameSet,
                    index: np.ndarray, actions: Sequence[Action], blank: bool = False) -> float:
    """Percent of frames at ``index`` where argmax pi(a|s) is the expert's action (NaN: none)."""
    if not len(index):
        return math.nan
    correct = 0
    for chunk in np.array_split(index, max(1, len(index) // 64)):
        images = [np.full_like(frames.rgb[i], 128) if blank else frames.rgb[i] for i in chunk]
        prompts = [(image, frames.goal[i], frames.history[i])
                   for image, i in zip(images, chunk, strict=True)]
        batch = collate_action_batch(processor, template, prompts, actions)
        with torch.inference_mode():
            chosen = action_logprobs(model, batch).argmax(dim=1).numpy()
        expert = [actions.index(Action(int(frames.expert[i]))) for i in chunk]
        correct += int((chosen == np.asarray(expert)).sum())
    return 100.0 * correct / max(1, len(index))


class RegionProbe:
    """A training-only linear head on the vision tower's image tokens (not saved).

    It predicts which goal categories cover each token's image region
    (:func:`objnav_training.captions.region_labels`): dense supervision that gets the tower
    seeing before the language model has learnt to ask it anything.
    """

    def __init__(self, model, categories: int) -> None:
        self.head = torch.nn.Linear(model.config.vision_config.out_hidden_size, categories)
        self.tokens: torch.Tensor | None = None
        model.model.visual.register_forward_hook(self._keep)

    def _keep(self, module, args, output) -> None:
        self.tokens = output.pooler_output

    def loss(self, regions: np.ndarray) -> torch.Tensor:
        """BCE of the last vision forward's tokens against ``regions`` (B, rows, cols, K)."""
        targets = torch.as_tensor(regions.reshape(-1, regions.shape[-1]), dtype=torch.float32)
        return torch.nn.functional.binary_cross_entropy_with_logits(self.head(self.tokens),
                                                                    targets)


def _schedule(step: int, total: int, config: BaseModelConfig) -> float:
    """Learning-rate factor: linear warm-up, then cosine to 10 %."""
    if step < config.warmup_steps:
        return (step + 1) / config.warmup_steps
    progress = (step - config.warmup_steps) / max(1, total - config.warmup_steps)
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


def _grad_norm(parameters) -> float:
    norms = [p.grad.norm() for p in parameters if p.grad is not None]
    return float(torch.stack(norms).norm()) if norms else 0.0


def _metrics(model, processor, template, frames: FrameSet, actions, rng) -> dict:
    """Held-out caption accuracy, action accuracy on the expert's path, and with a blank image."""
    model.eval()
    captions = rng.choice(len(frames), size=min(300, len(frames)), replace=False)
    answers = caption_answers(model, processor, frames, captions)
    on_path = np.flatnonzero(frames.on_path)
    path = rng.choice(on_path, size=min(600, len(on_path)), replace=False)
    visible = path[frames.goal_visible[path]]
    result = {
        "caption_accuracy": 100.0 * np.mean([a == frames.caption[i]
                                             for a, i in zip(answers, captions, strict=True)]),
        "caption_visible_accuracy": 100.0 * np.mean(
            [(a == "not visible") == (frames.caption[i] == "not visible")
             for a, i in zip(answers, captions, strict=True)]),
        "action_accuracy": action_accuracy(model, processor, template, frames, path, actions),
        "action_accuracy_blank": action_accuracy(model, processor, template, frames, path,
                                                 actions, blank=True),
        "action_accuracy_goal_visible": action_accuracy(model, processor, template, frames,
                                                        visible, actions),
        "majority_accuracy": 100.0 * float(np.max(np.bincount(frames.expert[path]))) / len(path),
        "frames": len(frames),
    }
    model.train()
    return result


def bc_sampling(frames: FrameSet, config: BaseModelConfig) -> tuple[np.ndarray, np.ndarray]:
    """The frames behaviour cloning draws from, and their probabilities."""
    rows = np.flatnonzero(frames.on_path | (config.off_path_weight > 0))
    weights = np.where(frames.goal_visible[rows], config.visible_weight, 1.0) * np.where(
        frames.on_path[rows], 1.0, config.off_path_weight)
    return rows, weights / weights.sum()


def train_base_model(config: BaseModelConfig, progress: bool = True) -> Path:
    """Build (or reuse, when ``out_dir`` holds the same build) the base model; return its folder."""
    out = Path(config.out_dir)
    marker = out / MARKER
    if marker.is_file() and json.loads(marker.read_text()).get("config") == config.record():
        return out
    began = time.monotonic()
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    frames = render_frames(config.frames, progress)
    held_out = set(config.frames.house_seeds[-config.validation_houses:])
    is_val = np.isin(frames.house, list(held_out))
    train_set, val_set = frames.subset(np.flatnonzero(~is_val)), frames.subset(
        np.flatnonzero(is_val))

    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    build_tiny_model(staging / "init", vocab="trained", seed=config.seed, size="base")
    loaded = load_model(VLMPolicyConfig(model_path=str(staging / "init"), device="cpu",
                                        dtype="float32"))
    model, processor = loaded.model, loaded.processor
    template = PromptTemplate(config.prompt)
    actions = PRESETS[config.frames.action_preset].actions
    model.train()
    probe = RegionProbe(model, train_set.regions.shape[-1])
    optimizer = torch.optim.AdamW([*model.parameters(), *probe.head.parameters()], lr=config.lr,
                                  weight_decay=0.01)
    total = config.vl_steps + config.bc_steps
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: _schedule(s, total, config))
    vision = list(model.model.visual.parameters())
    bc_rows, weights = bc_sampling(train_set, config)
    seen = np.array([c != NOT_VISIBLE for c in train_set.caption])
    # Half the caption questions are about a goal in view (most frames show none).
    caption_p = np.where(seen, 0.5 / max(1, seen.sum()), 0.5 / max(1, (~seen).sum()))
    caption_p = caption_p / caption_p.sum()
    log_rows = []
    bar = tqdm(range(total), desc="base model", unit="step", disable=not progress)
    for step in bar:
        pick = rng.choice(len(train_set), size=config.batch_size, p=caption_p)
        batch = caption_batch(processor, [(train_set.rgb[i], train_set.asked[i],
                                           train_set.caption[i]) for i in pick])
        caption_loss = model(**batch).loss
        region_loss = probe.loss(train_set.regions[pick])
        loss = caption_loss + config.region_weight * region_loss
        action_loss = torch.tensor(float("nan"))
        if step >= config.vl_steps:
            rows = rng.choice(bc_rows, size=config.batch_size, p=weights)
            inputs = collate_action_batch(processor, template, [
                (train_set.rgb[i], train_set.goal[i], train_set.history[i]) for i in rows],
                actions)
            labels = torch.tensor([actions.index(Action(int(train_set.expert[i])))
                                   for i in rows])
            logp = action_logprobs(model, inputs)
            action_loss = -logp.gather(1, labels[:, None]).mean()
            loss = loss + action_loss
        optimizer.zero_grad()
        loss.backward()
        vision_norm = _grad_norm(vision)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        if step % config.log_every == 0 or step == total - 1:
            row = {"step": step, "stage": "vl" if step < config.vl_steps else "bc",
                   "lr": scheduler.get_last_lr()[0], "loss/caption": caption_loss.item(),
                   "loss/region": region_loss.item(),
                   "loss/action": action_loss.item(), "grad_norm/vision": vision_norm}
            log_rows.append(row)
            bar.set_postfix(caption=f"{row['loss/caption']:.3f}",
                            action=f"{row['loss/action']:.3f}")
    metrics = _metrics(model, processor, template, val_set, actions, rng)
    model.eval()
    model.save_pretrained(staging / "model")
    processor.save_pretrained(staging / "model")
    (staging / "model" / PROMPT_FILE).write_text(config.prompt + "\n", encoding="utf-8")
    _write_log(staging / "model", log_rows)
    record = {"config": config.record(), "metrics": metrics,
              "train_frames": len(train_set), "validation_frames": len(val_set),
              "minutes": (time.monotonic() - began) / 60,
              "note": "stand-in base model trained here from scratch; not a pretrained VLM"}
    (staging / "model" / MARKER).write_text(json.dumps(record, indent=2))
    if out.exists():
        shutil.rmtree(out)
    (staging / "model").rename(out)
    shutil.rmtree(staging, ignore_errors=True)
    return out


def _write_log(folder: Path, rows: list[dict]) -> None:
    """``base_training.csv`` and ``base_training.png`` (losses and the vision tower's grad norm)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with open(folder / "base_training.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    figure = Figure(figsize=(15, 3.5), dpi=100)
    FigureCanvasAgg(figure)
    keys = ("loss/caption", "loss/region", "loss/action", "grad_norm/vision")
    for k, key in enumerate(keys):
        axis = figure.add_subplot(1, len(keys), k + 1)
        points = [(r["step"], r[key]) for r in rows if math.isfinite(r[key])]
        if points:
            axis.plot(*zip(*points, strict=True))
        axis.set_title(key)
        axis.set_xlabel("step")
    figure.tight_layout()
    figure.savefig(folder / "base_training.png")
