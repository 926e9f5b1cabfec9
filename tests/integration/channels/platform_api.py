"""One local HTTP server standing in for the Telegram, Slack, Facebook Graph and Twilio APIs.

It answers each call the way the real API documents it (enough for the clients Rasa uses:
aiogram, slack_sdk, fbmessenger, twilio) and records every request, so that tests can see
exactly what the assistant sent where. Paths are prefixed per platform:

| base URL the channel gets | platform calls |
|---|---|
| <url>/telegram | /bot<token>/<method> (getMe, setWebhook, sendMessage, ...) |
| <url>/slack/api/ | chat.postMessage, users.info |
| <url>/facebook | /v<version>/<psid>?fields=locale, /v<version>/me/messages |
| <url>/twilio | /2010-04-01/Accounts/<sid>/Messages.json |
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.fakes.http import LocalServer, QuietHandler


@dataclass
class RecordedCall:
    """One request the assistant made to a platform API."""

    platform: str
    method: str
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    headers: dict[str, str]

    @property
    def api_method(self) -> str:
        """The API method: "sendMessage", "chat.postMessage", "messages", "Messages.json"."""
        return self.path.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class PlatformAPI:
    """The fake platform APIs; `slack_users` and `facebook_profiles` answer profile lookups."""

    telegram_username: str = "kestrel_shop_bot"
    slack_users: dict[str, dict[str, str]] = field(default_factory=dict)
    facebook_profiles: dict[str, dict[str, str]] = field(default_factory=dict)
    calls: list[RecordedCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        api = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

            def _answer(self, method: str) -> None:
                raw = self.body()
                url = urlparse(self.path)
                call = RecordedCall(
                    platform=url.path.strip("/").split("/", 1)[0],
                    method=method,
                    path=url.path,
                    query={k: v[0] for k, v in parse_qs(url.query).items()},
                    body=_parse_body(raw, self.headers.get("Content-Type") or ""),
                    headers={k.lower(): v for k, v in self.headers.items()},
                )
                with api._lock:
                    api.calls.append(call)
                self.send_json(*api.answer(call))

        self._server = LocalServer(Handler)
        self.url = self._server.url

    def start(self) -> PlatformAPI:
        """Starts serving."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stops serving and frees the port."""
        self._server.stop()

    def recorded(self, predicate: Callable[[RecordedCall], bool]) -> list[RecordedCall]:
        """The calls so far that match."""
        with self._lock:
            return [call for call in self.calls if predicate(call)]

    def wait_for(
        self, predicate: Callable[[RecordedCall], bool], count: int = 1, timeout: float = 60
    ) -> list[RecordedCall]:
        """Waits until `count` matching calls arrived (Slack answers in the background)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.recorded(predicate)
            if len(found) >= count:
                return found
            time.sleep(0.2)
        return self.recorded(predicate)

    def answer(self, call: RecordedCall) -> tuple[int, dict[str, Any]]:
        """The platform's documented answer to one call."""
        handlers = {
            "telegram": self._telegram, "slack": self._slack,
            "facebook": self._facebook, "twilio": self._twilio,
        }
        handler = handlers.get(call.platform)
        return handler(call) if handler else (404, {"error": "unknown platform"})

    def _telegram(self, call: RecordedCall) -> tuple[int, dict[str, Any]]:
        method = call.api_method
        if method == "getMe":
            return 200, {"ok": True, "result": {
                "id": 7000000001, "is_bot": True, "first_name": "Kestrel Shop",
                "username": self.telegram_username,
            }}
        if method in ("setWebhook", "answerCallbackQuery", "deleteWebhook"):
            return 200, {"ok": True, "result": True, "description": "Webhook was set"}
        if method.startswith("send"):
            chat_id = int(call.body.get("chat_id", 0))
            message = {
                "message_id": len(self.calls), "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": 7000000001, "is_bot": True, "first_name": "Kestrel Shop",
                         "username": self.telegram_username},
                "text": call.body.get("text", ""),
            }
            return 200, {"ok": True, "result": message}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _slack(self, call: RecordedCall) -> tuple[int, dict[str, Any]]:
        method = call.api_method
        if method == "chat.postMessage":
            ts = f"{time.time():.6f}"
            return 200, {"ok": True, "channel": call.body.get("channel"), "ts": ts,
                         "message": {"type": "message", "text": call.body.get("text"), "ts": ts}}
        if method == "users.info":
            user_id = call.query.get("user") or call.body.get("user", "")
            profile = self.slack_users.get(user_id)
            if profile is None:
                return 200, {"ok": False, "error": "user_not_found"}
            return 200, {"ok": True, "user": {"id": user_id, "name": user_id, **profile}}
        return 200, {"ok": False, "error": "unknown_method"}

    def _facebook(self, call: RecordedCall) -> tuple[int, dict[str, Any]]:
        if call.method == "POST" and call.path.endswith("/me/messages"):
            recipient = (call.body.get("recipient") or {}).get("id")
            return 200, {"recipient_id": recipient, "message_id": f"m_{uuid.uuid4().hex}"}
        if call.method == "GET":
            psid = call.path.rstrip("/").rsplit("/", 1)[-1]
            profile = self.facebook_profiles.get(psid)
            if profile is None:
                return 400, {"error": {"message": "Unsupported get request.", "code": 100}}
            return 200, {"id": psid, **profile}
        return 400, {"error": {"message": "Unknown path components", "code": 2500}}

    def _twilio(self, call: RecordedCall) -> tuple[int, dict[str, Any]]:
        if call.method == "POST" and call.path.endswith("/Messages.json"):
            account_sid = call.path.split("/Accounts/", 1)[-1].split("/", 1)[0]
            sid = f"SM{uuid.uuid4().hex}"
            return 201, {
                "sid": sid, "account_sid": account_sid, "api_version": "2010-04-01",
                "body": call.body.get("Body"), "from": call.body.get("From"),
                "to": call.body.get("To"), "status": "queued", "direction": "outbound-api",
                "num_segments": "1", "num_media": "0", "price": None, "price_unit": "USD",
                "error_code": None, "error_message": None, "messaging_service_sid": None,
                "date_created": "Thu, 26 Nov 2026 09:00:00 +0000",
                "date_updated": "Thu, 26 Nov 2026 09:00:00 +0000", "date_sent": None,
                "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
                "subresource_uris": {},
            }
        return 404, {"code": 20404, "message": "The requested resource was not found",
                     "status": 404}


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        body = json.loads(raw.decode("utf-8"))
        return body if isinstance(body, dict) else {"_": body}
    return {k: v[0] for k, v in parse_qs(raw.decode("utf-8")).items()}


# The channels' settings in the tests: every channel on, its API at the fake server.
PUBLIC_URL = "https://bot.example.test"

TELEGRAM_TOKEN = "7000000001:AAHkestrel-test-token_0123456789"
TELEGRAM_USERNAME = "kestrel_shop_bot"
SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
FACEBOOK_SECRET = "fb-app-secret-for-tests"
FACEBOOK_VERIFY = "kestrel-fb-verify"
TWILIO_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
TWILIO_AUTH_TOKEN = "twilio-auth-token-for-tests"
TWILIO_NUMBER = "+14155550100"
TWILIO_WEBHOOK_URL = f"{PUBLIC_URL}/webhooks/twilio/webhook"


def channel_environment(api_url: str) -> dict[str, str]:
    """Every messaging channel on, talking to the fake APIs."""
    return {
        "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_VERIFY": TELEGRAM_USERNAME,
        "TELEGRAM_WEBHOOK_URL": f"{PUBLIC_URL}/webhooks/telegram/webhook",
        "TELEGRAM_API_URL": f"{api_url}/telegram",
        "SLACK_TOKEN": "xoxb-kestrel-test-token",
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "SLACK_API_URL": f"{api_url}/slack/api/",
        "FACEBOOK_VERIFY": FACEBOOK_VERIFY,
        "FACEBOOK_SECRET": FACEBOOK_SECRET,
        "FACEBOOK_PAGE_ACCESS_TOKEN": "fb-page-access-token",
        "FACEBOOK_API_URL": f"{api_url}/facebook",
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_NUMBER": TWILIO_NUMBER,
        "TWILIO_WEBHOOK_URL": TWILIO_WEBHOOK_URL,
        "TWILIO_API_URL": f"{api_url}/twilio",
    }
