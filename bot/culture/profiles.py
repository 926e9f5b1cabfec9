"""Culture profiles: how the bot greets, addresses and speaks to customers of a locale.

Support leads edit them in data/culture/<lang>.yml (`profile`, `locales`); a deployment can
override single fields per locale in the file named by KESTREL_CULTURE_OVERRIDES.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.culture.catalog import DEFAULT_REGISTER, REGISTERS, fill_placeholders
from bot.languages import DEFAULT_LANGUAGE, language_from_locale

logger = logging.getLogger(__name__)

OVERRIDES_ENV = "KESTREL_CULTURE_OVERRIDES"
TITLE_CODES: tuple[str, ...] = ("mr", "mrs", "ms", "mx", "dr", "prof")
_DAY_PARTS = ("morning", "afternoon", "evening")
_MAX_NAME_CHARS = 80


@dataclass(frozen=True)
class Customer:
    """What the channel told us about the customer (message metadata `customer`)."""

    name: str = ""
    title: str = ""
    id: str = ""

    @classmethod
    def from_metadata(cls, value: Any) -> Customer | None:
        """Reads {"id", "name", "title"}; None when it holds nothing usable."""
        if not isinstance(value, Mapping):
            return None
        fields = {
            key: " ".join(str(value.get(key) or "").split())[:_MAX_NAME_CHARS]
            for key in ("name", "title", "id")
        }
        return cls(**fields) if any(fields.values()) else None


@dataclass(frozen=True)
class CultureProfile:
    """One locale's conventions (see data/culture/en.yml for what each field means)."""

    language: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    title_aliases: Mapping[str, str] = field(default_factory=dict)

    @property
    def default_register(self) -> str:
        """The register used until the customer shows their own."""
        register = self.settings.get("default_register", DEFAULT_REGISTER)
        return register if register in REGISTERS else DEFAULT_REGISTER

    @property
    def mirror_register(self) -> bool:
        """Whether the bot follows the customer's own register."""
        return bool(self.settings.get("mirror_register", False))

    @property
    def emoji(self) -> bool:
        """Whether replies may carry emoji."""
        return bool(self.settings.get("emoji", True))

    def day_part(self, moment: datetime | None) -> str:
        """"morning", "afternoon" or "evening" at the customer's local time; None -> neutral."""
        if moment is None:
            return "neutral"
        starts = self.settings.get("day_parts") or {}
        hour = moment.hour
        defaults = (5, 12, 18)
        morning, afternoon, evening = (
            int(starts.get(part, default))
            for part, default in zip(_DAY_PARTS, defaults, strict=True)
        )
        if morning <= hour < afternoon:
            return "morning"
        if afternoon <= hour < evening:
            return "afternoon"
        return "evening"

    def greeting(self, register: str, moment: datetime | None) -> str:
        """The greeting for the time of day, e.g. "Guten Morgen"."""
        greetings = self.settings.get("greetings") or {}
        by_part = greetings.get(register) or greetings.get(self.default_register) or {}
        part = self.day_part(moment)
        return str(by_part.get(part) or by_part.get("neutral") or by_part.get("afternoon") or "")

    def address(self, customer: Customer | None) -> str | None:
        """How to address the customer by name, or None when we should not.

        Never the bare surname and never a guessed title: without a known title the
        profile's `without_title` template decides (null means no name at all).
        """
        if customer is None or not customer.name:
            return None
        templates = self.settings.get("address") or {}
        title = self.title(customer.title)
        template = templates.get("with_title") if title else templates.get("without_title")
        if not template:
            return None
        parts = customer.name.split()
        surname = parts[0] if self.settings.get("family_name_first") else parts[-1]
        values = {"title": title or "", "surname": surname, "full_name": customer.name}
        return " ".join(fill_placeholders(str(template), values).split())

    def title(self, given: str) -> str | None:
        """The local form of a title the customer gave ("Mr", "Herr", "dr." ...)."""
        key = given.lower().strip().rstrip(".") if given else ""
        code = key if key in TITLE_CODES else self.title_aliases.get(key)
        if code is None:
            return None
        local = (self.settings.get("titles") or {}).get(code)
        return str(local) if local else None

    def salutation(
        self, register: str, customer: Customer | None, moment: datetime | None
    ) -> str:
        """Greeting plus address, e.g. "Guten Morgen, Herr Müller" or "こんにちは"."""
        greeting = self.greeting(register, moment)
        address = self.address(customer) if register == "formal" else None
        templates = self.settings.get("salutation") or {}
        if address:
            template = templates.get("with_name") or "{greeting}, {address}"
        else:
            template = templates.get("without_name") or "{greeting}"
        return fill_placeholders(str(template), {"greeting": greeting, "address": address or ""})


@dataclass
class CultureProfiles:
    """All profiles: language-level settings with locale overrides on top."""

    languages: dict[str, dict[str, Any]] = field(default_factory=dict)
    locales: dict[str, dict[str, Any]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, culture_dir: Path, overrides_path: Path | None = None) -> CultureProfiles:
        """Reads data/culture/*.yml and the deployment's override file, if any."""
        profiles = cls()
        for path in sorted(culture_dir.glob("*.yml")):
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            language = content.get("language", path.stem)
            profiles.languages[language] = content.get("profile") or {}
            for locale, settings in (content.get("locales") or {}).items():
                profiles.locales[_normal_locale(locale)] = settings or {}
        overrides_path = overrides_path or _overrides_from_environment()
        if overrides_path is not None:
            content = yaml.safe_load(overrides_path.read_text(encoding="utf-8")) or {}
            for locale, settings in (content.get("locales") or {}).items():
                key = _normal_locale(locale)
                profiles.locales[key] = _merged(profiles.locales.get(key, {}), settings or {})
        profiles.titles = _title_aliases(profiles)
        return profiles

    def profile(self, language: str, locale: str | None = None) -> CultureProfile:
        """The profile for a language, refined by the customer's locale when it matches."""
        settings = self.languages.get(language) or self.languages.get(DEFAULT_LANGUAGE) or {}
        if locale and language_from_locale(locale) == language:
            settings = _merged(settings, self.locales.get(_normal_locale(locale), {}))
        return CultureProfile(language, settings, self.titles)


def local_time(timezone: str | None, now: datetime | None = None) -> datetime | None:
    """The current time in an IANA time zone; None when it is unknown or invalid."""
    if not timezone or not isinstance(timezone, str) or len(timezone) > 64:
        return None
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return (now or datetime.now(tz=zone)).astimezone(zone)


def _title_aliases(profiles: CultureProfiles) -> dict[str, str]:
    """Every local title form of every language -> its code, so "Herr" means mr anywhere."""
    aliases: dict[str, str] = {}
    for settings in [*profiles.languages.values(), *profiles.locales.values()]:
        for code, local in (settings.get("titles") or {}).items():
            if local and code in TITLE_CODES:
                aliases.setdefault(str(local).lower().strip().rstrip("."), code)
    return aliases


def _normal_locale(locale: str) -> str:
    parts = str(locale).replace("_", "-").split("-")
    return "-".join([parts[0].lower(), *parts[1:]])


def _merged(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge: nested mappings are merged key by key, everything else replaced."""
    result = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = _merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def _overrides_from_environment() -> Path | None:
    value = os.environ.get(OVERRIDES_ENV)
    if not value:
        return None
    path = Path(value)
    if not path.exists():
        logger.warning("%s=%s does not exist; no culture overrides.", OVERRIDES_ENV, path)
        return None
    return path


# The customer's register must be at least this certain before the bot mirrors it.
MIRROR_CONFIDENCE = 0.7


def bot_register(
    profile: CultureProfile,
    current: str | None,
    customer_register: Mapping[str, Any] | None,
    protected: bool,
) -> str:
    """The register the bot should use from now on.

    Args:
        profile: the conversation's culture profile.
        current: the register used so far, None at the start or after a language change.
        customer_register: the parse result's `formality` of the latest message.
        protected: a complaint or escalation is under way: never switch to informal then.

    Returns:
        "formal" or "informal".
    """
    register = current if current in REGISTERS else profile.default_register
    if not profile.mirror_register:
        return profile.default_register
    detected = (customer_register or {}).get("name")
    try:
        confidence = float((customer_register or {}).get("confidence") or 0.0)
    except (TypeError, ValueError):
        confidence = 0.0
    if detected not in REGISTERS or confidence < MIRROR_CONFIDENCE:
        return register
    if detected == "informal" and protected and register != "informal":
        return register
    return detected
