"""Telegram: Rasa's stock channel plus the user's language, a secret token and a local API URL.

Telegram does not sign updates; instead `setWebhook` takes a `secret_token` that Telegram
sends back in the `X-Telegram-Bot-Api-Secret-Token` header of every update. We register the
webhook with one (configured, or derived from the bot token) and reject updates without it.
The stock channel registers the webhook inside `get_output_channel` with `asyncio.run`, which
fails when Rasa's HTTP API asks for an output channel while the server runs (agent replies);
here it is registered once when the server starts.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels import telegram
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.common import (
    API_URL_KEY,
    bad_request,
    chosen_payload,
    json_object,
    offered_buttons,
    rejected_signature,
    with_locale,
)

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram takes at most 64 bytes of callback data; longer payloads (a suggested question
# in Hindi) travel as "#<button number>" and are looked up in the conversation.
MAX_CALLBACK_BYTES = 64
BUTTON_NUMBER_PREFIX = "#"


def webhook_secret(access_token: str, configured: str | None = None) -> str:
    """The secret token for `setWebhook`: the configured one, else one derived from the bot token.

    Deriving it keeps the check on without another setting; it is not the bot token itself,
    which must never travel in a header.
    """
    if configured:
        return configured
    return hmac.new(
        access_token.encode("utf-8"), b"kestrel-telegram-webhook", hashlib.sha256
    ).hexdigest()


def secret_matches(expected: str, header: str | None) -> bool:
    """Whether the update carries our secret token (constant-time comparison)."""
    return hmac.compare_digest(expected.encode("utf-8"), (header or "").encode("utf-8"))


def user_locale(update: dict[str, Any]) -> str | None:
    """The sender's Telegram `language_code` ("de", "pt-br"), wherever the update carries it."""
    for kind in ("message", "edited_message", "callback_query"):
        part = update.get(kind)
        sender = part.get("from") if isinstance(part, dict) else None
        if isinstance(sender, dict) and isinstance(sender.get("language_code"), str):
            return sender["language_code"]
    return None


def is_handled_update(update: dict[str, Any]) -> bool:
    """Whether the stock handler can process this update without failing.

    Telegram sends many update kinds (channel posts, member changes, ...); the stock handler
    only understands messages with text or a location, edited texts and button presses.
    """

    def has_chat(message: Any) -> bool:
        return isinstance(message, dict) and isinstance(message.get("chat"), dict) and (
            "id" in message["chat"]
        )

    message = update.get("message")
    if has_chat(message) and (isinstance(message.get("text"), str) or message.get("location")):
        return True
    edited = update.get("edited_message")
    if has_chat(edited) and isinstance(edited.get("text"), str):
        return True
    query = update.get("callback_query")
    return isinstance(query, dict) and has_chat(query.get("message")) and isinstance(
        query.get("data"), str
    )


class TelegramOutput(telegram.TelegramOutput):
    """Stock Telegram output (inline keyboards for buttons) talking to a configurable API URL."""

    def __init__(self, access_token: str | None, api_url: str = DEFAULT_API_URL) -> None:
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_url))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """Stock inline keyboard; payloads over Telegram's limit go as button numbers."""
        await super().send_text_with_buttons(
            recipient_id, text, callback_buttons(buttons), **kwargs
        )


def callback_buttons(buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The buttons with payloads Telegram accepts ("#2" for the second, when one is too long)."""
    too_long = any(
        len(str(button.get("payload", "")).encode("utf-8")) > MAX_CALLBACK_BYTES
        for button in buttons
    )
    if not too_long:
        return buttons
    return [
        {**button, "payload": f"{BUTTON_NUMBER_PREFIX}{number}"}
        for number, button in enumerate(buttons, start=1)
    ]


class TelegramInput(telegram.TelegramInput):
    """Stock Telegram input plus `metadata.locale`, the secret token check and safe updates."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        """Reads the stock keys plus `secret_token` and `api_url`."""
        channel = super().from_credentials(credentials)
        assert isinstance(channel, TelegramInput) and credentials
        channel.api_url = credentials.get(API_URL_KEY) or DEFAULT_API_URL
        channel.secret_token = webhook_secret(
            str(channel.access_token or ""), credentials.get("secret_token")
        )
        return channel

    def __init__(
        self,
        access_token: str | None,
        verify: str | None,
        webhook_url: str | None,
        debug_mode: bool = False,
    ) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode)
        self.api_url = DEFAULT_API_URL
        self.secret_token = webhook_secret(str(access_token or ""))
        self._output: TelegramOutput | None = None

    def get_metadata(self, request: Request) -> dict[str, Any]:
        """The sender's language code as `locale` (the stock channel passes no metadata)."""
        return with_locale(None, user_locale(json_object(request) or {}))

    def get_output_channel(self) -> TelegramOutput:
        """One output channel per input channel; no webhook registration here (see module)."""
        if self._output is None:
            self._output = TelegramOutput(self.access_token, self.api_url)
        return self._output

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The stock routes, guarded by the secret token check, and webhook registration."""
        app_holder: dict[str, Sanic] = {}

        async def with_button_payload(message: UserMessage) -> Any:
            # A pressed "#2" button means the second button's payload of the last offer.
            text = message.text or ""
            agent = getattr(app_holder["app"].ctx, "agent", None) if app_holder else None
            if text.startswith(BUTTON_NUMBER_PREFIX) and agent and agent.tracker_store:
                tracker = await agent.tracker_store.retrieve(message.sender_id)
                events = list(tracker.events) if tracker is not None else []
                payload = chosen_payload(text[len(BUTTON_NUMBER_PREFIX):], offered_buttons(events))
                message.text = payload or text
            return await on_new_message(message)

        webhook = super().blueprint(with_button_payload)

        @webhook.middleware("request")
        async def verify(request: Request) -> HTTPResponse | None:
            if request.path.rstrip("/").endswith("/set_webhook"):
                # The stock route registers without our secret token, after which every
                # genuine update would be refused: re-register with it instead.
                registered = await self.register_webhook()
                return response.text(
                    "Webhook setup successful" if registered else "Invalid webhook"
                )
            if not request.path.rstrip("/").endswith("/webhook"):
                return None
            if request.method != "POST":
                return response.json({"error": "POST Telegram updates here"}, status=405)
            if not secret_matches(self.secret_token, request.headers.get(SECRET_HEADER)):
                return rejected_signature("Telegram")
            update = json_object(request)
            if update is None:
                return bad_request("a Telegram update is a JSON object")
            if not is_handled_update(update):
                return response.text("ignored")
            return None

        @webhook.listener("before_server_start")
        async def register_webhook(app: Sanic, _: Any) -> None:
            app_holder["app"] = app
            await self.register_webhook()

        return webhook

    async def register_webhook(self) -> bool:
        """Tells Telegram where to send updates, with our secret token; logs a failure."""
        if not self.webhook_url:
            return False
        try:
            await self.get_output_channel().request(
                "setWebhook", {"url": self.webhook_url, "secret_token": self.secret_token}
            )
        except (TelegramAPIError, aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("Telegram: could not set the webhook to %s: %s", self.webhook_url, error)
            return False
        logger.info("Telegram: webhook set to %s", self.webhook_url)
        return True
