import numpy as np
from PIL import Image

from objnav_ros.sim import ShortestPathExpert, save_topdown


def test_topdown_png_of_an_episode(house_sim, tmp_path):
    episode = house_sim.random_episode(1)
    house_sim.reset(episode)
    expert = ShortestPathExpert(house_sim)
    while not house_sim.metrics().done:
        house_sim.step(expert.next_action())
    out = save_topdown(
        tmp_path / "map.png",
        house_sim.nav,
        house_sim.scene.objects,
        episode,
        house_sim.trajectory,
        house_sim.metrics(),
        house_sim.shortest_path(episode.start_position[:2], episode.goal_points()),
    )
    with Image.open(out) as image:
        assert image.format == "PNG"
        assert min(image.size) > 200
        pixels = np.asarray(image.convert("RGB"))
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20


def test_topdown_of_a_bare_scene(room_sim, tmp_path):
    out = save_topdown(tmp_path / "room.png", room_sim.nav, ())
    with Image.open(out) as image:
        assert image.format == "PNG"
