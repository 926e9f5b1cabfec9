"""A tiny Sanic service for the supervisor tests: answers GET / with its process id.

While the file named by ECHO_CRASH_FILE exists, it dies at start (a crash loop).
"""

from __future__ import annotations

import os

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.serving import run_app

app = Sanic(f"echo_{os.getpid()}")


@app.get("/")
async def pid(request: Request) -> HTTPResponse:
    return response.json({"pid": os.getpid()})


if __name__ == "__main__":
    crash_file = os.environ.get("ECHO_CRASH_FILE")
    if crash_file and os.path.exists(crash_file):
        raise SystemExit(3)
    run_app(app, "127.0.0.1", 0)
