"""The assistant's processes on one machine: what runs, on which port, with which settings.

`AssistantStack` is what `make run` starts (bot/launcher.py) and what the integration
tests start on free ports. bot/supervisor.py keeps the processes running.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.channels.credentials import write_runtime_credentials
from bot.config import PROJECT_ROOT
from bot.supervisor import Service, Supervisor
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
        rasa_standby: keep a second, loaded Rasa that takes over at once after a crash
            (costs the memory of one more Rasa process).
    """

    rasa_port: int
    action_port: int
    var_dir: Path
    rasa_token: str
    model: Path | None = None
    helpdesk_port: int = 8000
    helpdesk_token: str = ""
    rasa_standby: bool = True
    supervisor: Supervisor | None = field(default=None, init=False)

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

    @property
    def log_dir(self) -> Path:
        """Where each process writes its log (rasa.log, actions.log, helpdesk.log)."""
        return self.var_dir / "logs"

    def services(self) -> list[Service]:
        """The three services, in start order (the helpdesk's /health needs the others)."""
        model = self.model or latest_model(PROJECT_ROOT / "models")
        if model is None:
            raise RuntimeError("No trained model in models/; run `make train` first.")
        env = {
            **os.environ,
            "PYTHONPATH": str(PROJECT_ROOT),
            "KESTREL_VAR_DIR": str(self.var_dir),
            "ACTION_PORT": str(self.action_port),
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "RASA_TELEMETRY_ENABLED": "false",
            "RASA_API_TOKEN": self.rasa_token,
            "RASA_URL": self.rasa_url,
            "ACTION_SERVER_URL": self.action_url,
            "HELPDESK_URL": self.helpdesk_url,
            "HELPDESK_API_TOKEN": self.helpdesk_token,
        }
        credentials = write_runtime_credentials(PROJECT_ROOT / "credentials.yml", self.var_dir)
        python = sys.executable
        return [
            Service("actions", [python, "-m", "bot.action_server", "--port",
                                str(self.action_port)], env, self.action_port, "/health"),
            Service("rasa", [
                python, "-m", "bot.rasa_server", "--port", str(self.rasa_port),
                "--model", str(model), "--credentials", str(credentials),
                "--endpoints", str(self._write_endpoints()), "--cors", "*",
            ], env, self.rasa_port, "/", standby=self.rasa_standby),
            Service("helpdesk", [python, "-m", "bot.helpdesk", "--port",
                                 str(self.helpdesk_port)], env, self.helpdesk_port, "/health"),
        ]

    def start(self) -> None:
        """Starts the servers and waits until they answer; raises if one dies."""
        self.supervisor = Supervisor(self.services(), PROJECT_ROOT, self.log_dir)
        try:
            self.supervisor.start(READY_TIMEOUT_SECONDS)
        except RuntimeError:
            self.supervisor.stop()
            raise

    def stop(self) -> None:
        """Stops every process."""
        if self.supervisor is not None:
            self.supervisor.stop()
            self.supervisor = None

    def kill(self, name: str) -> None:
        """Kills one process as a crash would; the supervisor restarts it."""
        self._running().kill(name)

    def wait_ready(self, name: str) -> None:
        """Waits until a (restarted) process answers again."""
        self._running().wait_ready(name, READY_TIMEOUT_SECONDS)

    def wait_standby(self, name: str) -> None:
        """Waits until the standby behind a process has started up."""
        self._running().wait_standby(name, READY_TIMEOUT_SECONDS)

    def stop_service(self, name: str) -> None:
        """Stops one process and keeps it down (tests take the helpdesk down with it)."""
        self._running().hold(name)

    def restart_service(self, name: str) -> None:
        """Starts a stopped process again and waits until it answers."""
        self._running().release(name, READY_TIMEOUT_SECONDS)

    def _running(self) -> Supervisor:
        if self.supervisor is None:
            raise RuntimeError("The stack is not running.")
        return self.supervisor

    def _write_endpoints(self) -> Path:
        """endpoints.yml with this stack's ports and tracker database."""
        endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8"))
        endpoints["action_endpoint"]["url"] = f"{self.action_url}/webhook"
        if endpoints.get("tracker_store", {}).get("dialect") == "sqlite":
            endpoints["tracker_store"]["db"] = str(self.var_dir / "rasa_tracker.db")
        path = self.var_dir / "endpoints.runtime.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
        return path
