"""A launcher process of a test (``ros2 launch`` or ``objnav-launch``), read in the background.

It runs in a session of its own without a terminal on stdin (``ros2 launch`` is then
non-interactive and forwards SIGINT to its nodes); :meth:`Launched.ctrl_c` sends SIGINT to
the whole session, as a terminal's Ctrl-C does, so each node gets it twice.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from contextlib import contextmanager

ROS2_PID = re.compile(r"process started with pid \[(\d+)\]")
PLAIN_PID = re.compile(r"started \w+ \(pid (\d+)\)")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


class Launched:
    def __init__(self, cmd: list[str], env: dict) -> None:
        self.proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, start_new_session=True)
        self.lines: list[str] = []
        self.read_to = 0  # wait_for looks at the lines after its last match
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, timeout: float = 90.0) -> re.Match:
        """The next output line matching ``pattern``; AssertionError after ``timeout``."""
        deadline = time.monotonic() + timeout
        seen = self.read_to
        with self._changed:
            while True:
                for index, line in enumerate(self.lines[seen:], seen):
                    if match := re.search(pattern, line):
                        self.read_to = index + 1
                        return match
                seen = len(self.lines)
                left = deadline - time.monotonic()
                if left <= 0 or not self._reader.is_alive():
                    raise AssertionError(f"no line matching {pattern!r}:\n{self.output[-4000:]}")
                self._changed.wait(min(left, 0.5))

    def node_pids(self) -> list[int]:
        return [int(pid) for line in self.lines
                for pid in ROS2_PID.findall(line) + PLAIN_PID.findall(line)]

    def left_running(self) -> list[int]:
        return [pid for pid in self.node_pids() if alive(pid)]

    def wait(self, timeout: float = 60.0) -> int:
        code = self.proc.wait(timeout)
        self._reader.join(10)
        return code

    def ctrl_c(self, timeout: float = 60.0) -> int:
        """SIGINT to the launcher and its nodes, as a terminal's Ctrl-C; the exit status."""
        os.killpg(self.proc.pid, signal.SIGINT)
        return self.wait(timeout)

    def kill(self) -> None:
        """Leave nothing behind (SIGKILL to what is still running)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.wait()
        for pid in self.left_running():
            os.kill(pid, signal.SIGKILL)


@contextmanager
def launched(cmd: list[str], env: dict):
    graph = Launched(cmd, env)
    try:
        yield graph
    finally:
        graph.kill()
