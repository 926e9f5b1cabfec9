"""A local stand-in for a self-hosted LibreTranslate server (its real HTTP API, on 127.0.0.1).

POST /translate with q, source, target (query string or form, as clients send them)
answers {"translatedText": ...}. Known sentences come from a small phrasebook; any other
text comes back as "[<target>] <text>", so tests can see it went through the provider.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

PHRASEBOOK: dict[tuple[str, str, str], str] = {
    ("tr", "en", "merhaba, siparişim nerede? kargo takip numarası alabilir miyim?"):
        "Hello, where is my order? Can I get the shipment tracking number?",
    ("tr", "en", "iade politikanız nedir? ürünü geri göndermek istiyorum."):
        "What is your return policy? I want to send the product back.",
}


class FakeLibreTranslate:
    """Runs the fake server in a thread; `mode` switches between ok, error and slow."""

    def __init__(self) -> None:
        """Binds to a free port on 127.0.0.1."""
        self.mode = "ok"
        self.requests: list[dict[str, str]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                params = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                params.update({k: v[0] for k, v in parse_qs(body).items()})
                fake.requests.append(params)
                if urlparse(self.path).path != "/translate":
                    self._send(404, {"error": "Not Found"})
                elif fake.mode == "error":
                    self._send(500, {"error": "internal error"})
                elif fake.mode == "slow":
                    time.sleep(5)
                    self._send(200, {"translatedText": "too late"})
                elif not params.get("q"):
                    self._send(400, {"error": "Invalid request: missing q parameter"})
                else:
                    self._send(200, {"translatedText": fake.translate(params)})

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (slow mode)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def translate(params: dict[str, str]) -> str:
        """The phrasebook entry, else the text tagged with the target language."""
        key = (params.get("source", ""), params.get("target", ""), params["q"].strip().lower())
        return PHRASEBOOK.get(key) or f"[{params.get('target')}] {params['q']}"

    def start(self) -> FakeLibreTranslate:
        """Starts serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops serving and frees the port."""
        self.server.shutdown()
        self.server.server_close()
