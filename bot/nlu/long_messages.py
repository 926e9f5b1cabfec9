"""How a message of several sentences is read: which sentence says what the customer wants.

The rule (tests/nlu/test_long_messages.py has it in every language):

1. A message of one sentence is read as a whole.
2. An explicit request for a person anywhere wins: a sentence read as `request_human`
   with at least `human_min` confidence makes the message a request for a person
   ("荷物が届きません。担当者につないでください。").
3. Otherwise the request or question wins over context and venting: the focus is the
   sentence that asks something (ends in ? ？ ؟) and is read most confidently, or, when
   no sentence asks, the most confident sentence that is not small talk (greeting,
   thanks, yes/no, goodbye). The message's reading is then `whole_weight` of the whole
   message plus the rest of the focus sentence, so context still helps ("I bought a
   kettle three months ago… how do I claim?").
4. Small talk never becomes the focus, so a greeting or thanks around a request does not
   hide it: "hey, u guys take paypal?" is read as "hey," plus the question
   (bot/nlu/sentences.py splits a short opening off), and the question weighs in. A
   message that is only small talk stays as the whole reads it ("thanks, bye").

The frustration of the whole message still counts: the frustration detector reads the
whole text, never a sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

HUMAN_REQUEST = "request_human"
SMALL_TALK = frozenset({"greet", "goodbye", "thank", "affirm", "deny"})


@dataclass(frozen=True)
class SentenceReading:
    """One sentence and its label probabilities (columns as in `labels`)."""

    text: str
    probabilities: np.ndarray
    is_question: bool


@dataclass(frozen=True)
class LongMessageRule:
    """The thresholds of the rule, tuned on the held-out dev split (bench/reports/nlu.md)."""

    human_min: float = 0.5
    whole_weight: float = 0.8

    def read(
        self,
        labels: Sequence[str],
        whole: np.ndarray,
        sentences: Sequence[SentenceReading],
    ) -> np.ndarray:
        """The message's label probabilities from the whole text and its sentences."""
        if len(sentences) < 2:
            return whole
        human = labels.index(HUMAN_REQUEST) if HUMAN_REQUEST in labels else None
        if human is not None:
            if int(np.argmax(whole)) == human:
                return whole  # the whole message already asks for a person
            asked = max(float(s.probabilities[human]) for s in sentences)
            if asked >= self.human_min:
                reading = whole.copy()
                reading[human] = 0.0
                if reading.sum() > 0:
                    reading *= (1 - asked) / reading.sum()
                reading[human] = asked
                return reading
        focus = self._focus(labels, sentences)
        if focus is None:
            return whole
        return self.whole_weight * whole + (1 - self.whole_weight) * focus.probabilities

    @staticmethod
    def _focus(
        labels: Sequence[str], sentences: Sequence[SentenceReading]
    ) -> SentenceReading | None:
        requests = [
            s for s in sentences if labels[int(np.argmax(s.probabilities))] not in SMALL_TALK
        ]
        if not requests:
            return None
        questions = [s for s in requests if s.is_question]
        return max(questions or requests, key=lambda s: float(np.max(s.probabilities)))
