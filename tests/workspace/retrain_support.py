"""What the retrain integration tests share: one small data change and a stand-in for Rasa.

Both retrain tests make exactly the same change to a copy of the project (one Hindi example
for `request_human`), so that within one test session the second training reuses Rasa's
cached components and stays quick.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

# Angry ("what a lousy joke!!!") then gibberish: the served model falls back on it. The live
# test checks that on the running model and takes the next candidate if a retrained model
# happens to understand it.
FRUSTRATED_GIBBERISH_HI = "ये क्या घटिया मज़ाक है!!! क्वीब्ल ज़ोर्प ब्लिंक"
MORE_GIBBERISH_HI = (
    "ये क्या घटिया मज़ाक है!!! क्वीब्ल ज़ोर्प ब्लिंक फ्रुम्प",
    "क्या घटिया मज़ाक है!!! ज़्लर्प क्वींट ब्रोंक",
    "हद है!!! घटिया मज़ाक, फ्लोम्प क्रिज़ ज़ेब",
)
CORRECT_INTENT = "request_human"


class ModelLoadRecorder:
    """Rasa's `PUT /model` on a local port: records the model the workspace activates.

    The live stack's Rasa is shared by the whole test session, so the tests do not swap its
    model; this records the call instead.
    """

    def __init__(self, token: str) -> None:
        self.calls: list[dict[str, Any]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                url = urlparse(self.path)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                recorder.calls.append({"path": url.path, "query": parse_qs(url.query), "body": body})
                ok = url.path == "/model" and parse_qs(url.query).get("token") == [token]
                self.send_response(204 if ok else 401)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> ModelLoadRecorder:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
