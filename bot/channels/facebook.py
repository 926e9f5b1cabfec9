"""Facebook Messenger: Rasa's stock channel with SHA-256 signatures, locale and quick replies.

What differs from the stock channel:
- Signatures: the stock channel checks the old SHA-1 `X-Hub-Signature`; Meta signs with
  `X-Hub-Signature-256: sha256=<HMAC-SHA256(app secret, raw body)>`, checked here (403).
- Locale: webhook events carry none, so the sender's profile `locale` ("de_DE") is read once
  per sender from the Graph API and passed as `metadata.locale`.
- Buttons become quick replies (up to 13 options; the stock button template allows 3 and
  drops them all beyond that, e.g. a 1-5 rating).
- The Graph API base URL is configurable. The stock webhook builds its `Messenger` inside
  the route, so the blueprint is our own; its routes are the stock ones.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import requests
from fbmessenger import MessengerClient
from rasa.core.channels import facebook
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.common import (
    API_URL_KEY,
    bad_request,
    json_object,
    rejected_signature,
    with_locale,
)

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://graph.facebook.com"
SIGNATURE_HEADER = "X-Hub-Signature-256"
# Messenger's limits for quick replies.
MAX_QUICK_REPLIES = 13
MAX_QUICK_REPLY_TITLE = 20
LOCALE_CACHE_SIZE = 10_000


def valid_signature(app_secret: str, body: bytes, header: str | None) -> bool:
    """Whether `X-Hub-Signature-256` is "sha256=" + the HMAC-SHA256 of the raw body."""
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"sha256={digest}".encode(), (header or "").encode("utf-8"))


def messaging_events(body: dict[str, Any]) -> dict[str, Any] | None:
    """The page entries with messaging events in the shape the stock handler reads, else None.

    Entries without `messaging` (page feed changes) are left out rather than refused.
    """
    entries = body.get("entry")
    if body.get("object") != "page" or not isinstance(entries, list):
        return None
    kept = []
    for entry in entries:
        if not isinstance(entry, dict) or "messaging" not in entry:
            continue
        events = entry["messaging"]
        if not isinstance(events, list) or not all(
            isinstance(event, dict) and isinstance(event.get("sender"), dict)
            and isinstance(event.get("message", {}), dict)
            and isinstance(event.get("postback", {}), dict)
            for event in events
        ):
            return None
        kept.append({**entry, "messaging": events})
    return {**body, "entry": kept}


def _use_api_url(client: Any, api_url: str) -> None:
    client.graph_url = f"{api_url.rstrip('/')}/v{client.api_version}"


class MessengerBot(facebook.MessengerBot):
    """Stock Messenger output, with buttons sent as quick replies."""

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies under the text; buttons without a payload (links) are left out."""
        options = [
            {"title": str(button["title"])[:MAX_QUICK_REPLY_TITLE], "payload": button["payload"]}
            for button in buttons
            if button.get("payload") and button.get("title")
        ][:MAX_QUICK_REPLIES]
        if not options:
            await self.send_text_message(recipient_id, text)
            return
        await self.send_quick_replies(recipient_id, text, options)


class Messenger(facebook.Messenger):
    """Stock event parsing; replies through our output and with the sender's locale."""

    def __init__(
        self,
        page_access_token: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        api_url: str,
        locales: dict[str, str | None],
    ) -> None:
        super().__init__(page_access_token, on_new_message)
        _use_api_url(self.client, api_url)
        self.locales = locales

    async def sender_locale(self, sender_id: str) -> str | None:
        """The sender's profile locale from the Graph API, cached; None when it fails."""
        if sender_id in self.locales:
            return self.locales[sender_id]
        try:
            profile = await asyncio.to_thread(self.client.get_user_data, sender_id, "locale", 5)
        except (requests.RequestException, ValueError) as error:
            logger.warning("Facebook: no profile for %s: %s", sender_id, error)
            return None
        locale = profile.get("locale") if isinstance(profile, dict) else None
        if len(self.locales) >= LOCALE_CACHE_SIZE:
            self.locales.clear()
        self.locales[sender_id] = locale if isinstance(locale, str) else None
        return self.locales[sender_id]

    async def _handle_user_message(
        self, text: str, sender_id: str, metadata: dict[str, Any] | None
    ) -> None:
        """As the stock one, with our output channel and the locale in the metadata."""
        out_channel = MessengerBot(self.client)
        metadata = with_locale(metadata, await self.sender_locale(sender_id))
        await out_channel.send_action(sender_id, sender_action="mark_seen")
        await out_channel.send_action(sender_id, sender_action="typing_on")
        try:
            await self.on_new_message(
                UserMessage(text, out_channel, sender_id, input_channel=self.name(),
                            metadata=metadata)
            )
        except Exception:
            logger.exception("Exception when handling a Facebook message.")
        finally:
            await out_channel.send_action(sender_id, sender_action="typing_off")


class FacebookInput(facebook.FacebookInput):
    """Stock Facebook input with X-Hub-Signature-256, locale, quick replies and clear errors."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> FacebookInput:
        """Reads the stock keys (verify, secret, page-access-token) plus `api_url`."""
        channel = super().from_credentials(credentials)
        assert isinstance(channel, FacebookInput) and credentials
        channel.api_url = credentials.get(API_URL_KEY) or DEFAULT_API_URL
        return channel

    def __init__(self, fb_verify: str, fb_secret: str, fb_access_token: str) -> None:
        super().__init__(fb_verify, fb_secret, fb_access_token)
        self.api_url = DEFAULT_API_URL
        self._locales: dict[str, str | None] = {}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The stock routes: health, the subscription check and the signed webhook."""
        fb_webhook = Blueprint("fb_webhook", __name__)

        @fb_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.route("/webhook", methods=["GET"])
        async def token_verification(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            if request.args.get("hub.mode") == "subscribe" and hmac.compare_digest(
                token.encode("utf-8"), str(self.fb_verify).encode("utf-8")
            ):
                return response.text(request.args.get("hub.challenge") or "")
            logger.warning("Facebook: wrong verify token in the subscription check.")
            return response.json({"error": "wrong verify token"}, status=403)

        @fb_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not valid_signature(
                self.fb_secret, request.body or b"", request.headers.get(SIGNATURE_HEADER)
            ):
                return rejected_signature("Facebook")
            events = messaging_events(json_object(request) or {})
            if events is None:
                return bad_request("a Messenger webhook event is a page object with entries")
            messenger = Messenger(self.fb_access_token, on_new_message, self.api_url,
                                  self._locales)
            await messenger.handle(events, self.get_metadata(request))
            return response.text("success")

        return fb_webhook

    def get_output_channel(self) -> MessengerBot:
        """Our output (quick replies) on the configured Graph API URL."""
        bot = MessengerBot(MessengerClient(self.fb_access_token))
        _use_api_url(bot.messenger_client, self.api_url)
        return bot
