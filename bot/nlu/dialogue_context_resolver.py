"""NLU component that reads a message in the light of the conversation so far.

Rasa hands the conversation's tracker to NLU components whose `process` takes a
`tracker` argument (the tracker before this message). This one uses it for what the
message alone cannot tell:
- after a rating question, "2", "٢", "二" or "दो" is the rating (intent `affirm` with a
  `csat_score` entity), on every channel, not only when a button is pressed;
- after the bot asked for the order number, a message holding one is an order question;
- `cancel_handoff` withdraws a request for a person. Outside a handoff, a frustrated
  message read so is a complaint (the fallback, which offers a person after the empathy
  reply); otherwise the message takes its next intent when the model seriously considered
  one, and a clear, calm "cancel my request" stays (the bot says there is nothing to
  cancel). During a handoff it ends the handoff, so it must be meant: a frustrated or
  unsure "cancel" goes to the agent like any other message;

- punctuation alone ("?", "...") carries no intent.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.dialogue_context import ORDER_NUMBER, RATING, pending_question
from bot.nlu.frustration_detector import FRUSTRATION
from bot.nlu.frustration_scorer import FRUSTRATED_SCORE
from bot.nlu.ratings import rating_value
from bot.nlu.scripts import has_content

logger = logging.getLogger(__name__)

DIALOGUE_CONTEXT = "dialogue_context"
RUNNER_UP_CONFIDENCE_KEY = "runner_up_confidence"
CANCEL_CONFIDENCE_KEY = "cancel_confidence"
FALLBACK_INTENT = "nlu_fallback"
_STATE_BOUND_INTENTS = {"cancel_handoff": "handoff_active"}
# Intents a message holding an order number keeps when the bot did not ask for the number.
_KEEP_WITH_ORDER_NUMBER = frozenset({"order_status", "request_human"})
# A message with an order number and at most this many letters is just the number.
_LETTERS_IN_A_BARE_NUMBER = 3


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class DialogueContextResolver(GraphComponent):
    """Corrects the intent where the conversation's state decides what a message means."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config (see parent class for full docstring)."""
        return {
            # A state-bound intent that does not apply gives way to the next intent when
            # the classifier gave that one at least this probability.
            RUNNER_UP_CONFIDENCE_KEY: 0.2,
            # During a handoff, withdrawing it needs at least this confidence (and a calm
            # message); otherwise the message goes to the agent like any other.
            CANCEL_CONFIDENCE_KEY: 0.6,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Creates the component."""
        self._runner_up_confidence = float(config[RUNNER_UP_CONFIDENCE_KEY])
        self._cancel_confidence = float(config[CANCEL_CONFIDENCE_KEY])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DialogueContextResolver:
        """Creates the component (see parent class for full docstring)."""
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves training data alone: training examples have no conversation."""
        return training_data

    def process(
        self, messages: List[Message], tracker: Optional[DialogueStateTracker] = None
    ) -> List[Message]:
        """Corrects each message's intent and entities for the conversation's state."""
        pending = pending_question(_last_bot_turn(tracker)) if tracker else None
        slots = {
            name: tracker.get_slot(name) for name in _STATE_BOUND_INTENTS.values()
        } if tracker else {}
        for message in messages:
            changed_from = self._resolve(message, pending, slots)
            message.set(
                DIALOGUE_CONTEXT,
                {"pending_question": pending, "changed_from": changed_from},
                add_to_output=True,
            )
        return messages

    def _resolve(
        self, message: Message, pending: Optional[str], slots: Dict[Text, Any]
    ) -> Optional[str]:
        """Applies the first rule that fits; returns the intent it replaced, if any."""
        text = message.get(TEXT) or ""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if pending == RATING:
            score = rating_value(text)
            if score is not None:
                _add_entity(message, "csat_score", str(score), text)
                return _set_intent(message, "affirm")
        order_numbers = [e for e in message.get(ENTITIES) or [] if e.get("entity") == "order_id"]
        if order_numbers and intent != "order_status":
            # Asked for the number, the customer gives it: that is the answer, even with a
            # complaint around it (a person can still be asked for, or is offered, next).
            letters = sum(1 for char in text if char.isalpha())
            bare = letters <= _LETTERS_IN_A_BARE_NUMBER and intent not in _KEEP_WITH_ORDER_NUMBER
            if pending == ORDER_NUMBER or bare:
                return _set_intent(message, "order_status")
        if not has_content(text) and intent != FALLBACK_INTENT:
            return _set_intent(message, FALLBACK_INTENT)
        slot = _STATE_BOUND_INTENTS.get(intent or "")
        if not slot:
            return None
        if slots.get(slot):  # during the handoff: only a calm, clear request ends it
            return None if self._meant(message) else _set_intent(
                message, self._runner_up(message, intent or "") or FALLBACK_INTENT)
        if _frustrated(message):
            return _set_intent(message, FALLBACK_INTENT)  # a complaint
        runner_up = self._runner_up(message, intent or "")
        return _set_intent(message, runner_up) if runner_up else None

    def _meant(self, message: Message) -> bool:
        """Whether a state-changing intent is confident and calm enough to act on."""
        confidence = float((message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0)
        return confidence >= self._cancel_confidence and not _frustrated(message)

    def _runner_up(self, message: Message, excluded: str) -> Optional[str]:
        """The next intent when the classifier seriously considered it, else None."""
        for entry in message.get(INTENT_RANKING_KEY) or []:
            name = entry.get(INTENT_NAME_KEY)
            if name in (excluded, FALLBACK_INTENT):
                continue
            confidence = float(entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            return str(name) if confidence >= self._runner_up_confidence else None
        return None


def _last_bot_turn(tracker: DialogueStateTracker) -> List[str]:
    """Response keys of the bot messages since the latest customer message."""
    responses: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            key = (event.metadata or {}).get("utter_action")
            if isinstance(key, str):
                responses.append(key)
    responses.reverse()
    return responses


def _frustrated(message: Message) -> bool:
    return float((message.get(FRUSTRATION) or {}).get("score") or 0.0) >= FRUSTRATED_SCORE


def _set_intent(message: Message, name: str) -> Optional[str]:
    """Makes `name` the message's intent with full confidence; returns the old intent."""
    old = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    if old == name:
        return None
    ranking = [
        entry for entry in message.get(INTENT_RANKING_KEY) or []
        if entry.get(INTENT_NAME_KEY) != name
    ]
    message.set(INTENT, {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
    message.set(
        INTENT_RANKING_KEY,
        [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}, *ranking],
        add_to_output=True,
    )
    logger.debug("Intent %s read as %s in this conversation's context.", old, name)
    return old


def _add_entity(message: Message, entity: str, value: str, text: str) -> None:
    entities = [e for e in message.get(ENTITIES) or [] if e.get("entity") != entity]
    entities.append({
        "entity": entity, "value": value, "start": 0, "end": len(text),
        "confidence_entity": 1.0, "extractor": DialogueContextResolver.__name__,
    })
    message.set(ENTITIES, entities, add_to_output=True)
