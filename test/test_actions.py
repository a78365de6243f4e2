import pytest

from objnav_ros.core.actions import (
    INVALID_ACTION_ID,
    PRESETS,
    Action,
    ActionSpace,
    action_space,
)


def test_ids_and_names_match_the_navaction_message():
    from objnav_ros.msg import NavAction

    for action in Action:
        assert getattr(NavAction, action.name) == action.value
    assert NavAction.INVALID == INVALID_ACTION_ID
    assert [a.name for a in Action] == [
        "STOP", "MOVE_FORWARD", "TURN_LEFT", "TURN_RIGHT", "LOOK_UP", "LOOK_DOWN"]


def test_presets():
    habitat = PRESETS["habitat"]
    assert (habitat.forward_m, habitat.turn_deg, habitat.look_deg) == (0.25, 30.0, 30.0)
    assert habitat.actions == tuple(Action)
    seed = action_space("seed")
    assert (seed.forward_m, seed.turn_deg) == (0.4, 15.0)
    assert Action.STOP not in seed and Action.MOVE_FORWARD in seed
    assert action_space("seed", turn_deg=10.0).turn_deg == 10.0


@pytest.mark.parametrize("text", ["MOVE_FORWARD", "move_forward", "move forward", " Move-Forward "])
def test_from_name(text):
    assert Action.from_name(text) is Action.MOVE_FORWARD
    assert Action.MOVE_FORWARD.text == "move forward"


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="unknown action 'jump'"):
        Action.from_name("jump")
    with pytest.raises(ValueError, match="unknown action id 9"):
        Action.from_id(9)
    with pytest.raises(ValueError, match="forward_m"):
        ActionSpace(forward_m=0)
    with pytest.raises(ValueError, match="turn_deg"):
        ActionSpace(turn_deg=200)
    with pytest.raises(ValueError, match="duplicates"):
        ActionSpace(actions=(Action.STOP, Action.STOP))
    with pytest.raises(ValueError, match="unknown action preset"):
        action_space("fast")
