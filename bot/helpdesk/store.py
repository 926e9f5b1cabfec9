"""The ticket queue: tickets and their messages in SQL (SQLite by default, PostgreSQL too).

Every method returns tickets in their API form (plain dicts, see `TicketStore.get`).
Texts are stored exactly as received (any Unicode, never HTML-escaped: the agent console
escapes when it renders), apart from NUL characters and lone surrogates, which neither
database can store, and a cut at `MAX_TEXT_CHARS`.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from bot.helpdesk.priority import priority as ticket_priority
from bot.helpdesk.priority import sla_due

logger = logging.getLogger(__name__)

STATUSES = ("open", "assigned", "waiting_for_customer", "resolved")
# The queue is what still waits for an agent's action.
QUEUED_STATUSES = ("open", "assigned")
TRANSCRIPT_ROLES = ("customer", "bot", "agent")
MESSAGE_ROLES = (*TRANSCRIPT_ROLES, "note")
CUSTOMER_FIELDS = ("id", "name", "contact", "title", "tier")

MAX_TEXT_CHARS = 4000
MAX_KEY_CHARS = 500
MAX_CONVERSATION_ID_CHARS = 1000
MAX_NAME_CHARS = 255
MAX_TAG_CHARS = 100
# A ticket keeps the latest messages of a very long conversation.
MAX_TRANSCRIPT_MESSAGES = 500
SQLITE_BUSY_TIMEOUT_MS = 15_000
ASSISTANT_AUTHOR = "assistant"
CANCELLED_NOTE = "The customer cancelled the request in chat; the ticket was closed."
# Ids are 32-bit integers in PostgreSQL; a larger number cannot name a ticket.
_MAX_ID = 2**31 - 1


class InvalidTicketData(ValueError):
    """A payload or argument the store refuses: wrong type, unknown role, status or score."""


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite keeps naive UTC)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Converts to UTC; naive values are taken as UTC already."""
        if value is None:
            return None
        value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
        value = value.astimezone(timezone.utc)
        # SQLite stores text: a fixed naive UTC form keeps text order equal to time order.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Returns an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


_metadata = sa.MetaData()
tickets_table = sa.Table(
    "tickets",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("idempotency_key", sa.String(MAX_KEY_CHARS), nullable=False, unique=True),
    sa.Column("conversation_id", sa.String(MAX_CONVERSATION_ID_CHARS), nullable=False, index=True),
    sa.Column("channel", sa.String(MAX_TAG_CHARS)),
    sa.Column("customer", sa.Text, nullable=False),  # JSON: id, name, contact, title, tier
    sa.Column("language", sa.String(MAX_TAG_CHARS)),
    sa.Column("register", sa.String(MAX_TAG_CHARS)),
    sa.Column("frustration", sa.Float, nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("topic", sa.String(MAX_TAG_CHARS)),
    sa.Column("subject", sa.Text),
    sa.Column("summary", sa.Text),
    sa.Column("status", sa.String(32), nullable=False, index=True),
    sa.Column("assignee", sa.String(MAX_NAME_CHARS)),
    sa.Column("sla_due_at", UTCDateTime, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("csat", sa.Integer),
    sa.Column("flagged_for_review", sa.Boolean, nullable=False),
    sa.Column("handoff_active", sa.Boolean, nullable=False),
    sa.CheckConstraint("priority BETWEEN 1 AND 4", name="ck_tickets_priority"),
    sa.CheckConstraint(
        "status IN (" + ", ".join(f"'{status}'" for status in STATUSES) + ")",
        name="ck_tickets_status",
    ),
    sa.CheckConstraint("csat IS NULL OR csat BETWEEN 1 AND 5", name="ck_tickets_csat"),
)
messages_table = sa.Table(
    "ticket_messages",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "ticket_id", sa.Integer, sa.ForeignKey("tickets.id", ondelete="CASCADE"),
        nullable=False, index=True,
    ),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("author", sa.String(MAX_NAME_CHARS)),
    sa.CheckConstraint(
        "role IN (" + ", ".join(f"'{role}'" for role in MESSAGE_ROLES) + ")",
        name="ck_ticket_messages_role",
    ),
)


# Ratings of conversations the bot solved without a ticket (ticket ratings live on the ticket).
ratings_table = sa.Table(
    "conversation_ratings",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("idempotency_key", sa.String(MAX_KEY_CHARS), nullable=False, unique=True),
    sa.Column("conversation_id", sa.String(MAX_CONVERSATION_ID_CHARS), nullable=False, index=True),
    sa.Column("language", sa.String(MAX_TAG_CHARS)),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("flagged_for_review", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.CheckConstraint("score BETWEEN 1 AND 5", name="ck_conversation_ratings_score"),
)


class TicketStore:
    """Tickets and their transcripts in a SQL database.

    Unknown ticket ids are not errors: `get` and every method that changes a ticket
    return None for them. Invalid arguments raise `InvalidTicketData`.
    """

    def __init__(self, url: str) -> None:
        """Opens the database and creates the tables if they are missing.

        Args:
            url: a SQLAlchemy URL, e.g. "sqlite:///var/helpdesk.db" or
                "postgresql://user:password@host/db".
        """
        parsed = sa.engine.make_url(url)
        options: dict[str, Any] = {"future": True}
        if parsed.get_backend_name() == "sqlite":
            if parsed.database in (None, "", ":memory:"):
                # One shared connection, or every thread would get its own empty database.
                options.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
            else:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
                options["connect_args"] = {"check_same_thread": False}
        self._engine = sa.create_engine(url, **options)
        if parsed.get_backend_name() == "sqlite":
            sa.event.listen(self._engine, "connect", _configure_sqlite)
        _metadata.create_all(self._engine)

    @classmethod
    def from_environment(cls, var_dir: Path | str) -> TicketStore:
        """The store at HELPDESK_DATABASE_URL, else the SQLite file var_dir/helpdesk.db."""
        default = f"sqlite:///{Path(var_dir) / 'helpdesk.db'}"
        return cls(os.environ.get("HELPDESK_DATABASE_URL") or default)

    def close(self) -> None:
        """Closes the pooled connections."""
        self._engine.dispose()

    def create(
        self, payload: Mapping[str, Any], idempotency_key: str, *, now: datetime | None = None
    ) -> tuple[dict[str, Any], bool]:
        """Creates a ticket, or returns the one created earlier with the same key.

        Args:
            payload: the API body: conversation_id (required), channel, customer
                ({id, name, contact, title, tier}), language, register, frustration (0..1),
                topic, subject, summary, transcript ([{role, text, at}], role customer,
                bot or agent; `at` ISO 8601 or a Unix timestamp, default now).
            idempotency_key: one key, one ticket (also for concurrent calls).
            now: the creation time (tests); default the current time.

        Returns:
            The ticket and True when it was created now, False when it existed.

        Raises:
            InvalidTicketData: the payload or key is invalid.
        """
        key = _key(idempotency_key)
        created_at = now or _utcnow()
        row, messages = _new_ticket(payload, key, created_at)
        existing = self._by_key(key)
        if existing is not None:
            return existing, False
        try:
            with self._engine.begin() as connection:
                ticket_id = connection.execute(
                    tickets_table.insert().values(**row)
                ).inserted_primary_key[0]
                if messages:
                    connection.execute(
                        messages_table.insert(),
                        [{**message, "ticket_id": ticket_id} for message in messages],
                    )
        except IntegrityError:
            # A concurrent call with the same key won; the unique constraint kept one ticket.
            existing = self._by_key(key)
            if existing is None:
                raise
            return existing, False
        ticket = self.get(ticket_id)
        assert ticket is not None  # just committed
        return ticket, True

    def get(self, ticket_id: int) -> dict[str, Any] | None:
        """The ticket in its API form, or None.

        Keys: id, conversation_id, status, priority, language, subject, transcript,
        created_at, frustration, customer, channel, register, topic, summary, assignee,
        sla_due_at, csat, flagged_for_review, handoff_active, updated_at, notes.
        `transcript` is [{role, text, at}] (customer, bot and agent messages), `notes`
        is [{author, text, at}] (internal, never shown to the customer); times are
        ISO 8601 in UTC.
        """
        if not _valid_id(ticket_id):
            return None
        with self._engine.connect() as connection:
            tickets = _load(connection, [tickets_table.c.id == ticket_id])
        return tickets[0] if tickets else None

    def list(
        self,
        status: str | None = None,
        language: str | None = None,
        conversation_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Tickets matching every given filter, most urgent first, then by SLA due time.

        Raises:
            InvalidTicketData: `status` is not one of STATUSES.
        """
        conditions: list[Any] = []
        if status is not None:
            conditions.append(tickets_table.c.status == _status(status))
        # Filters are cleaned like stored values (PostgreSQL refuses NUL even in a query).
        if language is not None:
            conditions.append(tickets_table.c.language == _clean(language))
        if conversation_id is not None:
            conditions.append(tickets_table.c.conversation_id == _clean(conversation_id))
        with self._engine.connect() as connection:
            return _load(connection, conditions)

    def add_message(
        self, ticket_id: int, role: str, text: str, author: str | None = None
    ) -> dict[str, Any] | None:
        """Appends a message; returns the ticket, or None for an unknown id.

        An agent's message puts an open or assigned ticket to waiting_for_customer (and
        makes the agent the assignee if there was none); a customer's answer puts a
        waiting ticket back to assigned (open if nobody has it).

        Args:
            ticket_id: the ticket.
            role: customer, bot, agent or note (internal note).
            text: the message, cut at MAX_TEXT_CHARS; must not be blank.
            author: the agent's name, for agent messages and notes.

        Raises:
            InvalidTicketData: unknown role, blank or non-text message.
        """
        if role not in MESSAGE_ROLES:
            raise InvalidTicketData(f"role must be one of {', '.join(MESSAGE_ROLES)}")
        text = _message_text(text, "text")
        author = _optional_text(author, "author", MAX_NAME_CHARS)
        if not _valid_id(ticket_id):
            return None
        now = _utcnow()
        status = tickets_table.c.status
        values: dict[str, Any] = {"updated_at": now}
        if role == "agent":
            values["status"] = sa.case(
                (status.in_(QUEUED_STATUSES), "waiting_for_customer"), else_=status
            )
            if author:
                values["assignee"] = sa.func.coalesce(tickets_table.c.assignee, author)
        elif role == "customer":
            values["status"] = sa.case(
                (
                    status == "waiting_for_customer",
                    sa.case((tickets_table.c.assignee.is_(None), "open"), else_="assigned"),
                ),
                else_=status,
            )
        with self._engine.begin() as connection:
            # The update comes first so that it takes the write lock (SQLite) and tells
            # whether the ticket exists.
            updated = connection.execute(
                tickets_table.update().where(tickets_table.c.id == ticket_id).values(**values)
            ).rowcount
            if not updated:
                return None
            connection.execute(
                messages_table.insert().values(
                    ticket_id=ticket_id, role=role, text=text, at=now, author=author
                )
            )
        return self.get(ticket_id)

    def claim(self, ticket_id: int, agent: str) -> dict[str, Any] | None:
        """Assigns the ticket to `agent` (status assigned); None for an unknown id."""
        agent = _required_text(agent, "agent", MAX_NAME_CHARS)
        return self._update(ticket_id, status="assigned", assignee=agent)

    def set_status(self, ticket_id: int, status: str) -> dict[str, Any] | None:
        """Sets the status; resolving also ends the handoff. None for an unknown id.

        Raises:
            InvalidTicketData: `status` is not one of STATUSES.
        """
        values: dict[str, Any] = {"status": _status(status)}
        if status == "resolved":
            values["handoff_active"] = False
        return self._update(ticket_id, **values)

    def resolve(self, ticket_id: int) -> dict[str, Any] | None:
        """Resolves the ticket and ends the handoff; None for an unknown id."""
        return self.set_status(ticket_id, "resolved")

    def hand_back(self, ticket_id: int) -> dict[str, Any] | None:
        """Ends the handoff (the bot answers again); the status is unchanged."""
        return self._update(ticket_id, handoff_active=False)

    def set_csat(self, ticket_id: int, score: int) -> dict[str, Any] | None:
        """Records the customer's satisfaction score; None for an unknown id.

        A score of 2 or less flags the ticket for review; the flag stays even if a
        better score comes later.

        Raises:
            InvalidTicketData: `score` is not an integer 1..5.
        """
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise InvalidTicketData("score must be an integer from 1 to 5")
        values: dict[str, Any] = {"csat": score}
        if score <= 2:
            values["flagged_for_review"] = True
        return self._update(ticket_id, **values)

    def cancel_by_customer(self, ticket_id: int, text: str | None = None) -> dict[str, Any] | None:
        """The customer withdrew the request in chat: resolves the ticket, ends the handoff.

        The customer's words (when given) and a note for the agents go into the ticket,
        so whoever opens it later sees why it closed. None for an unknown id.
        """
        if not _valid_id(ticket_id):
            return None
        if text and text.strip() and self.add_message(ticket_id, "customer", text) is None:
            return None
        if self.add_message(ticket_id, "note", CANCELLED_NOTE, ASSISTANT_AUTHOR) is None:
            return None
        return self.resolve(ticket_id)

    def rate_conversation(
        self, conversation_id: str, score: int, language: str | None, idempotency_key: str
    ) -> dict[str, Any]:
        """Stores a rating of a conversation the bot solved; a retry stores nothing new.

        Scores of 2 or less are flagged for support-lead review, as on tickets.

        Raises:
            InvalidTicketData: bad score, conversation id or key.
        """
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise InvalidTicketData("score must be an integer from 1 to 5")
        row = {
            "idempotency_key": _key(idempotency_key),
            "conversation_id": _required_text(
                conversation_id, "conversation_id", MAX_CONVERSATION_ID_CHARS, cut=False
            ),
            "language": _optional_text(language, "language", MAX_TAG_CHARS),
            "score": score,
            "flagged_for_review": score <= 2,
            "created_at": _utcnow(),
        }
        try:
            with self._engine.begin() as connection:
                connection.execute(ratings_table.insert().values(**row))
        except IntegrityError:
            pass  # the same rating, delivered twice
        return self._rating(row["idempotency_key"])

    def ratings(
        self, conversation_id: str | None = None, flagged: bool | None = None
    ) -> list[dict[str, Any]]:
        """Conversation ratings, newest first, optionally for one conversation or flag."""
        query = sa.select(ratings_table).order_by(ratings_table.c.created_at.desc())
        if conversation_id is not None:
            query = query.where(ratings_table.c.conversation_id == _clean(conversation_id))
        if flagged is not None:
            query = query.where(ratings_table.c.flagged_for_review == flagged)
        with self._engine.connect() as connection:
            return [_rating_dict(row) for row in connection.execute(query)]

    def _rating(self, key: str) -> dict[str, Any]:
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(ratings_table).where(ratings_table.c.idempotency_key == key)
            ).one()
        return _rating_dict(row)

    def queue_length(self) -> int:
        """How many tickets wait for an agent (open or assigned)."""
        with self._engine.connect() as connection:
            return int(
                connection.execute(
                    sa.select(sa.func.count())
                    .select_from(tickets_table)
                    .where(tickets_table.c.status.in_(QUEUED_STATUSES))
                ).scalar_one()
            )

    def _update(self, ticket_id: int, **values: Any) -> dict[str, Any] | None:
        if not _valid_id(ticket_id):
            return None
        with self._engine.begin() as connection:
            updated = connection.execute(
                tickets_table.update()
                .where(tickets_table.c.id == ticket_id)
                .values(updated_at=_utcnow(), **values)
            ).rowcount
        return self.get(ticket_id) if updated else None

    def _by_key(self, key: str) -> dict[str, Any] | None:
        with self._engine.connect() as connection:
            tickets = _load(connection, [tickets_table.c.idempotency_key == key])
        return tickets[0] if tickets else None


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while the service writes; the busy timeout makes concurrent
    # writers (service threads, tests, a second process) wait instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _load(connection: Connection, conditions: list[Any]) -> list[dict[str, Any]]:
    """Tickets matching all conditions, with their messages, in queue order."""
    query = sa.select(tickets_table)
    ids = sa.select(tickets_table.c.id)
    for condition in conditions:
        query = query.where(condition)
        ids = ids.where(condition)
    rows = connection.execute(
        query.order_by(tickets_table.c.priority, tickets_table.c.sla_due_at, tickets_table.c.id)
    ).all()
    if not rows:
        return []
    messages: dict[int, list[Row]] = defaultdict(list)
    for message in connection.execute(
        sa.select(messages_table)
        .where(messages_table.c.ticket_id.in_(ids.scalar_subquery()))
        .order_by(messages_table.c.id)
    ):
        messages[message.ticket_id].append(message)
    return [_ticket_dict(row, messages[row.id]) for row in rows]


def _rating_dict(row: Row) -> dict[str, Any]:
    return {
        "conversation_id": row.conversation_id,
        "language": row.language,
        "score": row.score,
        "flagged_for_review": row.flagged_for_review,
        "created_at": row.created_at.isoformat(),
    }


def _ticket_dict(row: Row, messages: list[Row]) -> dict[str, Any]:
    stored_customer = json.loads(row.customer or "{}")
    return {
        "id": row.id,
        "conversation_id": row.conversation_id,
        "status": row.status,
        "priority": row.priority,
        "language": row.language,
        "subject": row.subject,
        "transcript": [
            {"role": m.role, "text": m.text, "at": m.at.isoformat()}
            for m in messages
            if m.role != "note"
        ],
        "created_at": row.created_at.isoformat(),
        "frustration": row.frustration,
        "customer": {field: stored_customer.get(field) for field in CUSTOMER_FIELDS},
        "channel": row.channel,
        "register": row.register,
        "topic": row.topic,
        "summary": row.summary,
        "assignee": row.assignee,
        "sla_due_at": row.sla_due_at.isoformat(),
        "csat": row.csat,
        "flagged_for_review": bool(row.flagged_for_review),
        "handoff_active": bool(row.handoff_active),
        "updated_at": row.updated_at.isoformat(),
        "notes": [
            {"author": m.author, "text": m.text, "at": m.at.isoformat()}
            for m in messages
            if m.role == "note"
        ],
    }


def _new_ticket(
    payload: Mapping[str, Any], key: str, now: datetime
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The tickets row and message rows for a create payload."""
    if not isinstance(payload, Mapping):
        raise InvalidTicketData("the ticket must be a JSON object")
    customer = _customer(payload.get("customer"))
    frustration = _frustration(payload.get("frustration"))
    topic = _optional_text(payload.get("topic"), "topic", MAX_TAG_CHARS)
    level = ticket_priority(frustration, topic, customer.get("tier"))
    row = {
        "idempotency_key": key,
        "conversation_id": _required_text(
            payload.get("conversation_id"), "conversation_id", MAX_CONVERSATION_ID_CHARS,
            cut=False,
        ),
        "channel": _optional_text(payload.get("channel"), "channel", MAX_TAG_CHARS),
        "customer": json.dumps(customer, ensure_ascii=False),
        "language": _optional_text(payload.get("language"), "language", MAX_TAG_CHARS),
        "register": _optional_text(payload.get("register"), "register", MAX_TAG_CHARS),
        "frustration": frustration,
        "priority": level,
        "topic": topic,
        "subject": _optional_text(payload.get("subject"), "subject", MAX_TEXT_CHARS),
        "summary": _optional_text(payload.get("summary"), "summary", MAX_TEXT_CHARS),
        "status": "open",
        "assignee": None,
        "sla_due_at": sla_due(now, level),
        "created_at": now,
        "updated_at": now,
        "csat": None,
        "flagged_for_review": False,
        "handoff_active": True,
    }
    return row, _transcript(payload.get("transcript"), now)


def _transcript(value: Any, now: datetime) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidTicketData("'transcript' must be a list of {role, text, at}")
    if len(value) > MAX_TRANSCRIPT_MESSAGES:
        logger.info("Transcript of %d messages keeps the latest %d.", len(value),
                    MAX_TRANSCRIPT_MESSAGES)
    rows = []
    for entry in value[-MAX_TRANSCRIPT_MESSAGES:]:
        if not isinstance(entry, Mapping):
            raise InvalidTicketData("'transcript' entries must be objects {role, text, at}")
        role = entry.get("role")
        if role not in TRANSCRIPT_ROLES:
            raise InvalidTicketData(
                f"transcript role must be one of {', '.join(TRANSCRIPT_ROLES)}"
            )
        text = _optional_text(entry.get("text"), "transcript text", MAX_TEXT_CHARS)
        if not text:
            continue  # e.g. a bot turn that only showed buttons or an image
        rows.append({"role": role, "text": text, "at": _timestamp(entry.get("at"), now)})
    return rows


def _customer(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidTicketData("'customer' must be an object")
    customer = {}
    for field in CUSTOMER_FIELDS:
        item = value.get(field)
        # Customer details come from client metadata: odd values are dropped, not fatal.
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            text = _clean(str(item)).strip()[:MAX_NAME_CHARS]
            if text:
                customer[field] = text
    return customer


def _frustration(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidTicketData("'frustration' must be a number from 0 to 1")
    return min(max(float(value), 0.0), 1.0)


def _timestamp(value: Any, default: datetime) -> datetime:
    """ISO 8601 text or a Unix timestamp as an aware datetime; None gives `default`."""
    if value is None:
        return default
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, timezone.utc)
        if isinstance(value, str) and len(value) <= 64:
            text = value.strip()
            # Python 3.10 reads no "Z" suffix.
            text = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
            parsed = datetime.fromisoformat(text)
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=timezone.utc)
            return parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError, OSError):
        pass
    raise InvalidTicketData("'at' must be an ISO 8601 time or a Unix timestamp")


def _key(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidTicketData("an idempotency key is required")
    if len(value) > MAX_KEY_CHARS:
        raise InvalidTicketData(f"the idempotency key is longer than {MAX_KEY_CHARS} characters")
    return _clean(value)


def _status(value: Any) -> str:
    if value not in STATUSES:
        raise InvalidTicketData(f"status must be one of {', '.join(STATUSES)}")
    return str(value)


def _message_text(value: Any, name: str) -> str:
    text = _optional_text(value, name, MAX_TEXT_CHARS)
    if not text or not text.strip():
        raise InvalidTicketData(f"'{name}' must not be empty")
    return text


def _required_text(value: Any, name: str, limit: int, *, cut: bool = True) -> str:
    text = _optional_text(value, name, limit, cut=cut)
    if not text or not text.strip():
        raise InvalidTicketData(f"'{name}' is required")
    return text


def _optional_text(value: Any, name: str, limit: int, *, cut: bool = True) -> str | None:
    """The text cleaned and cut at `limit` (or refused when `cut` is False); None stays."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidTicketData(f"'{name}' must be a string")
    text = _clean(value)
    if len(text) > limit:
        if not cut:
            raise InvalidTicketData(f"'{name}' is longer than {limit} characters")
        text = text[:limit]
    return text


def _clean(text: str) -> str:
    # PostgreSQL refuses NUL in text, and lone surrogates (valid in JSON escapes) are
    # not UTF-8: both become storable. Everything else is kept as it is.
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _valid_id(ticket_id: Any) -> bool:
    return isinstance(ticket_id, int) and not isinstance(ticket_id, bool) and (
        0 < ticket_id <= _MAX_ID
    )


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)
