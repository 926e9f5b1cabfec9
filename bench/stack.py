"""The assistant for the benchmarks that talk to it: started on free ports, or `make run`'s."""

from __future__ import annotations

import os
import socket
import tempfile
from pathlib import Path

from bench.common import progress
from bot.config import load_settings
from bot.topology import AssistantStack


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def started_stack(name: str) -> AssistantStack:
    """The whole stack (Rasa, actions, helpdesk, newest model) on free ports, started."""
    var_dir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    stack = AssistantStack(free_port(), free_port(), var_dir, f"bench-{name}-rasa-token",
                           helpdesk_port=free_port(), helpdesk_token=f"bench-{name}-token")
    progress(f"Starting the stack (var in {var_dir})")
    stack.start()
    return stack


def attached_stack() -> AssistantStack:
    """The stack `make run` started (ports from the environment, tokens from var/).

    Only its URLs and tokens are used; `stop()` does nothing to it.
    """
    settings = load_settings()

    def secret(name: str) -> str:
        value = os.environ.get(name.upper())
        return value or (settings.var_dir / "secrets" / name).read_text(encoding="utf-8").strip()

    return AssistantStack(settings.rasa_port, settings.action_port, settings.var_dir,
                          secret("rasa_api_token"), helpdesk_port=settings.helpdesk_port,
                          helpdesk_token=secret("helpdesk_api_token"))
