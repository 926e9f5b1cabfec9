"""Twilio SMS and WhatsApp: Rasa's stock channel with signature checks and numbered options.

What differs from the stock channel:
- Every request must carry a valid `X-Twilio-Signature` (Twilio's HMAC-SHA1 over the webhook
  URL and the sorted form fields, checked with twilio's own `RequestValidator`); the stock
  channel checks nothing. Behind a proxy the URL Twilio calls is not the one Rasa sees, so
  `webhook_url` names it.
- SMS has no buttons: options are sent as numbered lines ("1. Yes" / "2. No"), and a reply
  "2" is turned into the second option's payload. The options are read back from the bot
  messages in the conversation's tracker (since the customer's last message), so this works
  across restarts and Rasa replicas.
- WhatsApp: replies to a "whatsapp:+49..." sender go out from "whatsapp:<our number>".
- Twilio's API base URL is configurable (tests point it at a local recorder).
Twilio tells no language, so these messages carry no `locale`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import parse_qs

from rasa.core.channels import twilio
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels.common import (
    API_URL_KEY,
    bad_request,
    chosen_payload,
    offered_buttons,
    rejected_signature,
)

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.twilio.com"
SIGNATURE_HEADER = "X-Twilio-Signature"
WHATSAPP_PREFIX = "whatsapp:"


def numbered_options(text: str, buttons: Sequence[dict[str, Any]]) -> str:
    """The text followed by one "N. title" line per button.

    Buttons titled just "1", "2", ... (a rating) add no line: the text already asks for a
    number, and "1. 1" would only confuse.
    """
    titles = [str(button.get("title", "")) for button in buttons]
    if titles == [str(number) for number in range(1, len(titles) + 1)]:
        return text
    lines = [f"{number}. {title}" for number, title in enumerate(titles, start=1)]
    return "\n".join([text, *lines])


def whatsapp_sender(recipient: str, number: str | None) -> str | None:
    """Our number as the sender for this recipient: WhatsApp replies need the prefix too."""
    if number and recipient.startswith(WHATSAPP_PREFIX) and not number.startswith(WHATSAPP_PREFIX):
        return WHATSAPP_PREFIX + number
    return number


class TwilioOutput(twilio.TwilioOutput):
    """Stock Twilio output with numbered options, WhatsApp senders and a configurable API URL."""

    def __init__(
        self,
        account_sid: str | None,
        auth_token: str | None,
        twilio_number: str | None,
        api_url: str = DEFAULT_API_URL,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number)
        self.api.base_url = api_url.rstrip("/")

    async def _send_message(self, message_data: dict[str, Any]) -> Any:
        recipient = str(message_data.get("to") or "")
        sender = whatsapp_sender(recipient, message_data.get("from_"))
        return await super()._send_message({**message_data, "from_": sender})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """SMS and WhatsApp text: the options as numbered lines."""
        await self.send_text_message(recipient_id, numbered_options(text, buttons))


class TwilioInput(twilio.TwilioInput):
    """Stock Twilio input with signature checks and numbered answers mapped to payloads."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioInput:
        """Reads the stock keys plus `webhook_url` and `api_url`."""
        channel = super().from_credentials(credentials)
        assert isinstance(channel, TwilioInput) and credentials
        channel.api_url = credentials.get(API_URL_KEY) or DEFAULT_API_URL
        channel.webhook_url = credentials.get("webhook_url") or None
        return channel

    def __init__(
        self,
        account_sid: str | None,
        auth_token: str | None,
        twilio_number: str | None,
        debug_mode: bool = False,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode)
        self.api_url = DEFAULT_API_URL
        self.webhook_url: str | None = None

    def is_signed_by_twilio(self, request: Request) -> bool:
        """Checks `X-Twilio-Signature` against the public webhook URL and the form fields."""
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature or not self.auth_token:
            return False
        try:
            # Twilio signs every field, empty ones too; Sanic's request.form drops those.
            fields = RequestParameters(
                parse_qs((request.body or b"").decode("utf-8"), keep_blank_values=True)
            )
        except (UnicodeDecodeError, ValueError):
            return False
        validator = RequestValidator(self.auth_token)
        return validator.validate(self.webhook_url or request.url, fields, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The stock routes; the webhook checks the signature and maps numbered answers."""
        twilio_webhook = Blueprint("twilio_webhook", __name__)

        @twilio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            if not self.is_signed_by_twilio(request):
                return rejected_signature("Twilio")
            sender = request.form.get("From")
            text = request.form.get("Body")
            if self._is_location_message(request):
                text = "/locationData{{'Latitude': {lat},'Longitude': {long}}}".format(
                    lat=request.form.get("Latitude"), long=request.form.get("Longitude")
                )
            if not sender or text is None:
                return bad_request("a Twilio message has `From` and `Body` fields")
            # @ signs get corrupted in SMSes by some carriers (as in the stock channel).
            text = text.replace("¡", "@")
            text = await self._option_payload(request, sender, text) or text
            try:
                await on_new_message(
                    UserMessage(text, self.get_output_channel(), sender,
                                input_channel=self.name(), metadata=self.get_metadata(request))
                )
            except Exception:
                logger.exception("Exception when handling a Twilio message.")
                if self.debug_mode:
                    raise
            return response.text("", status=204)

        return twilio_webhook

    async def _option_payload(self, request: Request, sender: str, text: str) -> str | None:
        """The payload a numbered answer picks among the options last sent to this sender."""
        if not text.strip().rstrip(".)").isdecimal():
            return None
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return None
        tracker = await agent.tracker_store.retrieve(sender)
        if tracker is None:
            return None
        return chosen_payload(text, offered_buttons(list(tracker.events)))

    def get_output_channel(self) -> TwilioOutput:
        """Our output on the configured API URL."""
        return TwilioOutput(self.account_sid, self.auth_token, self.twilio_number, self.api_url)
