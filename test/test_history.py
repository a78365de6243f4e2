from objnav_ros.core.actions import Action
from objnav_ros.core.history import HISTORY_LENGTH, ActionHistory

F, L, R = Action.MOVE_FORWARD, Action.TURN_LEFT, Action.TURN_RIGHT


def test_keeps_the_last_actions_before_a_step():
    history = ActionHistory(length=3)
    assert history.before("a", 0) == ()
    for step, action in enumerate([F, L, R, F, F]):
        assert len(history.before("a", step)) == min(step, 3)
        history.record("a", step, action)
    assert history.before("a", 5) == (R, F, F)
    assert history.before("a", 4) == (R, F)  # asked again about an earlier step: what came before


def test_a_new_episode_or_a_step_going_back_starts_afresh():
    history = ActionHistory()
    history.record("a", 0, L)
    history.record("a", 1, L)
    assert history.before("b", 2) == ()
    history.record("b", 0, R)
    assert history.before("b", 1) == (R,)
    assert history.before("a", 2) == ()
    history.record("b", 0, F)  # the same episode id restarted (a bridge restart)
    assert history.before("b", 1) == (F,)


def test_default_length_and_zero_length():
    history, none = ActionHistory(), ActionHistory(length=0)
    for step in range(10):
        history.record("e", step, F)
        none.record("e", step, F)
    assert len(history.before("e", 10)) == HISTORY_LENGTH
    assert none.before("e", 10) == ()


def test_the_simulator_fills_recent_actions(tmp_path):
    from objnav_ros.sim import EmbeddedSimulator, SimConfig
    from objnav_ros.sim.scene_source import SceneSource

    source = SceneSource(seed=3, n_episodes=1, cache_dir=str(tmp_path))
    config = SimConfig(width=32, height=24, seed=3)
    with EmbeddedSimulator(source.scene_path(), config) as sim:
        episode = source.load_episodes(config, sim.random_episode)[0]
        assert sim.reset(episode).recent_actions == ()
        taken = [F, L, R, L, L, F]
        for step, action in enumerate(taken, start=1):
            obs = sim.step(action)
            assert obs.recent_actions == tuple(taken[:step][-HISTORY_LENGTH:])
        assert sim.reset(episode).recent_actions == ()
