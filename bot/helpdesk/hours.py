"""When the support team answers: agent hours per language and the expected wait."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class ExpectedReply:
    """What to tell a customer about the wait.

    Attributes:
        online: whether the team is working now.
        wait_minutes: the expected wait while online.
        reply_by: when the team opens next (in the team's time zone) while offline.
    """

    online: bool
    wait_minutes: int = 0
    reply_by: datetime | None = None


@dataclass(frozen=True)
class AgentHours:
    """Opening hours per language and the queue-based wait estimate (data/helpdesk.yml)."""

    config: dict[str, Any]

    @classmethod
    def load(cls, path: Path) -> AgentHours:
        """Reads data/helpdesk.yml."""
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")) or {})

    def expected_reply(self, language: str, now: datetime, queue_length: int) -> ExpectedReply:
        """The expected wait for a new ticket in `language`, created at `now` (aware)."""
        hours = self.config.get("hours") or {}
        schedule = hours.get(language) or hours.get("default") or {}
        zone = ZoneInfo(schedule.get("timezone", "UTC"))
        local = now.astimezone(zone)
        if self._is_open(schedule, local):
            per_ticket = int(self.config.get("minutes_per_queued_ticket", 3))
            wait = max(int(self.config.get("min_wait_minutes", 5)), per_ticket * queue_length)
            return ExpectedReply(True, min(wait, int(self.config.get("max_wait_minutes", 120))))
        return ExpectedReply(False, reply_by=self._next_opening(schedule, local))

    @staticmethod
    def _is_open(schedule: dict[str, Any], local: datetime) -> bool:
        window = (schedule.get("weekdays") or {}).get(_WEEKDAYS[local.weekday()])
        if not window:
            return False
        start, end = (time.fromisoformat(value) for value in window)
        return start <= local.time() < end

    @staticmethod
    def _next_opening(schedule: dict[str, Any], local: datetime) -> datetime | None:
        weekdays = schedule.get("weekdays") or {}
        for days_ahead in range(8):
            day = local + timedelta(days=days_ahead)
            window = weekdays.get(_WEEKDAYS[day.weekday()])
            if not window:
                continue
            opening = datetime.combine(day.date(), time.fromisoformat(window[0]), local.tzinfo)
            if opening > local:
                return opening
        return None
