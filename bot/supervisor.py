"""Keeps a set of service processes running: a crashed one restarts, the others go on.

The supervisor binds every service's port itself and hands the listening socket to each
process that serves it (bot/serving.py). While a service restarts, the socket stays open,
so clients wait in its queue instead of being refused, and the new process answers them.

A process that exits on its own is restarted at once, unless it keeps dying before it ever
served (a crash loop): then each further restart waits twice as long (1 s, 2 s, 4 s ...
30 s). A process that answered its ready URL was serving, and counts as a first crash.

A service can keep a standby: a second process that starts up completely, then waits
without accepting (bot/serving.py). When the serving process dies, the standby takes over
at once and a new standby starts up behind it. Rasa needs this: it takes about 25 s to
load a model, and a customer should not wait that long after a crash.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.serving import BACKLOG, LISTEN_FD_ENV, STANDBY_FD_ENV, STANDBY_READY, TAKE_OVER

logger = logging.getLogger(__name__)

MAX_RESTART_DELAY_SECONDS = 30.0
POLL_SECONDS = 0.2
READY_PROBE_SECONDS = 0.5
STOP_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class Service:
    """One kind of process and how to tell that it is ready.

    Attributes:
        name: short name, also the log file's name ("rasa" -> logs/rasa.log).
        command: the command line.
        env: the complete environment of the process.
        port: the port its listening socket is bound to (on `host`).
        ready_path: GET on this path answers 200 once the process serves.
        host: the interface the socket is bound to.
        standby: keep a second, started process ready to take over after a crash.
    """

    name: str
    command: Sequence[str]
    env: Mapping[str, str]
    port: int
    ready_path: str = "/"
    host: str = "127.0.0.1"
    standby: bool = False

    @property
    def ready_url(self) -> str:
        """The URL that answers 200 once the service is ready."""
        return f"http://{self.host}:{self.port}{self.ready_path}"


@dataclass(frozen=True)
class Restart:
    """A crash the supervisor saw, and when it started the service again."""

    service: str
    exit_code: int
    crashed_at: float
    delay: float


@dataclass
class _Slot:
    service: Service
    sock: socket.socket
    process: subprocess.Popen[bytes] | None = None
    served: bool = False
    quick_crashes: int = 0
    restart_at: float | None = None
    held: bool = False
    standby: subprocess.Popen[bytes] | None = None
    standby_gate: socket.socket | None = None  # our end of the standby's socket pair
    standby_ready: bool = False
    standby_failures: int = 0
    standby_retry_at: float = 0.0


@dataclass
class Supervisor:
    """Starts services, keeps their sockets, restarts crashed processes with backoff.

    Attributes:
        services: what to run, started in this order.
        cwd: working directory of every process.
        log_dir: where each process's output goes (appended).
        restarts: every restart so far (for logs, tests and the fault bench).
    """

    services: Sequence[Service]
    cwd: Path
    log_dir: Path
    restarts: list[Restart] = field(default_factory=list)
    _slots: dict[str, _Slot] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _watcher: threading.Thread | None = None

    def start(self, timeout: float) -> None:
        """Binds every port, starts every process and waits until all are ready.

        Raises:
            RuntimeError: a port is taken, or a process exits or is not ready in time.
        """
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for service in self.services:
            self._slots[service.name] = _Slot(service, _listening_socket(service))
        for slot in self._slots.values():
            self._spawn(slot)
        deadline = time.monotonic() + timeout
        for slot in self._slots.values():
            self._wait_ready(slot, deadline)
        self._watcher = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._watcher.start()

    def pid(self, name: str) -> int | None:
        """The process id serving `name` now, if one runs."""
        process = self._slots[name].process
        return process.pid if process is not None and process.poll() is None else None

    def standby_pid(self, name: str) -> int | None:
        """The process id of the service's standby, if one runs."""
        process = self._slots[name].standby
        return process.pid if process is not None and process.poll() is None else None

    def wait_standby(self, name: str, timeout: float) -> int:
        """Waits until the service's standby has started up; returns its process id."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                slot = self._slots[name]
                if slot.standby_ready and slot.standby is not None:
                    return slot.standby.pid
            time.sleep(0.2)
        raise RuntimeError(f"{name} has no standby ready after {timeout:.0f} s")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Sends `sig` to the service's process, as a crash would (it is restarted)."""
        process = self._slots[name].process
        if process is not None and process.poll() is None:
            os.killpg(process.pid, sig)

    def hold(self, name: str) -> None:
        """Stops the service and keeps it stopped until `release` (its socket stays open)."""
        with self._lock:
            slot = self._slots[name]
            slot.held = True
            slot.restart_at = None
            self._drop_standby(slot)
            _terminate(slot.process)

    def release(self, name: str, timeout: float) -> None:
        """Starts a held service again and waits until it is ready."""
        with self._lock:
            slot = self._slots[name]
            slot.held = False
            self._spawn(slot)
        self._wait_ready(slot, time.monotonic() + timeout)

    def wait_ready(self, name: str, timeout: float) -> None:
        """Waits until the service answers again (e.g. after a crash and restart)."""
        self._wait_ready(self._slots[name], time.monotonic() + timeout, restarting=True)

    def stop(self) -> None:
        """Stops every process, politely first, and closes the sockets."""
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        with self._lock:
            for slot in self._slots.values():
                self._drop_standby(slot)
                if slot.process is not None and slot.process.poll() is None:
                    slot.process.terminate()
            deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
            for slot in self._slots.values():
                _wait_or_kill(slot.process, deadline)
                slot.sock.close()

    def _watch(self) -> None:
        while not self._stopping.wait(POLL_SECONDS):
            with self._lock:
                now = time.monotonic()
                for slot in self._slots.values():
                    self._look_after(slot, now)
                starting = [slot for slot in self._slots.values()
                            if not slot.served and slot.process is not None]
            for slot in starting:  # outside the lock: a probe may wait half a second
                if _answers(slot.service.ready_url, READY_PROBE_SECONDS):
                    slot.served = True

    def _look_after(self, slot: _Slot, now: float) -> None:
        if slot.held:
            return
        if slot.restart_at is not None:
            if now >= slot.restart_at:
                self._spawn(slot)
            return
        if slot.process is None:
            return
        if slot.process.poll() is None:
            self._keep_standby(slot, now)
            return
        code = slot.process.returncode
        if slot.standby is not None and slot.standby.poll() is None:
            self._promote_standby(slot)
            self.restarts.append(Restart(slot.service.name, code, now, 0.0))
            logger.warning("%s stopped unexpectedly (exit code %s); its standby took over.",
                           slot.service.name, code)
            return
        slot.quick_crashes = 1 if slot.served else slot.quick_crashes + 1
        delay = 0.0 if slot.quick_crashes == 1 else min(
            MAX_RESTART_DELAY_SECONDS, 2.0 ** (slot.quick_crashes - 2)
        )
        slot.restart_at = now + delay
        self.restarts.append(Restart(slot.service.name, code, now, delay))
        logger.warning("%s stopped unexpectedly (exit code %s); restarting in %.0f s.",
                       slot.service.name, code, delay)

    def _keep_standby(self, slot: _Slot, now: float) -> None:
        """Starts a standby behind a serving process (not during its own start-up)."""
        if not slot.service.standby or not slot.served:
            return
        if slot.standby is not None:
            if slot.standby.poll() is None:
                slot.standby_ready = slot.standby_ready or _has_said_ready(slot.standby_gate)
                return
            self._drop_standby(slot)  # it died while waiting: try again, backing off
            slot.standby_failures += 1
            slot.standby_retry_at = now + min(MAX_RESTART_DELAY_SECONDS,
                                              2.0 ** slot.standby_failures)
            logger.warning("%s's standby stopped; starting another in %.0f s.",
                           slot.service.name, slot.standby_retry_at - now)
            return
        if now >= slot.standby_retry_at:
            slot.standby, slot.standby_gate = self._popen_standby(slot)

    def _promote_standby(self, slot: _Slot) -> None:
        """Lets the standby serve (one still starting up serves once it is ready)."""
        assert slot.standby is not None and slot.standby_gate is not None
        try:
            slot.standby_gate.setblocking(True)
            slot.standby_gate.sendall(TAKE_OVER)
        finally:
            slot.standby_gate.close()
        slot.process, slot.standby, slot.standby_gate = slot.standby, None, None
        slot.standby_ready = False
        slot.served = False
        slot.quick_crashes = 0
        slot.standby_failures = 0

    def _drop_standby(self, slot: _Slot) -> None:
        if slot.standby_gate is not None:
            slot.standby_gate.close()  # the standby reads end-of-file and exits
            slot.standby_gate = None
        _terminate(slot.standby)
        slot.standby = None
        slot.standby_ready = False

    def _spawn(self, slot: _Slot) -> None:
        slot.process = self._popen(slot.service, {LISTEN_FD_ENV: slot.sock.fileno()})
        slot.served = False
        slot.restart_at = None

    def _popen_standby(self, slot: _Slot) -> tuple[subprocess.Popen[bytes], socket.socket]:
        ours, theirs = socket.socketpair()
        try:
            process = self._popen(slot.service, {LISTEN_FD_ENV: slot.sock.fileno(),
                                                 STANDBY_FD_ENV: theirs.fileno()})
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        ours.setblocking(False)
        return process, ours

    def _popen(self, service: Service, fds: Mapping[str, int]) -> subprocess.Popen[bytes]:
        """Starts `service`, passing it `fds`, each named by an environment variable."""
        log = (self.log_dir / f"{service.name}.log").open("ab")
        try:
            return subprocess.Popen(
                list(service.command), cwd=self.cwd,
                env={**service.env, **{name: str(fd) for name, fd in fds.items()}},
                stdout=log, stderr=subprocess.STDOUT, pass_fds=tuple(fds.values()),
                start_new_session=True,
            )
        finally:
            log.close()

    def _wait_ready(self, slot: _Slot, deadline: float, restarting: bool = False) -> None:
        name = slot.service.name
        while time.monotonic() < deadline:
            process = slot.process
            if process is not None and process.poll() is not None and not restarting:
                raise RuntimeError(
                    f"{name} exited with code {process.returncode}; "
                    f"see {self.log_dir / (name + '.log')}"
                )
            if _answers(slot.service.ready_url):
                slot.served = True
                return
            time.sleep(0.25)
        raise RuntimeError(f"{name} did not answer on {slot.service.ready_url} in time")


def _listening_socket(service: Service) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((service.host, service.port))
    except OSError as error:
        sock.close()
        raise RuntimeError(
            f"{service.name}: port {service.port} is in use ({error.strerror})"
        ) from None
    sock.listen(BACKLOG)
    sock.set_inheritable(True)
    return sock


def _has_said_ready(gate: socket.socket | None) -> bool:
    try:
        return gate is not None and gate.recv(16) == STANDBY_READY
    except BlockingIOError:
        return False


def _answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _terminate(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        _wait_or_kill(process, time.monotonic() + STOP_TIMEOUT_SECONDS)


def _wait_or_kill(process: subprocess.Popen[bytes] | None, deadline: float) -> None:
    if process is None:
        return
    try:
        process.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
