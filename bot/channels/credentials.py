"""Rasa's credentials file at run time: the repo's credentials.yml plus configured channels.

A messaging channel is on when its environment variables are set and off when none is;
some but not all of them is an error that names what is missing, so a typo never silently
leaves a channel off. Secrets stay in the environment; the written file lives in var/.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.channels.common import API_URL_KEY


class ChannelConfigError(RuntimeError):
    """A messaging channel is only partly configured."""


@dataclass(frozen=True)
class ChannelSettings:
    """How one messaging channel's credentials come from the environment.

    Attributes:
        class_path: our input channel class; Rasa loads custom channels by module path.
        required: credentials key -> environment variable; all or none must be set.
        optional: credentials key -> environment variable, used when set.
    """

    class_path: str
    required: dict[str, str]
    optional: dict[str, str] = field(default_factory=dict)


CHANNELS: dict[str, ChannelSettings] = {
    "telegram": ChannelSettings(
        "bot.channels.telegram.TelegramInput",
        {"access_token": "TELEGRAM_TOKEN", "verify": "TELEGRAM_VERIFY",
         "webhook_url": "TELEGRAM_WEBHOOK_URL"},
        {"secret_token": "TELEGRAM_SECRET_TOKEN", API_URL_KEY: "TELEGRAM_API_URL"},
    ),
    "slack": ChannelSettings(
        "bot.channels.slack.SlackInput",
        {"slack_token": "SLACK_TOKEN", "slack_signing_secret": "SLACK_SIGNING_SECRET"},
        {"slack_channel": "SLACK_CHANNEL", API_URL_KEY: "SLACK_API_URL"},
    ),
    "facebook": ChannelSettings(
        "bot.channels.facebook.FacebookInput",
        {"verify": "FACEBOOK_VERIFY", "secret": "FACEBOOK_SECRET",
         "page-access-token": "FACEBOOK_PAGE_ACCESS_TOKEN"},
        {API_URL_KEY: "FACEBOOK_API_URL"},
    ),
    "twilio": ChannelSettings(
        "bot.channels.twilio.TwilioInput",
        {"account_sid": "TWILIO_ACCOUNT_SID", "auth_token": "TWILIO_AUTH_TOKEN",
         "twilio_number": "TWILIO_NUMBER"},
        {"webhook_url": "TWILIO_WEBHOOK_URL", API_URL_KEY: "TWILIO_API_URL"},
    ),
}


def channel_credentials(
    name: str, settings: ChannelSettings, environ: Mapping[str, str]
) -> dict[str, str] | None:
    """One channel's credentials from the environment; None when it is not configured.

    Raises:
        ChannelConfigError: some of its required variables are set, others are not.
    """
    values = {key: environ.get(name, "").strip() for key, name in settings.required.items()}
    if not any(values.values()):
        return None
    missing = [settings.required[key] for key, value in values.items() if not value]
    if missing:
        given = [settings.required[key] for key, value in values.items() if value]
        raise ChannelConfigError(
            f"The {name} channel is half configured: {', '.join(given)} set but "
            f"{', '.join(missing)} missing (set all of them, or none to leave {name} off)"
        )
    for key, name in settings.optional.items():
        if environ.get(name, "").strip():
            values[key] = environ[name].strip()
    return values


def runtime_credentials(base: Path, environ: Mapping[str, str]) -> dict[str, Any]:
    """The channels in `base` (rest, socket.io) plus every configured messaging channel."""
    credentials = yaml.safe_load(base.read_text(encoding="utf-8")) or {}
    for name, settings in CHANNELS.items():
        values = channel_credentials(name, settings, environ)
        if values is not None:
            credentials[settings.class_path] = values
    return credentials


def write_runtime_credentials(
    base: Path, var_dir: Path, environ: Mapping[str, str] | None = None
) -> Path:
    """Writes `<var_dir>/credentials.runtime.yml` (mode 600: it holds secrets) and returns it."""
    credentials = runtime_credentials(base, os.environ if environ is None else environ)
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "credentials.runtime.yml"
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(yaml.safe_dump(credentials, sort_keys=False), encoding="utf-8")
    return path

