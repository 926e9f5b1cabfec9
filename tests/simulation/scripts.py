"""The scripted multi-turn conversations of tests/stories/scenarios_<lang>.yml.

The same Rasa test stories that `rasa test` checks are replayed over REST and in the
widget; this module reads them and checks a turn's replies against the story's actions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.culture.profiles import CultureProfiles
from bot.languages import REGISTER_LANGUAGES
from tests.simulation.replies import Match

STORIES = Path(__file__).resolve().parent.parent / "stories"
EMPATHY = frozenset({"utter_acknowledge_frustration", "utter_acknowledge_frustration_strong",
                     "utter_acknowledge_frustration_waiting", "utter_acknowledge_abuse"})
# Sent by the slot action before the answer; not an action of the story.
BEFORE_THE_ANSWER = EMPATHY | {"utter_offer_human", "utter_sensitive_topic"}
# The replies a custom action can give in these scripts (only demo order 482913 occurs).
_CUSTOM_ACTION_REPLIES: dict[str, frozenset[str]] = {
    "action_escalate": frozenset({"utter_ticket_created", "utter_ticket_created_offline"}),
    "action_change_language": frozenset({"utter_language_changed"}),
    "action_ask_csat_once": frozenset({"utter_ask_rating"}),
}


@dataclass(frozen=True)
class ScriptedTurn:
    """One customer message and the actions the story expects after it."""

    text: str
    intent: str
    actions: tuple[str, ...]
    order_number: bool


@dataclass(frozen=True)
class Script:
    """One scripted conversation (a story of scenarios_<lang>.yml)."""

    name: str
    language: str
    scenario: str
    turns: tuple[ScriptedTurn, ...]
    metadata: dict[str, Any] = field(default_factory=dict)

    def language_of_turn(self, index: int) -> str:
        """The language the bot must answer turn `index` in (after a switch, the new one).

        A script may say what the first turn is answered in when the customer's first
        message is shared by several languages ("hi" in Latin letters from a hi-IN browser
        is Hinglish, even in a conversation that goes on in Devanagari Hindi):
        `first_turn_language`.
        """
        if index == 0 and self.metadata.get("first_turn_language"):
            return str(self.metadata["first_turn_language"])
        switch = self.metadata.get("switch_to")
        switched_at = next((i for i, t in enumerate(self.turns)
                            if t.intent == "change_language"), None)
        if switch and switched_at is not None and index >= switched_at:
            return str(switch)
        return self.language

    def registers(self, index: int, profiles: CultureProfiles, locale: str | None) -> set[str]:
        """The registers the culture expects for turn `index`."""
        language = self.language_of_turn(index)
        if language not in REGISTER_LANGUAGES:
            return {"formal"}
        profile = profiles.profile(language, locale)
        informal = self.scenario == "informal_from_the_start" and profile.mirror_register
        return {"informal"} if informal else {profile.default_register}


def load_scripts(language: str) -> list[Script]:
    """The scripted conversations of one language."""
    content = yaml.safe_load((STORIES / f"scenarios_{language}.yml").read_text(encoding="utf-8"))
    scripts = []
    for story in content["stories"]:
        turns: list[ScriptedTurn] = []
        for step in story["steps"]:
            if "user" in step:
                entities = step.get("entities") or []
                turns.append(ScriptedTurn(str(step["user"]).strip(), step["intent"], (),
                                          any("order_id" in e for e in entities)))
            elif "action" in step and turns:
                last = turns[-1]
                turns[-1] = ScriptedTurn(last.text, last.intent, (*last.actions, step["action"]),
                                         last.order_number)
        metadata = story.get("metadata") or {}
        scripts.append(Script(story["story"], metadata["language"], metadata["scenario"],
                              tuple(turns), metadata))
    return scripts


def expected_replies(turn: ScriptedTurn) -> list[frozenset[str]]:
    """For each action of the turn, the response keys it may send."""
    expected = []
    for action in turn.actions:
        if action == "action_check_order_status":
            key = "utter_order_status_shipped" if turn.order_number else "utter_ask_order_id"
            expected.append(frozenset({key}))
        elif action in _CUSTOM_ACTION_REPLIES:
            expected.append(_CUSTOM_ACTION_REPLIES[action])
        elif action == "utter_faq" and turn.intent.startswith("faq/"):
            expected.append(frozenset({f"utter_{turn.intent}"}))  # the story names the topic
        elif action == "utter_faq":
            expected.append(frozenset({"utter_faq/*"}))
        else:
            expected.append(frozenset({action}))
    return expected


def reply_problems(
    turn: ScriptedTurn, matches: list[set[Match]], language: str, empathy: bool,
    rating_asked_before: bool,
) -> list[str]:
    """What is wrong with a turn's replies, compared with the story (empty when right)."""
    keys = [_key(found, language) for found in matches]
    prefix = []
    while keys and keys[0] in BEFORE_THE_ANSWER:
        prefix.append(keys.pop(0))
    problems = []
    if empathy and not (prefix and prefix[0] in EMPATHY):
        problems.append(f"no empathy first: {prefix + keys}")
    expected = expected_replies(turn)
    if "action_ask_csat_once" in turn.actions and rating_asked_before:
        expected = [allowed for allowed, action in zip(expected, turn.actions, strict=True)
                    if action != "action_ask_csat_once"]
    if len(keys) != len(expected) or not all(
        key in allowed or (key.startswith("utter_faq/") and "utter_faq/*" in allowed)
        for key, allowed in zip(keys, expected, strict=False)
    ):
        problems.append(f"expected {[sorted(a) for a in expected]}, got {keys}")
    return problems


def _key(found: set[Match], language: str) -> str:
    keys = sorted({m.key for m in found if m.language == language}) or sorted(
        {m.key for m in found})
    return keys[0] if keys else "(not a catalog text)"


