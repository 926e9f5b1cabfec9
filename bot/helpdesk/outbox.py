"""A durable outbox: helpdesk calls that failed wait here and are delivered exactly once.

The action server writes a ticket (or a relayed message) here when the helpdesk is down,
and a background worker replays it when the helpdesk is back. Ticket creation carries an
idempotency key, so a replay after a lost response never creates a second ticket.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.helpdesk.client import HelpdeskClient, HelpdeskUnavailable

logger = logging.getLogger(__name__)

_metadata = sa.MetaData()
outbox_table = sa.Table(
    "outbox",
    _metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("method", sa.String(8), nullable=False),
    sa.Column("path", sa.String(200), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("headers", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("last_error", sa.Text),
    sa.Column("delivered_at", sa.DateTime(timezone=True)),
)


class Outbox:
    """Pending helpdesk calls in a SQLite file under var/ (or any SQLAlchemy URL)."""

    def __init__(self, url: str) -> None:
        """Opens (and creates) the outbox database."""
        self.engine = sa.create_engine(url, future=True)
        _metadata.create_all(self.engine)
        self._lock = threading.Lock()

    @classmethod
    def in_var_dir(cls, var_dir: Path) -> Outbox:
        """The outbox file var/helpdesk-outbox.db."""
        var_dir.mkdir(parents=True, exist_ok=True)
        return cls(f"sqlite:///{var_dir / 'helpdesk-outbox.db'}")

    def put(self, key: str, method: str, path: str, payload: Mapping[str, Any],
            headers: Mapping[str, str] | None = None) -> None:
        """Stores a call; a second put with the same key is ignored."""
        row = {
            "key": key, "method": method, "path": path,
            "payload": json.dumps(payload, ensure_ascii=False),
            "headers": json.dumps(dict(headers or {})),
            "created_at": datetime.now(timezone.utc), "attempts": 0,
        }
        with self._lock, self.engine.begin() as connection:
            exists = connection.execute(
                sa.select(outbox_table.c.key).where(outbox_table.c.key == key)
            ).first()
            if exists is None:
                connection.execute(outbox_table.insert().values(**row))

    def pending(self) -> list[dict[str, Any]]:
        """Calls not delivered yet, oldest first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(outbox_table)
                .where(outbox_table.c.delivered_at.is_(None))
                .order_by(outbox_table.c.created_at)
            ).mappings().all()
        return [dict(row) for row in rows]

    def deliver(self, client: HelpdeskClient) -> int:
        """Replays pending calls in order; stops at the first failure. Returns how many went."""
        delivered = 0
        with self._lock:
            for entry in self.pending():
                try:
                    client.send(entry["method"], entry["path"], json.loads(entry["payload"]),
                                json.loads(entry["headers"]))
                except HelpdeskUnavailable as error:
                    self._record_failure(entry["key"], str(error))
                    break
                with self.engine.begin() as connection:
                    connection.execute(
                        outbox_table.update()
                        .where(outbox_table.c.key == entry["key"])
                        .values(delivered_at=datetime.now(timezone.utc),
                                attempts=entry["attempts"] + 1)
                    )
                delivered += 1
                logger.info("Delivered %s %s from the outbox.", entry["method"], entry["path"])
        return delivered

    def _record_failure(self, key: str, error: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                outbox_table.update().where(outbox_table.c.key == key)
                .values(attempts=outbox_table.c.attempts + 1, last_error=error[:500])
            )


class OutboxWorker(threading.Thread):
    """Retries the outbox every few seconds for as long as the process lives."""

    def __init__(self, outbox: Outbox, client: HelpdeskClient, interval: float = 5.0) -> None:
        """Creates the (daemon) worker; call start()."""
        super().__init__(name="helpdesk-outbox", daemon=True)
        self.outbox = outbox
        self.client = client
        self.interval = interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        """Delivers until stopped."""
        while not self._stop_event.wait(self.interval):
            try:
                self.outbox.deliver(self.client)
            except Exception:  # keep retrying: a bug here must not end delivery for good
                logger.exception("Outbox delivery failed; will retry.")

    def stop(self) -> None:
        """Ends the loop after the current round."""
        self._stop_event.set()
