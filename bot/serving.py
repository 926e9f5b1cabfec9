"""Runs a Sanic app on the listening socket its supervisor holds, when there is one.

The supervisor (bot/supervisor.py) binds each service's port itself and passes the socket
to the child process (file descriptor in KESTREL_LISTEN_FD). While a child restarts, the
socket stays open: new connections wait in its queue instead of being refused.

A standby process (KESTREL_STANDBY_FD set) starts up completely, then waits before it
accepts a single connection until the supervisor says so on that socket: it takes over
in a moment when the serving process dies, instead of after a cold start.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from typing import Any

from sanic import Sanic

logger = logging.getLogger(__name__)

LISTEN_FD_ENV = "KESTREL_LISTEN_FD"
STANDBY_FD_ENV = "KESTREL_STANDBY_FD"
STANDBY_READY = b"R"  # standby -> supervisor: started up, waiting
TAKE_OVER = b"T"  # supervisor -> standby: serve now
BACKLOG = 256


def inherited_socket() -> socket.socket | None:
    """The listening socket passed by the supervisor, if any."""
    fd = os.environ.get(LISTEN_FD_ENV)
    return socket.socket(fileno=int(fd)) if fd else None


async def _wait_for_takeover(app: Sanic, loop: Any) -> None:
    """Blocks the start of serving until the supervisor says so (or exits with it)."""
    fd = int(os.environ[STANDBY_FD_ENV])
    os.write(fd, STANDBY_READY)
    logger.info("%s is ready and stands by.", app.name)
    signal = await asyncio.get_running_loop().run_in_executor(None, os.read, fd, 1)
    os.close(fd)
    if signal != TAKE_OVER:  # the supervisor is gone: nobody will ever need this process
        logger.info("%s: the supervisor has gone; the standby exits.", app.name)
        os._exit(0)
    logger.info("%s takes over serving.", app.name)


def run_app(app: Sanic, host: str, port: int) -> None:
    """Serves `app` (one worker) on the inherited socket, else on host:port.

    Call it after registering the app's own start listeners: a standby waits after them.
    """
    if os.environ.get(STANDBY_FD_ENV):
        app.register_listener(_wait_for_takeover, "before_server_start")
    sock = inherited_socket()
    if sock is not None:
        logger.info("%s serves on the supervisor's socket %s.", app.name, sock.getsockname())
        app.run(sock=sock, workers=1, access_log=False)
    else:
        app.run(host=host, port=port, backlog=BACKLOG, workers=1, access_log=False)
