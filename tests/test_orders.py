from __future__ import annotations

from pathlib import Path

from bot.config import load_settings
from bot.orders import OrderStore, normalize_order_id


def test_seeds_and_finds_orders(tmp_path: Path) -> None:
    store = OrderStore(f"sqlite:///{tmp_path / 'o.db'}", load_settings().data_dir / "demo_orders.yml")
    order = store.find("482913")
    assert order is not None and order.status == "shipped" and order.eta is not None
    assert store.find("000000") is None


def test_reseeding_keeps_existing_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'o.db'}"
    seeds = load_settings().data_dir / "demo_orders.yml"
    OrderStore(url, seeds)
    assert OrderStore(url, seeds).find("519204") is not None


def test_normalizes_digits_of_any_script() -> None:
    assert normalize_order_id("٤٨٢٩١٣") == "482913"
    assert normalize_order_id("＃４８２９１３") == "482913"
    assert normalize_order_id("#482 913") == "482913"
