r"""Offline AWR of the policy's LoRA adapter on PyTorch Lightning.

``train(config, episodes)`` rewards every episode, builds the return table, and fits an
:class:`AWRModule` with a Lightning ``Trainer``: bf16-mixed on CUDA, gradient accumulation,
gradient clipping, periodic checkpoints (``resume`` continues one), CSV logs (TensorBoard
too where installed), and any devices/strategy Lightning offers, e.g. DDP on several GPUs::

    objnav-train --bags bags/ --model MODEL --out runs/awr --accelerator gpu --devices 4 \
        --strategy ddp

(Lightning's own launcher starts the other processes.) Only the LoRA weights and the value
head train; checkpoints hold just those (plus the value cache and advantage statistics).
Outputs in ``out_dir``: ``adapter/`` (peft ``save_pretrained``: the policy node's
``adapter_path``, with ``objnav_adapter.json``: what it was trained with, the episodes' run
contract included), ``checkpoints/``, ``logs/``, ``metrics.json``, ``training_curves.png``.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import lightning as L  # noqa: N812
import numpy as np
import torch
from torch.utils.data import DataLoader

from objnav_ros.core.contract import RunContract
from objnav_ros.policy.adapter_record import adapter_record, write_record
from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.loader import load_adapter, load_model
from objnav_ros.policy.lora import attach_lora
from objnav_ros.policy.prompt import PromptTemplate
from objnav_ros.policy.scoring import PROMPT_SEGMENT, action_logprobs
from objnav_training.awr import RunningMeanStd, awr_loss
from objnav_training.contract import common_contract
from objnav_training.report import plot_training_curves
from objnav_training.returns import ReturnTable
from objnav_training.reward import calculate_reward
from objnav_training.trainer_config import TrainConfig
from objnav_training.trainer_data import ActionCollator, TrainBatch, TransitionDataset
from objnav_training.transitions import EpisodeData
from objnav_training.value_head import LastHiddenState, ValueHead, pool


def _uses_cuda(config: TrainConfig) -> bool:
    return torch.cuda.is_available() and config.accelerator != "cpu"


class AWRModule(L.LightningModule):
    """The policy model with a fresh LoRA adapter, its value head, and the AWR update."""

    def __init__(self, config: TrainConfig, table: ReturnTable) -> None:
        super().__init__()
        self.config = config
        self.table = table
        self.strict_loading = False  # checkpoints hold the trainable weights only
        self.save_hyperparameters(dataclasses.asdict(config))
        dtype = config.dtype if config.dtype != "auto" else (
            "bfloat16" if _uses_cuda(config) else "float32")
        loaded = load_model(VLMPolicyConfig(
            model_path=config.model_path, device="cpu", dtype=dtype, prompt_file=config.prompt_file,
            min_pixels=config.min_pixels, max_pixels=config.max_pixels))
        self.processor = loaded.processor
        self.template = PromptTemplate.resolve(config.prompt_file, config.model_path)
        if config.init_adapter:
            self.model = load_adapter(loaded.model, config.init_adapter, trainable=True)
        else:
            self.model = attach_lora(loaded.model, config.lora)
        self.model.train()  # load_model leaves it in eval mode
        self.hidden = LastHiddenState(self.model)
        self.value_head = ValueHead(self.model.config.text_config.hidden_size, config.value_width)
        self.lora_weights = [p for p in self.model.parameters() if p.requires_grad]
        self.advantage_stats = RunningMeanStd()

    def step(self, batch: TrainBatch) -> tuple[torch.Tensor, dict[str, float]]:
        """Loss and metrics of one batch; refreshes the value cache for its states."""
        logp = action_logprobs(self.model, batch.inputs)
        features = pool(self.hidden.value, batch.inputs.segment == PROMPT_SEGMENT)
        values = self.value_head(features.detach() if self.config.value_detach else features)
        index = batch.index.cpu().numpy()
        returns = torch.as_tensor(self.table.targets(index), dtype=torch.float32,
                                  device=values.device)
        rewards = torch.as_tensor(self.table.rewards[index], dtype=torch.float32,
                                  device=values.device)
        loss, metrics = awr_loss(self.config.awr, logp, batch.label, values, returns, rewards,
                                 batch.supervised, self.lora_weights, self.advantage_stats)
        self.table.update_values(index, values.detach().cpu().numpy())
        return loss, metrics

    def training_step(self, batch: TrainBatch, batch_idx: int) -> torch.Tensor:
        loss, metrics = self.step(batch)
        size = len(batch.index)
        self.log_dict(metrics, on_step=True, on_epoch=False, batch_size=size)
        self.log("accuracy", metrics["policy/accuracy"], prog_bar=True, batch_size=size)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(
            [
                {"params": self.lora_weights, "lr": self.config.lr},
                {"params": self.value_head.parameters(), "lr": self.config.value_lr},
            ],
            weight_decay=0.0,  # the LoRA L2 is an explicit loss term (awr.py)
        )

    def transfer_batch_to_device(self, batch: TrainBatch, device, dataloader_idx: int):
        return batch.to(device)

    def on_save_checkpoint(self, checkpoint: dict) -> None:
        trainable = {name for name, p in self.named_parameters() if p.requires_grad}
        checkpoint["state_dict"] = {
            k: v for k, v in checkpoint["state_dict"].items() if k in trainable
        }
        checkpoint["awr"] = {
            "values": torch.from_numpy(self.table.values.copy()),
            "advantage_stats": self.advantage_stats.state_dict(),
        }

    def on_load_checkpoint(self, checkpoint: dict) -> None:
        self.table.values[:] = checkpoint["awr"]["values"].numpy()
        self.advantage_stats.load_state_dict(checkpoint["awr"]["advantage_stats"])


@dataclass(frozen=True)
class TrainResult:
    adapter_dir: Path
    checkpoint: Path
    global_step: int
    metrics: dict
    module: AWRModule  # the trained model, value head and return table, still in memory


def _loggers(out: Path) -> list:
    from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger

    loggers = [CSVLogger(out, name="logs")]
    if importlib.util.find_spec("tensorboard") or importlib.util.find_spec("tensorboardX"):
        loggers.append(TensorBoardLogger(out, name="tensorboard"))
    return loggers


def train(config: TrainConfig, episodes: Sequence[EpisodeData]) -> TrainResult:
    """Fit the adapter on ``episodes`` as ``config`` says; write the outputs to ``out_dir``."""
    from lightning.pytorch.callbacks import ModelCheckpoint

    if not episodes:
        raise ValueError("episodes: nothing to train on")
    contract = common_contract(episodes, RunContract.of(config.action_space),
                               f"action preset {config.action_preset!r}")
    L.seed_everything(config.seed, workers=True, verbose=False)
    out = Path(config.out_dir)
    rewards = [calculate_reward(episode, config.reward) for episode in episodes]
    table = ReturnTable(rewards, config.gamma, config.td_lambda)
    module = AWRModule(config, table)
    actions = config.action_space.actions
    data = TransitionDataset(
        [t for episode in episodes for t in episode.transitions], actions, config.use_expert_labels
    )
    if not len(data):
        raise ValueError(f"episodes: no transition is labelled with one of the "
                         f"{config.action_preset!r} actions {[a.name for a in actions]}")
    loader = DataLoader(
        data,
        batch_size=config.batch_size,
        shuffle=True,
        num_workers=config.num_workers,
        persistent_workers=config.num_workers > 0,
        collate_fn=ActionCollator(module.processor, module.template, actions),
    )
    checkpoints = out / "checkpoints"
    trainer = L.Trainer(
        accelerator=config.accelerator,
        devices=config.lightning_devices(),
        strategy=config.strategy,
        precision=config.lightning_precision(_uses_cuda(config)),
        max_steps=config.steps or -1,
        max_epochs=-1 if config.steps else config.epochs,
        accumulate_grad_batches=config.accumulate_grad_batches,
        gradient_clip_val=config.grad_clip or None,
        log_every_n_steps=config.log_every,
        logger=_loggers(out),
        callbacks=[ModelCheckpoint(checkpoints, every_n_train_steps=config.checkpoint_every,
                                   save_last=True)],
        enable_progress_bar=config.progress_bar,
        enable_model_summary=config.progress_bar,
        default_root_dir=out,
    )
    trainer.fit(module, loader, ckpt_path=config.resume or None)
    last = checkpoints / "last.ckpt"
    trainer.save_checkpoint(last)
    adapter = out / "adapter"
    metrics = {
        "global_step": trainer.global_step,
        "epochs": trainer.current_epoch,
        "episodes": len(episodes),
        "transitions": len(data),
        "skipped_transitions": data.skipped,
        "mean_return": float(np.mean(table.mc_returns)),
        "final": {k: float(v) for k, v in trainer.callback_metrics.items()},
    }
    if trainer.is_global_zero:
        module.model.save_pretrained(adapter)
        write_record(adapter, adapter_record(
            config.model_path, config.action_space.actions, config.action_preset, contract,
            module.template.text, config.min_pixels, config.max_pixels,
            weighting=config.awr.weighting,
            seed=config.seed, steps=trainer.global_step, lora=dataclasses.asdict(config.lora),
            use_expert_labels=config.use_expert_labels, episodes=len(episodes)))
        (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
        plot_training_curves(sorted((out / "logs").glob("version_*/metrics.csv")),
                             out / "training_curves.png")
    return TrainResult(adapter, last, trainer.global_step, metrics, module)
