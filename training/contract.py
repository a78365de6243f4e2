"""The run contract of recorded episodes: one for all of them, and the one this run uses.

Training and evaluation on bags need every episode to carry the action amounts, to agree with
the first episode on every field both know (amounts, camera model) and to agree with the run
(the action preset trained; the simulator evaluated in). The trained adapter's record keeps
the contract (:mod:`objnav_ros.policy.adapter_record`).
"""

from __future__ import annotations

from collections.abc import Sequence

from objnav_ros.core.contract import AMOUNTS, RunContract
from objnav_training.transitions import EpisodeData


def common_contract(episodes: Sequence[EpisodeData], run: RunContract,
                    run_name: str) -> RunContract:
    """The episodes' one contract; ValueError naming the first bag and field that disagree.

    ``run``: what this run uses (``run_name`` says where it comes from, e.g. the preset).
    """
    if not episodes:
        raise ValueError("episodes: none given")
    first = episodes[0]
    for episode in episodes:
        where = f"{episode.source_file}: episode {episode.episode_id}"
        missing = episode.contract.missing(AMOUNTS)
        if missing:
            raise ValueError(f"{where} carries no run contract ({missing[0]} not known)")
        for others, their_name in ((run, f"this run ({run_name})"),
                                   (first.contract, f"{first.source_file} (episode "
                                                    f"{first.episode_id})")):
            differences = episode.contract.differences(others)
            if differences:
                field, recorded, theirs = differences[0]
                raise ValueError(f"{where} was recorded with {field} {recorded}, but "
                                 f"{their_name} uses {theirs}: one run contract throughout")
    return first.contract
