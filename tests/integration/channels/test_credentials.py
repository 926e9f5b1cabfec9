"""Runtime credentials: channels on from the environment, off without it, loud when half set."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from rasa.core.run import create_http_input_channels

from bot.channels.credentials import (
    CHANNELS,
    ChannelConfigError,
    runtime_credentials,
    write_runtime_credentials,
)
from bot.channels.facebook import FacebookInput
from bot.channels.slack import SlackInput
from bot.channels.telegram import TelegramInput
from bot.channels.twilio import TwilioInput
from bot.config import PROJECT_ROOT
from tests.integration.channels.conftest import channel_environment

BASE = PROJECT_ROOT / "credentials.yml"


def test_without_channel_variables_only_the_repo_channels_are_on() -> None:
    credentials = runtime_credentials(BASE, {"PATH": "/usr/bin"})
    assert "rest" in credentials
    assert not any(settings.class_path in credentials for settings in CHANNELS.values())


def test_every_configured_channel_is_added_under_its_class_path() -> None:
    credentials = runtime_credentials(BASE, channel_environment("http://127.0.0.1:9"))
    assert credentials["bot.channels.telegram.TelegramInput"] == {
        "access_token": "7000000001:AAHkestrel-test-token_0123456789",
        "verify": "kestrel_shop_bot",
        "webhook_url": "https://bot.example.test/webhooks/telegram/webhook",
        "api_url": "http://127.0.0.1:9/telegram",
    }
    assert credentials["bot.channels.twilio.TwilioInput"]["webhook_url"] == (
        "https://bot.example.test/webhooks/twilio/webhook"
    )
    assert credentials["bot.channels.facebook.FacebookInput"]["page-access-token"] == (
        "fb-page-access-token"
    )
    assert "slack_channel" not in credentials["bot.channels.slack.SlackInput"]


def test_a_half_configured_channel_names_what_is_missing() -> None:
    environment = {"TWILIO_ACCOUNT_SID": "AC123", "TWILIO_NUMBER": "+14155550100"}
    with pytest.raises(ChannelConfigError, match="TWILIO_AUTH_TOKEN missing"):
        runtime_credentials(BASE, environment)
    with pytest.raises(ChannelConfigError, match="SLACK_SIGNING_SECRET"):
        runtime_credentials(BASE, {"SLACK_TOKEN": "xoxb-1"})


def test_blank_variables_count_as_unset() -> None:
    credentials = runtime_credentials(BASE, {"TELEGRAM_TOKEN": " ", "FACEBOOK_SECRET": ""})
    assert not any(settings.class_path in credentials for settings in CHANNELS.values())


def test_rasa_builds_our_channels_from_the_written_file(tmp_path: Path) -> None:
    path = write_runtime_credentials(BASE, tmp_path, channel_environment("http://127.0.0.1:9"))
    assert path == tmp_path / "credentials.runtime.yml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    channels = {type(channel): channel for channel in create_http_input_channels(None, str(path))}
    assert {TelegramInput, SlackInput, FacebookInput, TwilioInput} <= channels.keys()
    assert channels[TelegramInput].api_url == "http://127.0.0.1:9/telegram"
    assert channels[SlackInput].slack_signing_secret == "8f742231b10e8888abcd99yyyzzz85a5"
    assert channels[FacebookInput].api_url == "http://127.0.0.1:9/facebook"
    twilio = channels[TwilioInput]
    assert (twilio.api_url, twilio.twilio_number) == ("http://127.0.0.1:9/twilio", "+14155550100")
    # The stock names stay, so webhooks live at /webhooks/<name>/webhook.
    assert sorted(channel.url_prefix() for channel in channels.values() if channel.name() in {
        "telegram", "slack", "facebook", "twilio"
    }) == ["facebook", "slack", "telegram", "twilio"]
