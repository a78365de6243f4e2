"""Benchmark the training data path against one AWR step (CPU, tiny model, real Qwen vocabulary).

- ``loader_transitions_per_s``: the training DataLoader (2 worker processes, the default) over
  synthetic rosbag2 bags (640x480 rgb8 + depth, ``objnav_ros.bags.synthetic``) read by
  ``objnav_training.dataset.load_episodes``: lazy frame decoding from the bag, prompt
  rendering, image processing, tokenising and packing (median of 3 passes).
- ``awr_step_transitions_per_s`` / ``answer_logits_step_ms``: one optimizer step (scoring
  forward with answer-position logits only, value head, AWR loss, backward, AdamW) at batch 4
  with the six habitat actions.
- ``full_logits_step_ms``: the same step and batch with the logits of the full vocabulary at
  every position, normalised as ``model(..., labels=...)`` does (:class:`FullVocabulary`).
- ``record_drops_30hz`` / ``record_seconds``: the recorder node taking the bridge's 30 Hz
  640x480 RGB-D over loopback DDS (20 s with ``--quick``, 60 s otherwise), pieces of
  published observations missing from the bag (``bench/recording.py``).

The step runs on one torch thread by default (``--threads``): on this 2-core machine shared
with other jobs, two threads were only ~10% faster when idle but 1-7x slower at random under
load. The last stdout line is one JSON object.

    python bench/training.py --quick
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import torch
from torch.utils.data import DataLoader

from objnav_ros.bags.synthetic import SyntheticEpisode, write_bag
from objnav_ros.policy.prompt import PromptTemplate
from objnav_ros.policy.scoring import action_logprobs
from objnav_ros.policy.tiny_model import build_tiny_model
from objnav_training.dataset import load_episodes
from objnav_training.returns import ReturnTable
from objnav_training.reward import calculate_reward
from objnav_training.trainer import AWRModule
from objnav_training.trainer_config import TrainConfig
from objnav_training.trainer_data import ActionCollator, TransitionDataset
from recording import record_drops_30hz

BATCH = 4
WARMUP = 3


class FullVocabulary:
    """The model as a plain causal-LM loss uses it: full-vocabulary log-softmax everywhere.

    ``model(..., labels=...)`` computes the logits at every position and normalises each over
    the vocabulary (in float32) before picking the labelled ones; the scored positions are then
    handed to :func:`action_logprobs` unchanged (log-softmaxed logits give the same result).
    """

    def __init__(self, model) -> None:
        self.model = model

    def __getattr__(self, name: str):
        return getattr(self.model, name)

    def __call__(self, logits_to_keep: torch.Tensor, **inputs):
        logp = self.model(logits_to_keep=0, **inputs).logits.float().log_softmax(-1)  # (B, L, V)
        rows = torch.arange(len(logits_to_keep), device=logp.device)[:, None]
        return SimpleNamespace(logits=logp[rows, logits_to_keep])


def full_vocabulary_logprobs(model, batch):
    return action_logprobs(FullVocabulary(model), batch)


def optimizer_step(module: AWRModule, optimizer, batch) -> None:
    loss, _ = module.step(batch)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()


def full_vocabulary_step(module: AWRModule, optimizer, batch) -> None:
    with mock.patch("objnav_training.trainer.action_logprobs", full_vocabulary_logprobs):
        optimizer_step(module, optimizer, batch)


def medians_ms(steps: dict, module: AWRModule, batches: list, rounds: int) -> dict[str, float]:
    """Median ms per optimizer step of each variant; they interleave so load drifts hit all.

    The first WARMUP rounds are dropped: the first steps run several times slower (optimizer
    state, the allocator growing its heap).
    """
    optimizer = module.configure_optimizers()
    times = {name: [] for name in steps}
    for i in range(WARMUP + rounds):
        for name, step in steps.items():
            start = time.perf_counter()
            step(module, optimizer, batches[i % len(batches)])
            times[name].append(time.perf_counter() - start)
    return {name: 1000 * statistics.median(t[WARMUP:]) for name, t in times.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (< 60 s on CPU)")
    parser.add_argument("--model-dir", default="", help="tiny model folder to build or reuse")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads of the step; 0 = torch's default (on a busy 2-core "
                        "machine 2 threads made the step 1-7x slower at random, 1 is steady)")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    rounds, steps = (4, 32) if args.quick else (12, 80)
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        model = build_tiny_model(args.model_dir or Path(tmp) / "tiny-qwen", vocab="qwen")
        bag = write_bag(Path(tmp) / "bag", [
            SyntheticEpisode(f"ep-{i}", steps=steps, width=640, height=480) for i in range(2)])
        episodes, errors = load_episodes([bag])
        if errors or not episodes:
            raise SystemExit(f"synthetic bag did not load: {errors}")
        config = TrainConfig(model_path=str(model), out_dir=tmp)  # habitat actions, 2 workers
        table = ReturnTable([calculate_reward(e, config.reward) for e in episodes], 0.99, 0.95)
        module = AWRModule(config, table)
        transitions = [t for e in episodes for t in e.transitions]
        loader = DataLoader(
            TransitionDataset(transitions, config.action_space.actions, True), batch_size=BATCH,
            num_workers=config.num_workers, persistent_workers=config.num_workers > 0,
            collate_fn=ActionCollator(module.processor, PromptTemplate.load(),
                                      config.action_space.actions))
        list(loader)  # start the workers
        passes = []
        for _ in range(3):
            start = time.perf_counter()
            batches = list(loader)
            passes.append(time.perf_counter() - start)
        loader_rate = len(transitions) / statistics.median(passes)

        ms = medians_ms({"answer": optimizer_step, "full": full_vocabulary_step}, module,
                        batches, rounds)
    answer_ms, full_ms = ms["answer"], ms["full"]
    step_rate = BATCH / (answer_ms / 1000)
    results = {
        "loader_transitions_per_s": round(loader_rate, 1),
        "awr_step_transitions_per_s": round(step_rate, 2),
        "loader_vs_step": round(loader_rate / step_rate, 1),
        "answer_logits_step_ms": round(answer_ms, 1),
        "full_logits_step_ms": round(full_ms, 1),
        "full_vs_answer": round(full_ms / answer_ms, 1),
        "batch_size": BATCH,
        "loader_source": "synthetic rosbag2 (mcap) 640x480 via objnav_training.dataset",
        "loader_workers": config.num_workers,
        "model": "tiny Qwen2.5-VL, real Qwen vocabulary, float32",
        "device": "cpu",
        "torch_threads": torch.get_num_threads(),
    }
    # The recorder at 30 Hz 640x480 RGB-D: 20 s with --quick, 60 s otherwise.
    results.update(record_drops_30hz(seconds=20.0 if args.quick else 60.0))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
