"""A local stand-in for a self-hosted LibreTranslate server (its real HTTP API, on 127.0.0.1).

POST /translate with q, source, target (query string or form, as clients send them)
answers {"translatedText": ...}. Known sentences come from a small phrasebook; any other
text comes back as "[<target>] <text>", so tests can see it went through the provider.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

from tests.fakes.http import LocalServer, QuietHandler

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

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = self.body().decode("utf-8")
                params = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
                params.update({k: v[0] for k, v in parse_qs(body).items()})
                fake.requests.append(params)
                if urlparse(self.path).path != "/translate":
                    self.send_json(404, {"error": "Not Found"})
                elif fake.mode == "error":
                    self.send_json(500, {"error": "internal error"})
                elif fake.mode == "slow":
                    time.sleep(5)
                    self.send_json(200, {"translatedText": "too late"})
                elif not params.get("q"):
                    self.send_json(400, {"error": "Invalid request: missing q parameter"})
                else:
                    self.send_json(200, {"translatedText": fake.translate(params)})

        self._server = LocalServer(Handler)
        self.url = f"{self._server.url}/"

    @staticmethod
    def translate(params: dict[str, str]) -> str:
        """The phrasebook entry, else the text tagged with the target language."""
        key = (params.get("source", ""), params.get("target", ""), params["q"].strip().lower())
        return PHRASEBOOK.get(key) or f"[{params.get('target')}] {params['q']}"

    def start(self) -> FakeLibreTranslate:
        """Starts serving."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stops serving and frees the port."""
        self._server.stop()

    def close(self) -> None:
        """Frees the port of a server that never started."""
        self._server.close()
