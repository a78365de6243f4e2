"""Shared fixtures: tiny Qwen2.5-VL folders built once per session, and loaded models."""

from __future__ import annotations

import pytest

from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.loader import load_model
from objnav_ros.policy.tiny_model import build_tiny_model


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def tiny_qwen(models_dir):
    """Tiny model with the real Qwen vocabulary (real special-token ids)."""
    return build_tiny_model(models_dir / "tiny-qwen", vocab="qwen")


@pytest.fixture(scope="session")
def tiny_trained(models_dir):
    """Tiny model with a locally trained small vocabulary (fast)."""
    return build_tiny_model(models_dir / "tiny-trained", vocab="trained")


@pytest.fixture(scope="session")
def loaded_trained(tiny_trained):
    return load_model(VLMPolicyConfig(model_path=str(tiny_trained)))


@pytest.fixture(scope="session")
def loaded_qwen(tiny_qwen):
    return load_model(VLMPolicyConfig(model_path=str(tiny_qwen)))
