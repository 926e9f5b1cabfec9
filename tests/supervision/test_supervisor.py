"""The supervisor with real child processes serving on the sockets it holds."""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.config import PROJECT_ROOT
from bot.supervisor import Service, Supervisor


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def echo(name: str, crash_file: Path | None = None, standby: bool = False) -> Service:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "ECHO_CRASH_FILE": str(crash_file or "")}
    return Service(name, [sys.executable, "-m", "tests.supervision.echo_service"], env,
                   free_port(), "/", standby=standby)


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[Supervisor]:
    crash_file = tmp_path / "crash"
    running = Supervisor([echo("one", crash_file), echo("two")], PROJECT_ROOT, tmp_path / "logs")
    running.start(timeout=60)
    yield running
    running.stop()


def pid_of(service: Service) -> int:
    return int(requests.get(service.ready_url, timeout=30).json()["pid"])


def test_a_killed_service_is_restarted_and_the_other_keeps_serving(
    supervisor: Supervisor,
) -> None:
    one, two = supervisor.services
    old, other = pid_of(one), pid_of(two)
    supervisor.kill("one")
    # Sent while the process is down: it waits in the held socket and the new one answers.
    new = pid_of(one)
    assert new != old and pid_of(two) == other
    assert [(r.service, r.exit_code, r.delay) for r in supervisor.restarts] == [("one", -9, 0.0)]


def test_a_process_that_served_is_restarted_at_once_every_time(supervisor: Supervisor) -> None:
    one = supervisor.services[0]
    for _ in range(3):
        before = pid_of(one)
        supervisor.kill("one")
        while pid_of(one) == before:
            time.sleep(0.1)
    assert [r.delay for r in supervisor.restarts] == [0.0, 0.0, 0.0]


def test_a_crash_loop_backs_off_until_the_process_serves_again(
    supervisor: Supervisor, tmp_path: Path
) -> None:
    one = supervisor.services[0]
    (tmp_path / "crash").touch()  # from now on it dies at start
    supervisor.kill("one")
    deadline = time.monotonic() + 30
    while len(supervisor.restarts) < 4 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [r.delay for r in supervisor.restarts][:4] == [0.0, 1.0, 2.0, 4.0]
    assert [r.exit_code for r in supervisor.restarts][1:4] == [3, 3, 3]
    (tmp_path / "crash").unlink()
    supervisor.wait_ready("one", timeout=60)
    assert pid_of(one)


def test_a_held_service_stays_down_until_released(supervisor: Supervisor) -> None:
    one = supervisor.services[0]
    before = pid_of(one)
    supervisor.hold("one")
    time.sleep(1.0)
    assert supervisor.pid("one") is None and supervisor.restarts == []
    supervisor.release("one", timeout=60)
    assert pid_of(one) != before


def test_a_taken_port_stops_the_start(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        service = echo("three")
        blocked = Service(service.name, service.command, service.env, taken.getsockname()[1])
        supervisor = Supervisor([blocked], PROJECT_ROOT, tmp_path / "logs")
        with pytest.raises(RuntimeError, match=r"port \d+ is in use"):
            supervisor.start(timeout=10)


def test_a_standby_takes_over_at_once_and_another_stands_by(tmp_path: Path) -> None:
    service = echo("standing", standby=True)
    running = Supervisor([service], PROJECT_ROOT, tmp_path / "logs")
    running.start(timeout=60)
    try:
        serving = pid_of(service)
        standby = running.wait_standby("standing", 60)
        # The standby runs but accepts nothing while the serving process lives.
        assert {pid_of(service) for _ in range(20)} == {serving}
        running.kill("standing")
        assert pid_of(service) == standby
        assert [(r.service, r.delay) for r in running.restarts] == [("standing", 0.0)]
        assert running.wait_standby("standing", 60) not in (serving, standby)
        assert pid_of(service) == standby
    finally:
        running.stop()
    assert running.standby_pid("standing") is None
    with pytest.raises(ProcessLookupError):
        os.kill(standby, 0)
