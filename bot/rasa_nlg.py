"""Rasa's natural-language generator inside the Rasa process, backed by bot/nlg.py.

`endpoints.yml` names it (`nlg: type: bot.rasa_nlg.CatalogNaturalLanguageGenerator`); Rasa
creates it with the endpoint config and the domain. The texts come from data/ (and the
English source texts of domain.yml), in the conversation's language and register.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa.core.nlg.generator import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.nlg import ReplyRenderer, ReplyRequest, default_renderer


class CatalogNaturalLanguageGenerator(NaturalLanguageGenerator):
    """Renders each response key with `ReplyRenderer`, without a network hop."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        domain: Domain | None = None,
        renderer: ReplyRenderer | None = None,
    ) -> None:
        self.renderer = renderer or default_renderer()

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """Renders `utter_action` for the conversation (see parent class)."""
        latest = tracker.latest_message
        request = ReplyRequest(
            response=utter_action,
            arguments=kwargs,
            slots=tracker.current_slot_values(),
            latest_message=latest.parse_data if latest is not None else {},
            first_reply_of_turn=_no_bot_message_since_latest_user_message(tracker),
            channel=output_channel or None,
        )
        if self.renderer.needs_translation(request):
            # The translation provider is called with a timeout: keep it off the event loop.
            message = await asyncio.to_thread(self.renderer.render_request, request)
        else:
            message = self.renderer.render_request(request)
        return message if message.get("text") is not None else None


def _no_bot_message_since_latest_user_message(tracker: DialogueStateTracker) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            return False
        if isinstance(event, UserUttered):
            return True
    return True
