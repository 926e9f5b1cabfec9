"""Escalation to the human ticket queue, ticket status, and relaying during a live handoff."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.escalation import ConversationView, Escalation, escalate, helpdesk_link
from bot.service_client import ServiceUnavailable

_STATUSES = ("open", "assigned", "waiting_for_customer", "resolved")
_RATING_QUESTIONS = frozenset({"utter_ask_rating", "utter_ask_csat"})


def conversation_view(tracker: Tracker) -> ConversationView:
    """What a ticket needs from the tracker."""
    return ConversationView(tracker.sender_id, tracker.events, tracker.current_slot_values())


def tell(dispatcher: CollectingDispatcher, escalation: Escalation) -> dict[str, object]:
    """Sends the escalation's replies and returns the slots it sets."""
    for response, values in escalation.responses:
        dispatcher.utter_message(response=response, **values)
    return dict(escalation.slots)


class ActionEscalate(Action):
    """Creates a ticket with the transcript and tells the customer what happens next."""

    def name(self) -> str:
        """Unique identifier of this action."""
        return "action_escalate"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """See parent class for full docstring."""
        link = helpdesk_link()
        view = conversation_view(tracker)
        slots = tell(dispatcher, escalate(view, link.client, link.outbox, link.hours))
        return [SlotSet(name, value) for name, value in slots.items()]


class ActionTicketStatus(Action):
    """Tells the customer the state of this conversation's ticket (and only this one's)."""

    def name(self) -> str:
        """Unique identifier of this action."""
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """See parent class for full docstring."""
        try:
            tickets = helpdesk_link().client.tickets(conversation_id=tracker.sender_id)
        except ServiceUnavailable:
            tickets = []
        if not tickets:
            dispatcher.utter_message(response="utter_no_ticket")
            return []
        ticket = max(tickets, key=lambda t: str(t.get("created_at") or ""))
        status = ticket.get("status") if ticket.get("status") in _STATUSES else "open"
        dispatcher.utter_message(response=f"utter_ticket_status_{status}", ticket_id=ticket["id"])
        return []


class ActionRelayToAgent(Action):
    """During a live handoff the bot stays silent and passes the message to the agent."""

    def name(self) -> str:
        """Unique identifier of this action."""
        return "action_relay_to_agent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """See parent class for full docstring."""
        ticket_id = tracker.get_slot("ticket_id")
        text = tracker.latest_message.get("text") or ""
        if not ticket_id or not text or _ticket_opened_this_turn(tracker):
            return []  # a ticket opened by this very message already has it
        key = f"{conversation_view(tracker).idempotency_key()}:relay"
        helpdesk_link().deliver(
            key, "POST", f"/api/tickets/{ticket_id}/messages", {"role": "customer", "text": text}
        )
        return []


def _ticket_opened_this_turn(tracker: Tracker) -> bool:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") == "ticket_id":
            return True
    return False


class ActionStoreCsat(Action):
    """Stores the customer's 1-5 rating and thanks them.

    After a ticket the rating goes on the ticket; after a question the bot solved on its
    own it is stored as a rating of the conversation. Scores of 2 or less are flagged for
    support-lead review in both cases.
    """

    def name(self) -> str:
        """Unique identifier of this action."""
        return "action_store_csat"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """See parent class for full docstring."""
        score = str(tracker.get_slot("csat_score") or "").strip()
        if score not in {"1", "2", "3", "4", "5"}:
            return [SlotSet("csat_score", None)]
        ticket_id = tracker.get_slot("ticket_id")
        link = helpdesk_link()
        if ticket_id:
            path = f"/api/tickets/{ticket_id}/csat"
            link.deliver(f"{tracker.sender_id}:csat:{ticket_id}", "POST", path,
                         {"score": int(score)})
        else:
            key = f"{conversation_view(tracker).idempotency_key()}:rating"
            link.deliver(key, "POST", "/api/ratings", {
                "conversation_id": tracker.sender_id, "score": int(score),
                "language": tracker.get_slot("language"), "idempotency_key": key,
            })
        dispatcher.utter_message(response="utter_thanks_for_rating")
        return [SlotSet("csat_score", None)]


class ActionAskCsatOnce(Action):
    """Asks for a 1-5 rating of the chat after a solved question, once per conversation.

    This is the bot-only rating question (`utter_ask_rating`); the one after a resolved
    ticket (`utter_ask_csat`) names the ticket and is sent by the helpdesk.
    """

    def name(self) -> str:
        """Unique identifier of this action."""
        return "action_ask_csat_once"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """See parent class for full docstring."""
        asked = any(
            event.get("event") == "bot"
            and (event.get("metadata") or {}).get("utter_action") in _RATING_QUESTIONS
            for event in tracker.events
        )
        if not asked:
            dispatcher.utter_message(response="utter_ask_rating")
        return []


class ActionCancelHandoff(Action):
    """The customer no longer wants a person: close the ticket and carry on as the bot."""

    def name(self) -> str:
        """Unique identifier of this action."""
        return "action_cancel_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """See parent class for full docstring."""
        ticket_id = tracker.get_slot("ticket_id")
        if not ticket_id or not tracker.get_slot("handoff_active"):
            dispatcher.utter_message(response="utter_nothing_to_cancel")
            return []
        key = f"{conversation_view(tracker).idempotency_key()}:cancel"
        text = tracker.latest_message.get("text") or ""
        helpdesk_link().deliver(key, "POST", f"/api/tickets/{ticket_id}/cancel", {"text": text})
        dispatcher.utter_message(response="utter_handoff_cancelled", ticket_id=ticket_id)
        return [SlotSet("handoff_active", False)]
