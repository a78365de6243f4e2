import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from objnav_ros.core.actions import Action
from objnav_ros.policy.parser import action_from_value, parse_action

F, L, R, S = Action.MOVE_FORWARD, Action.TURN_LEFT, Action.TURN_RIGHT, Action.STOP

REALISTIC = [
    ('{"Observation": "a hallway", "Reasoning": "open", "Action": "move forward"}', F),
    ('```json\n{"Observation": "sofa", "Reasoning": "near", "Action": "turn left"}\n```', L),
    ('Sure! My answer:\n{"Observation": "", "Reasoning": "", "Action": "turn right"}\nDone.', R),
    ('{"observation": "wall", "reasoning": "blocked", "action": "Turn Left"}', L),
    ('{"ACTION": "MOVE_FORWARD"}', F),
    ("{'Observation': 'kitchen', 'Reasoning': 'go on', 'Action': 'forward'}", F),
    ('{"Action": "go straight", "Confidence": 0.9, "Extra": [1, 2]}', F),
    ('{"Action": "left"}', L),
    ('{"Action": "right."}', R),
    ('{"Action": "stop"}', S),
    ('{"Action": "look down"}', Action.LOOK_DOWN),
    ('{"answer": {"Action": "turn_right"}}', R),
    ('{"Observation": "door", "Reasoning": "go", "Action": "move forward 0.25 m"}', F),
    ("Action: Turn left", L),
    ("**Action**: move forward", F),
    ("turn right", R),
    ("Forward.", F),
    ("I cannot see the bed, so I will turn left to look around.", L),
    ("The wall is on my left, so turn right.", R),
    ('{"Observation": "x", "Reasoning": "y", "Action": "move forward"', F),  # unclosed
]

INVALID = [
    "",
    "   ",
    "I am not sure.",
    '{"Observation": "a chair", "Reasoning": "I could move forward", "Act',  # truncated
    '{"Action": "jump"}',
    '{"Action": 1}',
    '{"Action": null}',
    "stop or turn left",
    "{" * 5000,
    "[" * 5000 + "{",
    '{"Action": "' + "x" * 10000,
]


@pytest.mark.parametrize(("text", "expected"), REALISTIC)
def test_realistic_answers(text, expected):
    assert parse_action(text) is expected


@pytest.mark.parametrize("text", INVALID)
def test_invalid_answers(text):
    assert parse_action(text) is None


def test_non_string_is_invalid():
    assert parse_action(None) is None
    assert action_from_value(["turn left"]) is None


def test_synonyms():
    for value, expected in [("go forward", F), ("ahead", F), ("rotate left", L), ("halt", S),
                            ("Turn-Right", R), ("look_up", Action.LOOK_UP)]:
        assert action_from_value(value) is expected


fragments = st.sampled_from([
    "{", "}", '"', "'", ":", ",", "Action", "action", "move forward", "turn left", "left",
    "right", "stop", "```json", "```", "\n", " ", "Observation", "null", "[", "]", "\\",
])


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.text(), st.lists(fragments, max_size=30).map("".join)))
def test_fuzz_never_raises(text):
    result = parse_action(text)
    assert result is None or isinstance(result, Action)
