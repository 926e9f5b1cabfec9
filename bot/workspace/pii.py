"""Masks secrets and personal data in text that leaves the tracker store.

Every export (test stories, training stories, CLI output of transcripts) goes through
`mask`; a training example with personal data in it is refused rather than masked, because a
placeholder would teach the model nothing (nlu_edits.py uses `find_personal_data`).
Order numbers (6 digits) are not personal data and stay: stories and examples need them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 13-19 digits, optionally grouped by spaces or dashes (card numbers, IBAN-like runs).
CARD = re.compile(r"(?<![\d])(?:\d[ -]?){12,18}\d(?![\d])")
# Phone numbers: an optional +country code, then 7+ digits with separators.
PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{6,}\d(?![\d])")
# Bearer tokens, API keys, passwords written as "password: ..." in any case.
SECRET = re.compile(
    r"(?i)\b(?:password|passwort|mot de passe|contraseña|senha|token|api[_ -]?key|pin|otp)"
    r"\s*(?:is|ist|est|es|é|:|=)?\s*\S+"
)
# A street address: a house number next to a street word, in the languages we speak.
_STREET_WORDS = (
    r"street|st\.|road|rd\.|avenue|ave\.|lane|drive|boulevard|blvd|"
    r"straße|strasse|str\.|weg|platz|allee|gasse|"
    r"rue|avenue|chemin|boulevard|"
    r"calle|avenida|plaza|paseo|carrer|"
    r"via|viale|piazza|corso|"
    r"rua|travessa|praça|"
    r"marg|nagar|colony|sector|chowk|"
    r"मार्ग|नगर|गली|"
    r"شارع|"
    r"丁目|番地|路|街|号"
)
# Romance street names continue after the street word: "12 rue de la Paix".
_NAME_AFTER = r"(?:\s+(?:de|del|della|di|da|do|dos|das|la|le|les|des|du)\b)*(?:\s+[\w'-]+)?"
ADDRESS = re.compile(
    rf"(?i)(?:\d{{1,5}}[a-z]?,?\s+(?:[\w'-]+\s+){{0,3}}(?:{_STREET_WORDS}){_NAME_AFTER}"
    rf"|[\w'-]*(?:{_STREET_WORDS})\s*[\w'-]*\s+\d{{1,5}}[a-z]?\b)"
)
# Postal codes only next to an address word would be too rare; PIN codes and ZIP+4 are
# caught with the address they belong to.

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("EMAIL", EMAIL),
    ("SECRET", SECRET),
    ("CARD", CARD),
    ("PHONE", PHONE),
    ("ADDRESS", ADDRESS),
)
ORDER_ID = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data in a text."""

    kind: str
    start: int
    end: int


def find_personal_data(text: str) -> list[Finding]:
    """Where `text` holds personal data or secrets, in order, without overlaps."""
    findings: list[Finding] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            if ORDER_ID.match(re.sub(r"\D", "", match.group())) and kind == "PHONE":
                continue
            if any(match.start() < f.end and f.start < match.end() for f in findings):
                continue
            findings.append(Finding(kind, match.start(), match.end()))
    return sorted(findings, key=lambda finding: finding.start)


def mask(text: str) -> str:
    """`text` with every finding replaced by a placeholder such as "[EMAIL]"."""
    parts, position = [], 0
    for finding in find_personal_data(text):
        parts.append(text[position:finding.start])
        parts.append(f"[{finding.kind}]")
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)
