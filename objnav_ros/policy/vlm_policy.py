"""The VLM policy: Qwen2.5-VL answers the ObjectNav prompt, by action scores or by free text."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from PIL import Image

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Observation
from objnav_ros.policy.config import RANDOM_FALLBACK, VLMPolicyConfig
from objnav_ros.policy.decision import Decision, Policy
from objnav_ros.policy.generation import generate_answer
from objnav_ros.policy.loader import LoadedModel, load_model
from objnav_ros.policy.parser import parse_action
from objnav_ros.policy.prompt import PromptTemplate, answer_text
from objnav_ros.policy.scoring import action_logprobs, collate_action_batch


class VLMPolicy(Policy):
    """``select_action(obs)`` asks the model about the frame, the goal and the recent actions.

    ``obs.recent_actions`` fill the prompt's ``$history`` where its text has one.

    score mode: pi(a|s) over the allowed actions, argmax at temperature 0, else sampled from
    softmax(log pi / temperature) with ``rng``; always valid. generate mode: free text parsed by
    :func:`parse_action`; an unparsable or disallowed answer is invalid and the fallback is used.
    """

    def __init__(
        self,
        loaded: LoadedModel,
        config: VLMPolicyConfig,
        actions: Sequence[Action],
        rng: np.random.Generator | int | None = None,
    ) -> None:
        super().__init__(actions)
        if config.fallback_action != RANDOM_FALLBACK:
            fallback = Action.from_name(config.fallback_action)
            if fallback not in self.actions:
                raise ValueError(f"fallback_action: {fallback.name} is not among the allowed "
                                 f"actions {[a.name for a in self.actions]}")
        self.config = config
        self.model = loaded.model
        self.processor = loaded.processor
        self.device = loaded.device
        self.template = PromptTemplate.resolve(config.prompt_file, config.model_path)
        self.name = f"vlm-{config.mode}"
        self._rng = np.random.default_rng(rng)

    @classmethod
    def from_config(
        cls,
        config: VLMPolicyConfig,
        actions: Sequence[Action],
        rng: np.random.Generator | int | None = None,
    ) -> VLMPolicy:
        """Load the model the config names and build the policy."""
        return cls(load_model(config), config, actions, rng)

    def _decide(self, obs: Observation) -> Decision:
        image = Image.fromarray(obs.rgb)
        if self.config.mode == "score":
            return self._choose(self._logprobs([(image, obs.goal_category,
                                                  obs.recent_actions)])[0])
        return self._generate(image, obs.goal_category, obs.recent_actions)

    def _decide_batch(self, observations: Sequence[Observation]) -> list[Decision]:
        if self.config.mode != "score":
            return super()._decide_batch(observations)
        samples = [(Image.fromarray(obs.rgb), obs.goal_category, obs.recent_actions)
                   for obs in observations]
        return [self._choose(logp) for logp in self._logprobs(samples)]

    def _logprobs(self, samples: Sequence[tuple[Image.Image, str, Sequence[Action]]]
                  ) -> np.ndarray:
        """Log pi(a|s) over the allowed actions, one row per (image, goal, recent actions)."""
        batch = collate_action_batch(self.processor, self.template, samples, self.actions)
        with torch.inference_mode():
            return action_logprobs(self.model, batch.to(self.device)).double().cpu().numpy()

    def _choose(self, logp: np.ndarray) -> Decision:
        if self.config.temperature == 0:
            index = int(np.argmax(logp))
        else:
            scaled = np.exp((logp - logp.max()) / self.config.temperature)
            index = int(self._rng.choice(len(logp), p=scaled / scaled.sum()))
        action = self.actions[index]
        probabilities = dict(zip(self.actions, np.exp(logp).tolist(), strict=True))
        return Decision(action, True, probabilities, answer_text(action), self.name)

    def _generate(self, image: Image.Image, goal: str, history: Sequence[Action]) -> Decision:
        text = generate_answer(
            self.model,
            self.processor,
            self.template.render(self.processor, goal, self.actions, history),
            image,
            max_new_tokens=self.config.max_new_tokens,
            min_new_tokens=self.config.min_new_tokens,
            temperature=self.config.temperature,
            seed=int(self._rng.integers(2**63)),
        )
        parsed = parse_action(text)
        if parsed is not None and parsed in self.actions:
            return Decision(parsed, True, {}, text, self.name)
        return Decision(self._fallback(), False, {}, text, self.name)

    def _fallback(self) -> Action:
        if self.config.fallback_action == RANDOM_FALLBACK:
            return self.actions[int(self._rng.integers(len(self.actions)))]
        return Action.from_name(self.config.fallback_action)
