import pytest
import torch

from objnav_ros.policy.config import VLMPolicyConfig
from objnav_ros.policy.loader import load_model
from objnav_ros.policy.prompt import PromptTemplate
from objnav_ros.policy.scoring import PROMPT_SEGMENT, action_logprobs, collate_action_batch
from objnav_training.value_head import LastHiddenState, ValueHead, pool

from .conftest import SEED_SPACE
from .toy import FRAME


def test_pool_averages_the_masked_positions_only():
    hidden = torch.arange(12, dtype=torch.float32).view(1, 4, 3)
    mask = torch.tensor([[True, False, True, False]])
    torch.testing.assert_close(pool(hidden, mask), torch.tensor([[3.0, 4.0, 5.0]]))


def test_value_of_the_prompt_features_of_the_scoring_pass(tiny_model):
    loaded = load_model(VLMPolicyConfig(model_path=str(tiny_model)))
    hidden = LastHiddenState(loaded.model)
    batch = collate_action_batch(loaded.processor, PromptTemplate.load(),
                                 [(FRAME, "chair", ()), (FRAME + 80, "sofa", ())],
                                 SEED_SPACE.actions)
    action_logprobs(loaded.model, batch)
    size = loaded.model.config.text_config.hidden_size
    assert hidden.value.shape == (*batch.input_ids.shape, size)
    features = pool(hidden.value, batch.segment == PROMPT_SEGMENT)
    values = ValueHead(size, width=16)(features)
    assert values.shape == (2,) and values.dtype == torch.float32
    assert values[0] != values[1]


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float32])
def test_value_head_returns_float32(dtype):
    assert ValueHead(8, 4)(torch.ones(3, 8, dtype=dtype)).dtype == torch.float32
