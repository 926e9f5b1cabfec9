"""Custom actions whose failure the customer never meets as silence (runs inside Rasa).

Rasa Open Source 3.6 has no hook for a failed call to the action server: the processor
logs the error, drops the action's events and goes on, so the customer hears nothing
(and a slow action server holds the conversation for up to 5 minutes). bot/rasa_server.py
therefore has Rasa build every custom action from `ResilientRemoteAction`, a subclass of
Rasa's `RemoteAction` that
- bounds each call in time (a short bound for the per-message slot action), and tries a
  failed call once more at once (a connection the action server dropped when it
  restarted fails immediately; the second try opens a new one),
- after a failure, checks the action server's /health (half a second at most) before
  each further call until it answers, so that the rest of the turn fails fast instead of
  waiting again, and the first call after the restart goes through,
- answers the customer instead: an honest "technical problem" in their language and
  register plus the other ways to reach the team, or, where the work can wait, the reply
  that promises it (a request for a person is queued, a rating is thanked for),
- keeps that work in the durable outbox (bot/helpdesk/outbox.py), which the action
  server's worker delivers once it is back: the request for a person and the rating as
  an intent triggered in the conversation, a message for the agent as a helpdesk call.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import aiohttp
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.exceptions import RasaException

from bot.helpdesk.outbox import HELPDESK_TARGET, RASA_TARGET, Outbox

if TYPE_CHECKING:
    from rasa.core.channels.channel import OutputChannel
    from rasa.core.nlg import NaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

SLOT_ACTION = "action_validate_slot_mappings"
SLOT_ACTION_TIMEOUT_SECONDS = 7.0
ACTION_TIMEOUT_SECONDS = 8.0
HEALTH_PROBE_SECONDS = 0.5

_TECHNICAL_PROBLEM = ("utter_technical_problem", "utter_human_contact")
# What the customer hears when an action cannot run; the default is _TECHNICAL_PROBLEM.
_OUTAGE_REPLIES: dict[str, tuple[str, ...]] = {
    "action_escalate": ("utter_ticket_queued", "utter_human_contact"),
    "action_store_csat": ("utter_thanks_for_rating",),
    "action_relay_to_agent": (),  # a person has the conversation: the bot stays silent
    SLOT_ACTION: (),  # the turn goes on; only this message's slot updates are missed
}


@dataclass
class ActionServerState:
    """Whether the action server failed and has not answered since (shared by all)."""

    down: bool = False

    async def available(self, webhook_url: str) -> bool:
        """True unless it failed and its /health does not answer within half a second."""
        if not self.down:
            return True
        health = webhook_url.rsplit("/", 1)[0] + "/health"
        try:
            async with aiohttp.ClientSession() as session, session.get(
                health, timeout=aiohttp.ClientTimeout(total=HEALTH_PROBE_SECONDS)
            ) as answer:
                self.down = answer.status != 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            pass
        return not self.down

    def failed(self) -> None:
        """Records a failure."""
        self.down = True

    def succeeded(self) -> None:
        """Records a success."""
        self.down = False


ACTION_SERVER = ActionServerState()


class ResilientRemoteAction(RemoteAction):
    """Rasa's custom action call, bounded in time, with a reply when it cannot run."""

    outbox: Outbox | None = None  # set by install(); None keeps no deferred work

    async def run(
        self,
        output_channel: OutputChannel,
        nlg: NaturalLanguageGenerator,
        tracker: DialogueStateTracker,
        domain: Domain,
    ) -> list[Event]:
        """Runs the action on the action server, or answers for it (see module docstring)."""
        url = self.action_endpoint.url if self.action_endpoint else ""
        if await ACTION_SERVER.available(url or ""):
            timeout = SLOT_ACTION_TIMEOUT_SECONDS if self.name() == SLOT_ACTION else (
                ACTION_TIMEOUT_SECONDS
            )
            deadline = time.monotonic() + timeout
            for attempt in (1, 2):
                try:
                    events = await asyncio.wait_for(
                        super().run(output_channel, nlg, tracker, domain),
                        max(0.1, deadline - time.monotonic()),
                    )
                except ActionExecutionRejection:
                    raise
                except (RasaException, asyncio.TimeoutError) as error:
                    logger.error("Custom action %s failed (%s, attempt %d).", self.name(),
                                 type(error).__name__, attempt)
                    if isinstance(error, asyncio.TimeoutError):
                        break
                else:
                    ACTION_SERVER.succeeded()
                    return events
            ACTION_SERVER.failed()
        await self._keep_for_later(tracker)
        return await self._outage_replies(output_channel, nlg, tracker)

    async def _outage_replies(
        self, output_channel: OutputChannel, nlg: NaturalLanguageGenerator,
        tracker: DialogueStateTracker,
    ) -> list[Event]:
        responses = _OUTAGE_REPLIES.get(self.name(), _TECHNICAL_PROBLEM)
        if self.name() == SLOT_ACTION and _is_sensitive(tracker):
            responses = ("utter_ticket_queued",)
        replies: list[Event] = []
        for response in responses:
            draft = await nlg.generate(response, tracker, output_channel.name())
            if draft:
                replies.append(create_bot_utterance({**draft, "utter_action": response}))
        return replies

    async def _keep_for_later(self, tracker: DialogueStateTracker) -> None:
        """Puts the work that must not be lost into the outbox."""
        if self.outbox is None:
            return
        entry = deferred_work(self.name(), tracker)
        if entry is not None:
            key, target, method, path, payload = entry
            await asyncio.to_thread(self.outbox.put, key, method, path, payload, None, target)


def deferred_work(
    action: str, tracker: DialogueStateTracker
) -> tuple[str, str, str, str, dict[str, Any]] | None:
    """(key, target, method, path, payload) of the outbox entry that stands in for `action`.

    The key is stable for the customer message, so a retried turn queues nothing twice.
    """
    users = [event for event in tracker.events if isinstance(event, UserUttered)]
    if not users:
        return None
    key = f"{tracker.sender_id}:{len(users)}:{users[-1].timestamp}:{action}"
    trigger = f"/conversations/{quote(tracker.sender_id, safe='')}/trigger_intent"
    if action == "action_escalate" or (action == SLOT_ACTION and _is_sensitive(tracker)):
        return key, RASA_TARGET, "POST", trigger, {"name": "request_human"}
    score = tracker.get_slot("csat_score")
    if action == "action_store_csat" and score:
        return key, RASA_TARGET, "POST", trigger, {
            "name": "affirm", "entities": {"csat_score": str(score)},
        }
    ticket_id = tracker.get_slot("ticket_id")
    if action == "action_relay_to_agent" and ticket_id and users[-1].text:
        return key, HELPDESK_TARGET, "POST", f"/api/tickets/{ticket_id}/messages", {
            "role": "customer", "text": users[-1].text,
        }
    return None


def install(outbox: Outbox | None) -> None:
    """Makes Rasa build every custom action (and its slot action) as ResilientRemoteAction.

    Rasa creates custom actions through the module attribute `RemoteAction` of
    rasa.core.actions.action (`action_for_name_or_text`, `ActionExtractSlots`), so
    replacing that attribute once, before the server starts, covers every call.
    """
    import rasa.core.actions.action as rasa_actions

    ResilientRemoteAction.outbox = outbox
    rasa_actions.RemoteAction = ResilientRemoteAction  # type: ignore[misc]


def _is_sensitive(tracker: DialogueStateTracker) -> bool:
    latest = tracker.latest_message
    frustration = (latest.parse_data.get("frustration") if latest else None) or {}
    return bool(frustration.get("sensitive"))
