"""Simulator core (no ROS): one interface, an embedded and a habitat-sim backend, episodes.

Public entry points: :class:`SimConfig`, :func:`make_simulator` /
:class:`EmbeddedSimulator`, :class:`Episode` with :func:`load_episodes` /
:func:`save_episodes` / :class:`EpisodeSampler`, :class:`ShortestPathExpert`,
:func:`generate_house`, :func:`save_topdown`.

Conventions: world frame Z-up metres (REP-103 yaw); habitat's Y-up data is converted at
the file and backend boundaries (:mod:`objnav_ros.sim.coords`). Goals: each goal object
has view points, navigable points within 0.5 m of its footprint that see it over no
obstacle. ``distance_to_goal`` is the geodesic distance to the nearest view point of any
instance of the category; STOP succeeds when it is at most ``success_distance_m``; the
``L`` of SPL is that distance from the start (``Episode.geodesic_distance``).
"""

from objnav_ros.sim.base import Simulator
from objnav_ros.sim.config import SimConfig
from objnav_ros.sim.embedded import EmbeddedSimulator
from objnav_ros.sim.episode_state import (
    END_MAX_STEPS,
    END_NONE,
    END_STOP,
    EpisodeDoneError,
    EpisodeState,
)
from objnav_ros.sim.episodes import (
    Episode,
    EpisodeConfig,
    EpisodeFileError,
    EpisodeSampler,
    ObjectGoal,
    generate_episodes,
    load_episodes,
    save_episodes,
)
from objnav_ros.sim.expert import ShortestPathExpert
from objnav_ros.sim.factory import make_simulator
from objnav_ros.sim.house import HouseConfig, generate_house, write_house
from objnav_ros.sim.navgrid import NavGrid
from objnav_ros.sim.objects import CATEGORIES, ObjectInstance
from objnav_ros.sim.scene import SceneMesh, load_scene
from objnav_ros.sim.topdown import save_topdown

__all__ = [
    "CATEGORIES",
    "END_MAX_STEPS",
    "END_NONE",
    "END_STOP",
    "EmbeddedSimulator",
    "Episode",
    "EpisodeConfig",
    "EpisodeDoneError",
    "EpisodeFileError",
    "EpisodeSampler",
    "EpisodeState",
    "HouseConfig",
    "NavGrid",
    "ObjectGoal",
    "ObjectInstance",
    "SceneMesh",
    "ShortestPathExpert",
    "SimConfig",
    "Simulator",
    "generate_episodes",
    "generate_house",
    "load_episodes",
    "load_scene",
    "make_simulator",
    "save_episodes",
    "save_topdown",
    "write_house",
]
