"""Slack: Rasa's stock channel plus the user's locale and time zone, 403s and a local API URL.

Slack events carry no locale, so the user's profile is looked up once per user with
`users.info` (`include_locale`): its `locale` ("de-DE") and `tz` ("Europe/Berlin") become
`metadata.locale` and `metadata.timezone`. The stock channel already checks Slack's
signature (`X-Slack-Signature`, HMAC-SHA256 over `v0:<timestamp>:<body>`, at most five
minutes old) but answers a bad one with 400; here it is a 403, checked before anything else.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels import slack
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.common import API_URL_KEY, bad_request, json_object, rejected_signature

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
# Profiles remembered per Slack user id; the cache is emptied when it reaches this size.
PROFILE_CACHE_SIZE = 10_000


def _api_base(url: str) -> str:
    return url if url.endswith("/") else url + "/"


class SlackBot(slack.SlackBot):
    """Stock Slack output (blocks with buttons) talking to a configurable API URL."""

    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        api_url: str = DEFAULT_API_URL,
    ) -> None:
        super().__init__(token, slack_channel, thread_id, proxy)
        self.client = AsyncWebClient(token, proxy=proxy, base_url=_api_base(api_url))


class SlackInput(slack.SlackInput):
    """Stock Slack input plus `metadata.locale`/`timezone`, 403 on bad signatures, 400 on junk."""

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> SlackInput:
        """Reads the stock keys plus `api_url`."""
        channel = super().from_credentials(credentials)
        assert isinstance(channel, SlackInput) and credentials
        channel.api_url = credentials.get(API_URL_KEY) or DEFAULT_API_URL
        return channel

    def __init__(self, slack_token: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(slack_token, *args, **kwargs)
        self.api_url = DEFAULT_API_URL
        self._profiles: dict[str, dict[str, str]] = {}

    def get_output_channel(
        self, channel: str | None = None, thread_id: str | None = None
    ) -> OutputChannel:
        """The stock output channel with our API URL."""
        return SlackBot(
            self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_url
        )

    async def process_message(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: str | None,
        metadata: dict | None,
    ) -> Any:
        """Adds the user's locale and time zone to the metadata, then does what the stock does."""
        user_id = slack_user_id(request)
        profile = await self.user_profile(user_id) if user_id else {}
        return await super().process_message(
            request, on_new_message, text, sender_id, {**(metadata or {}), **profile}
        )

    async def user_profile(self, user_id: str) -> dict[str, str]:
        """{"locale", "timezone"} from Slack's `users.info`, cached; {} when Slack fails."""
        if user_id in self._profiles:
            return self._profiles[user_id]
        client = AsyncWebClient(
            self.slack_token, proxy=self.proxy, base_url=_api_base(self.api_url)
        )
        try:
            answer = await client.users_info(user=user_id, include_locale=True)
        except (SlackApiError, SlackClientError, OSError) as error:
            logger.warning("Slack: no profile for user %s: %s", user_id, error)
            return {}
        user = answer.get("user") or {}
        profile = {
            key: user[field]
            for key, field in (("locale", "locale"), ("timezone", "tz"))
            if isinstance(user.get(field), str) and user[field]
        }
        if len(self._profiles) >= PROFILE_CACHE_SIZE:
            self._profiles.clear()
        self._profiles[user_id] = profile
        return profile

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The stock routes, with the signature checked first and malformed bodies refused."""
        webhook = super().blueprint(on_new_message)

        @webhook.middleware("request")
        async def verify(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.rstrip("/").endswith("/webhook"):
                return None
            if not self.is_request_from_slack_authentic(request):
                return rejected_signature("Slack")
            return self._malformed(request)

        return webhook

    def _malformed(self, request: Request) -> HTTPResponse | None:
        """400 for bodies the stock handler would fail on (it expects Slack's exact shapes)."""
        content_type = request.headers.get("content-type")
        if content_type == "application/json":
            body = json_object(request)
            if body is None or not isinstance(body.get("event", {}), dict):
                return bad_request("a Slack event is a JSON object with an `event` object")
        elif content_type == "application/x-www-form-urlencoded":
            payload = interaction_payload(request)
            if payload is None or not self._is_interactive_message(payload) or not isinstance(
                payload.get("user"), dict
            ):
                return bad_request("a Slack interaction has a JSON `payload` with actions")
        return None


def interaction_payload(request: Request) -> dict[str, Any] | None:
    """The JSON `payload` field of a form-encoded Slack interaction, or None."""
    try:
        payload = json.loads(request.form.get("payload") or "")
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def slack_user_id(request: Request) -> str | None:
    """The id of the Slack user who wrote or clicked, from an event or an interaction."""
    if request.headers.get("content-type") == "application/json":
        event = (json_object(request) or {}).get("event") or {}
        user = event.get("user") if isinstance(event, dict) else None
    else:
        user = ((interaction_payload(request) or {}).get("user") or {}).get("id")
    return user if isinstance(user, str) and user else None
