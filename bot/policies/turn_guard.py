"""A policy that ends a bot turn before it can loop, repeat itself or talk too much.

Rules and stories decide what the bot does; this policy only decides when it must stop.
It predicts `action_listen` with full confidence, and a priority above RulePolicy's, when
- the turn already sent `max_bot_messages` messages,
- the turn already ran `max_actions` actions (well below Rasa's circuit breaker at 10),
- the last action ends a turn by nature (the fallback), or
- the last action already ran earlier in the same turn (the start of a loop).
Otherwise it abstains (all probabilities 0), and the other policies decide.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

MAX_BOT_MESSAGES_KEY = "max_bot_messages"
MAX_ACTIONS_KEY = "max_actions"
TURN_ENDING_ACTIONS_KEY = "turn_ending_actions"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class TurnGuardPolicy(Policy):
    """Ends the bot's turn at the first sign of a loop or of too many messages."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the default config (see parent class for full docstring)."""
        return {
            # Above RulePolicy (6): when this policy speaks, it wins.
            "priority": 7,
            # At most this many bot messages answer one customer message.
            MAX_BOT_MESSAGES_KEY: 4,
            # At most this many actions per turn (Rasa's circuit breaker trips at 10).
            MAX_ACTIONS_KEY: 6,
            # Actions after which the bot always waits for the customer.
            TURN_ENDING_ACTIONS_KEY: ["action_fallback"],
        }

    def train(
        self,
        training_trackers: List[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """Learns nothing: the limits are configuration (see parent class)."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Predicts `action_listen` when the turn must end, else abstains."""
        probabilities = self._default_predictions(domain)
        reason = self._reason_to_stop(_current_turn(tracker.applied_events()))
        if reason:
            logger.debug("Ending the turn of %s: %s.", tracker.sender_id, reason)
            probabilities[domain.index_for_action(ACTION_LISTEN_NAME)] = 1.0
        return self._prediction(probabilities)

    def _reason_to_stop(self, turn: Optional[List[Event]]) -> Optional[str]:
        if turn is None:
            return None  # no customer message yet: nothing to guard
        actions = [
            event.action_name for event in turn
            if isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME
        ]
        messages = sum(1 for event in turn if isinstance(event, BotUttered))
        if messages >= self.config[MAX_BOT_MESSAGES_KEY]:
            return f"{messages} messages sent"
        if not actions:
            return None
        if len(actions) >= self.config[MAX_ACTIONS_KEY]:
            return f"{len(actions)} actions run"
        if actions[-1] in self.config[TURN_ENDING_ACTIONS_KEY]:
            return f"{actions[-1]} ends a turn"
        if actions[-1] in actions[:-1]:
            return f"{actions[-1]} ran twice"
        return None


def _current_turn(events: List[Event]) -> Optional[List[Event]]:
    """The events since the latest customer message, or None before the first one."""
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index + 1:]
    return None
