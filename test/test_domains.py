"""Test domains: never one another run holds, nor one where DDS participants are running."""

import subprocess
import sys

import rclpy

from test.domains import DomainPool, has_participants

HOLD = """
import sys, time
from test.domains import DomainPool
pool = DomainPool(start=int(sys.argv[1]), lock_dir=__import__('pathlib').Path(sys.argv[2]))
print(pool.claim(), flush=True)
time.sleep(60)
"""


def test_a_domain_held_by_another_process_is_skipped(tmp_path):
    other = subprocess.Popen([sys.executable, "-c", HOLD, "0", str(tmp_path)],
                             stdout=subprocess.PIPE, text=True)
    try:
        held = int(other.stdout.readline())
        pool = DomainPool(start=held - 1, lock_dir=tmp_path)
        assert pool.claim() != held
    finally:
        other.kill()
        other.wait()
    assert DomainPool(start=held - 1, lock_dir=tmp_path).claim() == held  # freed on exit


def test_a_domain_with_a_running_participant_is_skipped(tmp_path):
    pool = DomainPool(lock_dir=tmp_path)
    busy = pool.claim()
    pool.release(busy)
    context = rclpy.context.Context()
    rclpy.init(context=context, domain_id=busy)
    try:
        node = rclpy.create_node("squatter", context=context)
        assert has_participants(busy)
        assert DomainPool(start=busy - 1, lock_dir=tmp_path).claim() != busy
        node.destroy_node()
    finally:
        context.try_shutdown()
    assert not has_participants(busy)


def test_released_domains_come_back_and_none_is_handed_out_twice(tmp_path):
    pool = DomainPool(lock_dir=tmp_path)
    claimed = [pool.claim() for _ in range(10)]
    assert len(set(claimed)) == 10 and 0 not in claimed
    pool.release(claimed[0])
    again = [pool.claim()]
    while again[-1] != claimed[0]:  # the pool runs dry (RuntimeError) if it never comes back
        again.append(pool.claim())
    assert not set(again) & set(claimed[1:])
