"""Order status lookups against the demo order store."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.culture.formatting import long_date
from bot.languages import DEFAULT_LANGUAGE
from bot.orders import OrderStore, normalize_order_id


class ActionCheckOrderStatus(Action):
    """Tells the customer where their order is."""

    def __init__(self, store: OrderStore | None = None) -> None:
        """Uses `store`, or the configured order store on first use."""
        self._store = store

    def name(self) -> str:
        """Unique identifier of this action."""
        return "action_check_order_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """See parent class for full docstring."""
        if self._store is None:
            self._store = OrderStore.from_settings()
        order_id = normalize_order_id(tracker.get_slot("order_id") or "")
        language = tracker.get_slot("language") or DEFAULT_LANGUAGE
        locale = tracker.get_slot("locale")
        order = self._store.find(order_id) if order_id else None
        if order is None:
            dispatcher.utter_message(response="utter_order_not_found", order_id=order_id)
            return [SlotSet("order_id", None)]
        dates = {
            name: long_date(value, language, locale)
            for name, value in (
                ("ship_by", order.ship_by), ("eta", order.eta), ("delivered_on", order.delivered_on)
            )
            if value is not None
        }
        dispatcher.utter_message(
            response=f"utter_order_status_{order.status}",
            order_id=order.order_id,
            carrier=order.carrier,
            **dates,
        )
        return [SlotSet("order_id", None)]
