"""The demo order store: a small SQLite database seeded from data/demo_orders.yml."""

from __future__ import annotations

import logging
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
import yaml

from bot.config import load_settings
from bot.culture.formatting import long_date

logger = logging.getLogger(__name__)

_metadata = sa.MetaData()
orders_table = sa.Table(
    "orders",
    _metadata,
    sa.Column("order_id", sa.String(16), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("carrier", sa.String(32)),
    sa.Column("ship_by", sa.Date),
    sa.Column("eta", sa.Date),
    sa.Column("delivered_on", sa.Date),
)


@dataclass(frozen=True)
class Order:
    """One order as the assistant reports it."""

    order_id: str
    status: str
    carrier: str | None
    ship_by: date | None
    eta: date | None
    delivered_on: date | None


class OrderStore:
    """Looks up orders in a SQL database (SQLite under var/ by default)."""

    def __init__(self, database_url: str, seed_file: Path | None = None) -> None:
        """Opens the store; an empty database is seeded from `seed_file`."""
        if database_url.startswith("sqlite:///"):
            Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self._engine = sa.create_engine(database_url, future=True)
        _metadata.create_all(self._engine)
        if seed_file is not None:
            self._seed_if_empty(seed_file)

    @classmethod
    def from_settings(cls) -> OrderStore:
        """The store configured by the environment, seeded with the demo orders."""
        settings = load_settings()
        return cls(settings.orders_database_url, settings.data_dir / "demo_orders.yml")

    def find(self, order_id: str) -> Order | None:
        """The order with this number (any Unicode digits), or None."""
        normalized = normalize_order_id(order_id)
        with self._engine.connect() as connection:
            row = connection.execute(
                sa.select(orders_table).where(orders_table.c.order_id == normalized)
            ).first()
        return Order(**row._mapping) if row else None

    def _seed_if_empty(self, seed_file: Path) -> None:
        with self._engine.begin() as connection:
            if connection.execute(sa.select(sa.func.count()).select_from(orders_table)).scalar():
                return
            today = date.today()
            seeds = yaml.safe_load(seed_file.read_text(encoding="utf-8"))["orders"]
            connection.execute(
                orders_table.insert(),
                [
                    {
                        "order_id": str(seed["order_id"]),
                        "status": seed["status"],
                        "carrier": seed.get("carrier"),
                        **{
                            column: today + timedelta(days=seed[f"{column}_in_days"])
                            if f"{column}_in_days" in seed
                            else None
                            for column in ("ship_by", "eta", "delivered_on")
                        },
                    }
                    for seed in seeds
                ],
            )
            logger.info("Seeded %d demo orders.", len(seeds))


def normalize_order_id(raw: str) -> str:
    """Keeps the digits, written in any script ("４８２９１３", "٤٨٢٩١٣"), as ASCII."""
    return "".join(str(unicodedata.digit(char)) for char in str(raw) if char.isdigit())


def status_reply(order: Order, language: str, locale: str | None) -> tuple[str, dict[str, str]]:
    """The response that tells the order's status, with every value its text needs.

    An order whose record lacks what its status needs (a shipped order without carrier or
    delivery date) gets the honest "I can't see its status" reply, never a gap in a text.
    """
    def day(value: date) -> str:
        return long_date(value, language, locale)

    if order.status == "processing" and order.ship_by:
        return ("utter_order_status_processing",
                {"order_id": order.order_id, "ship_by": day(order.ship_by)})
    if order.status == "shipped" and order.carrier and order.eta:
        return ("utter_order_status_shipped",
                {"order_id": order.order_id, "carrier": order.carrier, "eta": day(order.eta)})
    if order.status == "delivered" and order.delivered_on:
        return ("utter_order_status_delivered",
                {"order_id": order.order_id, "delivered_on": day(order.delivered_on)})
    if order.status == "cancelled":
        return ("utter_order_status_cancelled", {"order_id": order.order_id})
    logger.error("Order %s has status %r without the data its reply needs.",
                 order.order_id, order.status)
    return ("utter_order_status_unavailable", {"order_id": order.order_id})
