"""Starts the whole assistant (Rasa, actions, helpdesk), reports where, stops it on Ctrl-C.

`AssistantStack` is also what the integration tests start, on free ports.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.channels.credentials import write_runtime_credentials
from bot.config import PROJECT_ROOT, ensure_secret, load_settings
from bot.training import latest_model

READY_TIMEOUT_SECONDS = 180


@dataclass
class AssistantStack:
    """The processes of one assistant: Rasa server, action server and helpdesk.

    Attributes:
        rasa_port: Rasa HTTP port (REST and socket.io channels, HTTP API).
        action_port: action server port (actions and NLG).
        var_dir: runtime folder for logs and databases.
        rasa_token: token protecting Rasa's HTTP API.
        model: model file to serve; the newest in models/ when None.
        helpdesk_port: helpdesk port (ticket API, pages, /health).
        helpdesk_token: token protecting the ticket API.
    """

    rasa_port: int
    action_port: int
    var_dir: Path
    rasa_token: str
    model: Path | None = None
    helpdesk_port: int = 8000
    helpdesk_token: str = ""
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _commands: dict[str, tuple[list[str], dict[str, str]]] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        """Base URL of the Rasa server."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        """Base URL of the action server."""
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def helpdesk_url(self) -> str:
        """Base URL of the helpdesk."""
        return f"http://127.0.0.1:{self.helpdesk_port}"

    def start(self) -> None:
        """Starts the servers and waits until they answer; raises if one dies."""
        model = self.model or latest_model(PROJECT_ROOT / "models")
        if model is None:
            raise RuntimeError("No trained model in models/; run `make train` first.")
        logs = self.var_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "PYTHONPATH": str(PROJECT_ROOT),
            "KESTREL_VAR_DIR": str(self.var_dir),
            "ACTION_PORT": str(self.action_port),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "RASA_API_TOKEN": self.rasa_token,
            "RASA_URL": self.rasa_url,
            "ACTION_SERVER_URL": self.action_url,
            "HELPDESK_URL": self.helpdesk_url,
            "HELPDESK_API_TOKEN": self.helpdesk_token,
        }
        bin_dir = Path(sys.executable).parent
        self._spawn(
            "helpdesk",
            [sys.executable, "-m", "bot.helpdesk", "--port", str(self.helpdesk_port)],
            env, logs,
        )
        self._spawn(
            "actions",
            [sys.executable, "-m", "bot.action_server", "--port", str(self.action_port)],
            env, logs,
        )
        self._spawn(
            "rasa",
            [
                str(bin_dir / "rasa"), "run",
                "--enable-api", "--auth-token", self.rasa_token,
                "--port", str(self.rasa_port), "--interface", "127.0.0.1",
                "--cors", "*",
                "--model", str(model),
                "--credentials", str(
                    write_runtime_credentials(PROJECT_ROOT / "credentials.yml", self.var_dir)
                ),
                "--endpoints", str(self._write_endpoints()),
            ],
            env, logs,
        )
        self._wait_until_ready(f"{self.action_url}/health", "actions")
        self._wait_until_ready(f"{self.rasa_url}/", "rasa")
        # The helpdesk's /health is 200 only once Rasa and the actions answer too.
        self._wait_until_ready(f"{self.helpdesk_url}/health", "helpdesk")

    def stop_service(self, name: str) -> None:
        """Stops one process (tests use it to take the helpdesk down)."""
        process = self.processes[name]
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def restart_service(self, name: str, ready_url: str) -> None:
        """Starts a stopped process again with its original command and waits for it."""
        command, env = self._commands[name]
        self._spawn(name, command, env, self.var_dir / "logs")
        self._wait_until_ready(ready_url, name)

    def stop(self) -> None:
        """Stops every process, politely first."""
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for process in self.processes.values():
            if process.stdout:
                process.stdout.close()
        self.processes.clear()

    def _spawn(self, name: str, command: list[str], env: dict[str, str], logs: Path) -> None:
        self._commands[name] = (command, env)
        log = (logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def _write_endpoints(self) -> Path:
        """endpoints.yml with this stack's ports and tracker database."""
        endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8"))
        endpoints["action_endpoint"]["url"] = f"{self.action_url}/webhook"
        endpoints["nlg"]["url"] = f"{self.action_url}/nlg"
        if endpoints.get("tracker_store", {}).get("dialect") == "sqlite":
            endpoints["tracker_store"]["db"] = str(self.var_dir / "rasa_tracker.db")
        path = self.var_dir / "endpoints.runtime.yml"
        path.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
        return path

    def _wait_until_ready(self, url: str, name: str) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            process = self.processes[name]
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with code {process.returncode}; "
                    f"see {self.var_dir / 'logs' / (name + '.log')}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{name} did not answer on {url} within {READY_TIMEOUT_SECONDS} s")


def main() -> None:
    """`make run`: start everything and wait for Ctrl-C."""
    # Explicit handlers: a process started in the background inherits an ignored SIGINT.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    settings = load_settings()
    token, token_file = ensure_secret("RASA_API_TOKEN", settings.var_dir)
    helpdesk_token, helpdesk_token_file = ensure_secret("HELPDESK_API_TOKEN", settings.var_dir)
    stack = AssistantStack(
        settings.rasa_port, settings.action_port, settings.var_dir, token,
        helpdesk_port=settings.helpdesk_port, helpdesk_token=helpdesk_token,
    )
    print("Starting the Kestrel Shop assistant (loading the model takes a little while)...")
    try:
        stack.start()
    except (RuntimeError, KeyboardInterrupt) as error:
        stack.stop()
        raise SystemExit(f"Could not start: {error}") from None
    print(
        "\nRunning:\n"
        f"  Rasa server     {stack.rasa_url}  (REST: /webhooks/rest/webhook, socket.io, HTTP API)\n"
        f"  Action server   {stack.action_url}  (actions: /webhook, replies: /nlg)\n"
        f"  Helpdesk        {stack.helpdesk_url}  (ticket API: /api/tickets, /health)\n"
        f"  Storefront      {stack.helpdesk_url}/  (demo shop with the chat widget)\n"
        f"  Agent console   {stack.helpdesk_url}/console\n"
        f"  Rasa API token  {'from $RASA_API_TOKEN' if token_file is None else token_file}\n"
        f"  Helpdesk token  "
        f"{'from $HELPDESK_API_TOKEN' if helpdesk_token_file is None else helpdesk_token_file}\n"
        f"  Logs            {settings.var_dir / 'logs'}\n"
        "Press Ctrl-C to stop."
    )
    try:
        while all(process.poll() is None for process in stack.processes.values()):
            time.sleep(1)
        dead = [name for name, p in stack.processes.items() if p.poll() is not None]
        print(f"\n{', '.join(dead)} stopped unexpectedly; see the logs. Shutting down.")
    except KeyboardInterrupt:
        print("\nStopping...")
    finally:
        stack.stop()
    print("Stopped.")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
