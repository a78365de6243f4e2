import json

import pytest

from objnav_ros.core.actions import Action, action_space
from objnav_ros.policy.prompt import PromptTemplate, answer_text

SEED = action_space("seed").actions


def test_packaged_prompt_names_goal_and_actions():
    text = PromptTemplate.load().user_text("toilet", SEED)
    assert "toilet" in text
    assert "Observation" in text and "Reasoning" in text and "Action" in text
    assert 'Allowed actions: "move forward", "turn left", "turn right".\n' in text


def test_custom_prompt_file(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("Find the $goal. Choose from $actions. Costs $$0.\n")
    assert PromptTemplate.load(path).user_text("bed", [Action.STOP]) == \
        'Find the bed. Choose from "stop". Costs $0.'


@pytest.mark.parametrize("text", ["no goal here $actions", "find $goal in $room", "bad $"])
def test_invalid_templates(text):
    with pytest.raises(ValueError, match="^text"):
        PromptTemplate(text)


def test_missing_prompt_file(tmp_path):
    with pytest.raises(ValueError, match="^prompt_file"):
        PromptTemplate.load(tmp_path / "none.txt")


def test_answer_text_is_seed_label_json():
    assert json.loads(answer_text(Action.TURN_LEFT)) == {
        "Observation": "", "Reasoning": "", "Action": "turn left"}


def test_render_uses_chat_template_with_image(loaded_qwen):
    text = PromptTemplate.load().render(loaded_qwen.processor, "sofa", SEED)
    assert text.startswith("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                           "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>")
    assert text.endswith("<|im_end|>\n<|im_start|>assistant\n")


def test_history_placeholder_lists_recent_actions_or_none():
    template = PromptTemplate("Find the $goal. Recent actions: $history.")
    assert template.user_text("bed", SEED) == "Find the bed. Recent actions: none."
    assert template.user_text("bed", SEED, (Action.TURN_LEFT, Action.MOVE_FORWARD)) == \
        "Find the bed. Recent actions: turn left, move forward."
    assert "oldest first: turn right." in PromptTemplate.load().user_text(
        "bed", SEED, (Action.TURN_RIGHT,))
