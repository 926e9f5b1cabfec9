"""What the local stand-ins of outside HTTP services share: a quiet handler, a thread."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing and answers in one call."""

    def send_text(self, status: int, text: str, content_type: str = "text/plain") -> None:
        """Answers with `text`; a client that already gave up is no error."""
        data = text.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def send_json(self, status: int, payload: Any) -> None:
        """Answers with `payload` as JSON."""
        self.send_text(status, json.dumps(payload), "application/json")

    def body(self) -> bytes:
        """The request body."""
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def log_message(self, *args: Any) -> None:
        pass


class LocalServer:
    """Serves a handler class on a free 127.0.0.1 port, in a daemon thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        """Starts serving."""
        self._thread.start()

    def stop(self) -> None:
        """Stops serving and frees the port."""
        self.server.shutdown()
        self.close()

    def close(self) -> None:
        """Frees the port (all `stop` needs to do for a server that never started)."""
        self.server.server_close()
