"""A durable outbox: calls that could not be made wait here and are delivered later.

The action server writes a ticket, a relayed message or a rating here when the helpdesk is
down; Rasa writes the work of a custom action that could not run (bot/resilient_action.py)
when the action server is down. A worker in the action server delivers each entry to its
target ("helpdesk" or "rasa") as soon as that target answers again.

Every entry is retried with exponential backoff. An entry the target refuses outright
(HTTP 4xx) or that keeps failing for `MAX_ATTEMPTS` goes to the dead letter (`dead_at`
set, `last_error` kept for an operator) instead of blocking the entries behind it.
Ticket creation carries an idempotency key, so a replay after a lost response never
creates a second ticket.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa

from bot.service_client import ServiceUnavailable

logger = logging.getLogger(__name__)

HELPDESK_TARGET = "helpdesk"
RASA_TARGET = "rasa"
FIRST_RETRY_SECONDS = 2.0
MAX_RETRY_SECONDS = 120.0
MAX_ATTEMPTS = 200  # about six and a half hours of retries

_metadata = sa.MetaData()
outbox_table = sa.Table(
    "outbox",
    _metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("target", sa.String(20), nullable=False, default=HELPDESK_TARGET),
    sa.Column("method", sa.String(8), nullable=False),
    sa.Column("path", sa.String(300), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("headers", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
    sa.Column("last_error", sa.Text),
    sa.Column("delivered_at", sa.DateTime(timezone=True)),
    sa.Column("dead_at", sa.DateTime(timezone=True)),
)
# Columns added after the first release; older outbox files get them on open.
_ADDED_COLUMNS = {
    "target": f"VARCHAR(20) NOT NULL DEFAULT '{HELPDESK_TARGET}'",
    "next_attempt_at": "TIMESTAMP",
    "dead_at": "TIMESTAMP",
}


class Sender(Protocol):
    """Makes one call to a target; raises ServiceUnavailable when it does not go through."""

    def send(self, method: str, path: str, payload: Mapping[str, Any] | None,
             headers: Mapping[str, str] | None = None) -> Any:
        """See HelpdeskClient.send."""


class Outbox:
    """Pending calls in a SQLite file under var/ (or any SQLAlchemy URL)."""

    def __init__(self, url: str) -> None:
        """Opens (and creates or upgrades) the outbox database."""
        self.engine = sa.create_engine(url, future=True)
        _metadata.create_all(self.engine)
        self._add_missing_columns()
        self._lock = threading.Lock()

    @classmethod
    def in_var_dir(cls, var_dir: Path) -> Outbox:
        """The outbox file var/helpdesk-outbox.db."""
        var_dir.mkdir(parents=True, exist_ok=True)
        return cls(f"sqlite:///{var_dir / 'helpdesk-outbox.db'}")

    def put(
        self, key: str, method: str, path: str, payload: Mapping[str, Any],
        headers: Mapping[str, str] | None = None, target: str = HELPDESK_TARGET,
    ) -> None:
        """Stores a call; a second put with the same key is ignored."""
        row = {
            "key": key, "target": target, "method": method, "path": path,
            "payload": json.dumps(payload, ensure_ascii=False),
            "headers": json.dumps(dict(headers or {})),
            "created_at": _now(), "attempts": 0, "next_attempt_at": _now(),
        }
        with self._lock, self.engine.begin() as connection:
            exists = connection.execute(
                sa.select(outbox_table.c.key).where(outbox_table.c.key == key)
            ).first()
            if exists is None:
                connection.execute(outbox_table.insert().values(**row))

    def pending(self) -> list[dict[str, Any]]:
        """Calls neither delivered nor dead, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(outbox_table)
                .where(outbox_table.c.delivered_at.is_(None), outbox_table.c.dead_at.is_(None))
                .order_by(outbox_table.c.created_at)
            ).mappings().all()
        return [dict(row) for row in rows]

    def dead_letters(self) -> list[dict[str, Any]]:
        """Calls that were given up on, with their last error, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(outbox_table).where(outbox_table.c.dead_at.is_not(None))
                .order_by(outbox_table.c.created_at)
            ).mappings().all()
        return [dict(row) for row in rows]

    def deliver(self, senders: Mapping[str, Sender]) -> int:
        """Delivers the calls that are due, oldest first; returns how many went.

        A target that fails is not tried again in this round, so its entries stay in
        order and a down service is not hammered.
        """
        delivered = 0
        failing: set[str] = set()
        with self._lock:
            for entry in self.pending():
                target = entry["target"] or HELPDESK_TARGET
                if target in failing or not _due(entry):
                    continue
                sender = senders.get(target)
                if sender is None:
                    self._give_up(entry["key"], f"no sender for target {target!r}")
                    continue
                try:
                    sender.send(entry["method"], entry["path"], json.loads(entry["payload"]),
                                json.loads(entry["headers"]))
                except ServiceUnavailable as error:
                    if not error.permanent:
                        failing.add(target)  # down: the entries behind it wait their turn
                    self._record_failure(entry, error)
                    continue
                self._update(entry["key"], delivered_at=_now(), attempts=entry["attempts"] + 1)
                delivered += 1
                logger.info("Delivered %s %s to %s from the outbox.",
                            entry["method"], entry["path"], target)
        return delivered

    def _record_failure(self, entry: Mapping[str, Any], error: ServiceUnavailable) -> None:
        attempts = int(entry["attempts"]) + 1
        if error.permanent or attempts >= MAX_ATTEMPTS:
            logger.error("Outbox gives up on %s %s after %d attempts: %s",
                         entry["method"], entry["path"], attempts, error)
            self._update(entry["key"], attempts=attempts, last_error=str(error)[:500],
                         dead_at=_now())
            return
        delay = min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (attempts - 1))
        delay *= random.uniform(0.8, 1.2)  # spread retries of many entries
        self._update(entry["key"], attempts=attempts, last_error=str(error)[:500],
                     next_attempt_at=_now() + timedelta(seconds=delay))

    def _give_up(self, key: str, reason: str) -> None:
        logger.error("Outbox gives up on %s: %s", key, reason)
        self._update(key, last_error=reason, dead_at=_now())

    def _update(self, key: str, **values: Any) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                outbox_table.update().where(outbox_table.c.key == key).values(**values)
            )

    def _add_missing_columns(self) -> None:
        existing = {column["name"] for column in sa.inspect(self.engine).get_columns("outbox")}
        with self.engine.begin() as connection:
            for name, ddl in _ADDED_COLUMNS.items():
                if name not in existing:
                    connection.execute(sa.text(f"ALTER TABLE outbox ADD COLUMN {name} {ddl}"))


class OutboxWorker(threading.Thread):
    """Delivers due outbox entries every few seconds for as long as the process lives."""

    def __init__(
        self, outbox: Outbox, senders: Mapping[str, Sender], interval: float = 2.0
    ) -> None:
        """Creates the (daemon) worker; call start()."""
        super().__init__(name="outbox", daemon=True)
        self.outbox = outbox
        self.senders = dict(senders)
        self.interval = interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        """Delivers until stopped."""
        while not self._stop_event.wait(self.interval):
            try:
                self.outbox.deliver(self.senders)
            except Exception:  # keep retrying: a bug here must not end delivery for good
                logger.exception("Outbox delivery failed; will retry.")

    def stop(self) -> None:
        """Ends the loop after the current round."""
        self._stop_event.set()


def _due(entry: Mapping[str, Any]) -> bool:
    when = entry.get("next_attempt_at")
    if when is None:
        return True
    if when.tzinfo is None:  # SQLite returns naive datetimes
        when = when.replace(tzinfo=timezone.utc)
    return when <= _now()


def _now() -> datetime:
    return datetime.now(timezone.utc)
