"""Ticket priority (1 urgent .. 4 low) and the SLA deadline that goes with it."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

URGENT = 1
HIGH = 2
NORMAL = 3
LOW = 4

# Topics where a delay can cost the customer money or the company a lawsuit.
SENSITIVE_TOPICS = frozenset({"fraud", "hacked_account", "legal_threat"})
# Tiers whose tickets move one step up the queue.
PRIORITY_TIERS = frozenset({"vip", "gold"})

HIGH_FRUSTRATION = 0.7
MEDIUM_FRUSTRATION = 0.4
# Base priority per frustration band, before the tier step.
HIGH_FRUSTRATION_PRIORITY = HIGH
MEDIUM_FRUSTRATION_PRIORITY = NORMAL
CALM_PRIORITY = NORMAL

SLA_HOURS: dict[int, int] = {URGENT: 1, HIGH: 4, NORMAL: 24, LOW: 72}


def priority(frustration: float, topic: str | None, tier: str | None) -> int:
    """The queue priority of a new ticket.

    Sensitive topics are always urgent. Otherwise the frustration band sets the base
    (>= 0.7 high, >= 0.4 and calm normal) and a VIP/gold customer moves one step up.

    Args:
        frustration: the conversation's frustration level, 0..1 (out-of-range values
            are clamped, NaN counts as calm).
        topic: the escalation topic, e.g. "fraud" or an FAQ topic; None if unknown.
        tier: the customer's tier, e.g. "vip"; None if unknown.

    Returns:
        1 (urgent) .. 4 (low).
    """
    if topic and topic.strip().lower() in SENSITIVE_TOPICS:
        return URGENT
    level = 0.0 if math.isnan(frustration) else min(max(frustration, 0.0), 1.0)
    if level >= HIGH_FRUSTRATION:
        base = HIGH_FRUSTRATION_PRIORITY
    elif level >= MEDIUM_FRUSTRATION:
        base = MEDIUM_FRUSTRATION_PRIORITY
    else:
        base = CALM_PRIORITY
    if tier and tier.strip().lower() in PRIORITY_TIERS:
        base -= 1
    return min(max(base, URGENT), LOW)


def sla_due(created_at: datetime, priority: int) -> datetime:
    """When the first agent response is due.

    Args:
        created_at: when the ticket was created (timezone-aware).
        priority: 1..4, as returned by `priority`.

    Returns:
        `created_at` plus the SLA of that priority.

    Raises:
        ValueError: for a priority outside 1..4.
    """
    if priority not in SLA_HOURS:
        raise ValueError(f"unknown priority {priority!r}")
    return created_at + timedelta(hours=SLA_HOURS[priority])
