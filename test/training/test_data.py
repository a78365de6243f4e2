import dataclasses

from objnav_ros.core.actions import Action
from objnav_ros.core.types import Pose2D
from objnav_ros.policy.prompt import PromptTemplate
from objnav_training.trainer_data import ActionCollator, TransitionDataset

from .conftest import SEED_SPACE
from .toy import FRAME, step

POSE = Pose2D(0, 0, 0)


def test_labels_prefer_dagger_relabels_and_skip_disallowed_actions():
    transitions = [
        step(0, Action.TURN_LEFT, POSE, POSE),
        step(1, Action.MOVE_FORWARD, POSE, POSE, expert_action=Action.TURN_RIGHT),
        step(2, Action.STOP, POSE, POSE),  # not in the seed action space
    ]
    data = TransitionDataset(transitions, SEED_SPACE.actions, use_expert_labels=True)
    assert len(data) == 2 and data.skipped == 1
    assert [(s["index"], SEED_SPACE.actions[s["label"]], s["supervised"]) for s in data] == [
        (0, Action.TURN_LEFT, False), (1, Action.TURN_RIGHT, True)]
    plain = TransitionDataset(transitions, SEED_SPACE.actions, use_expert_labels=False)
    assert SEED_SPACE.actions[plain[1]["label"]] is Action.MOVE_FORWARD
    assert not plain[1]["supervised"]


def test_frames_are_decoded_when_an_item_is_read():
    calls = []

    def frame():
        calls.append(1)
        return FRAME

    lazy = dataclasses.replace(step(0, Action.TURN_LEFT, POSE, POSE), rgb=frame)
    data = TransitionDataset([lazy], SEED_SPACE.actions, True)
    assert not calls
    data[0]
    assert calls == [1]


def test_collator_packs_samples_with_their_rows(tiny_model):
    from objnav_ros.policy.processor import load_processor

    transitions = [step(i, Action.TURN_LEFT, POSE, POSE) for i in range(3)]
    data = TransitionDataset(transitions, SEED_SPACE.actions, True)
    batch = ActionCollator(load_processor(tiny_model), PromptTemplate.load(),
                           SEED_SPACE.actions)([data[2], data[0]])
    assert batch.index.tolist() == [2, 0]
    assert batch.label.tolist() == [1, 1] and not batch.supervised.any()
    assert batch.inputs.input_ids.shape[0] == 2


def test_items_carry_the_actions_taken_before_them_in_their_episode():
    transitions = [
        step(0, Action.TURN_LEFT, POSE, POSE),
        step(1, Action.MOVE_FORWARD, POSE, POSE, expert_action=Action.TURN_RIGHT),
        step(2, Action.STOP, POSE, POSE),  # skipped as a sample, still taken before step 3
        step(3, Action.TURN_RIGHT, POSE, POSE),
        dataclasses.replace(step(0, Action.MOVE_FORWARD, POSE, POSE), episode_id="next"),
    ]
    data = TransitionDataset(transitions, SEED_SPACE.actions, use_expert_labels=True)
    assert [s["history"] for s in data] == [
        (), (Action.TURN_LEFT,),  # the action taken, not the DAgger label
        (Action.TURN_LEFT, Action.MOVE_FORWARD, Action.STOP), ()]
