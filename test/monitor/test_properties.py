from hypothesis import given, settings
from hypothesis import strategies as st

from objnav_ros.core.actions import Action
from objnav_ros.monitor import Monitor
from test.monitor.walk import walk

actions = st.lists(st.sampled_from(list(Action)), max_size=120)
blocked = st.sets(st.integers(0, 119))


@settings(max_examples=150, deadline=None)
@given(actions, blocked, st.booleans())
def test_verdicts_end_at_the_current_step_and_replay_identically(acts, hits, flagged):
    records = walk(acts, blocked=hits, collided=True if flagged else None)
    monitor = Monitor()
    first = []
    for record in records:
        verdicts = monitor.update(record)
        assert all(v.end_step == record.step and v.start_step <= v.end_step for v in verdicts)
        assert len({v.kind for v in verdicts}) == len(verdicts)
        first.extend(verdicts)
    assert sum(monitor.counts.values()) == len(first)
    monitor.reset()
    assert [v for r in records for v in monitor.update(r)] == first


@settings(max_examples=150, deadline=None)
@given(actions, blocked)
def test_a_stuck_spell_is_reported_once_while_the_agent_does_not_move(acts, hits):
    records = walk(acts, blocked=hits)
    monitor = Monitor()
    stuck_steps = [r.step for r in records for v in monitor.update(r) if v.kind == "stuck"]
    for earlier, later in zip(stuck_steps, stuck_steps[1:], strict=False):
        there = records[earlier - 1].pose
        spell = records[earlier:later]
        assert any((r.pose.x, r.pose.y) != (there.x, there.y) for r in spell)
