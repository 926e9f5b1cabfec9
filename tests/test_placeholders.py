"""No reply can reach a customer with an unfilled {placeholder}.

Every place that sends a response is found in the code and the dialogue data, with the
arguments it really passes:
- `utter_*` steps of rules and stories pass nothing;
- `dispatcher.utter_message(response="...", name=...)` passes its keyword arguments (an
  f-string key such as f"utter_order_status_{status}" stands for every key it can form);
- a reply tuple `("utter_...", {"name": ...})` (bot/escalation.py, bot/fallback.py, ...)
  passes the keys of its dict;
- a list or tuple of response keys (the empathy replies, the outage replies) and a key
  given to a call (`replies.append("utter_...")`) pass nothing;
- `bridge.say(conversation, "utter_...", {"slot": ...})` in the helpdesk sets those slots
  first, so they count as passed.
Then every variant of every such response, in every language, register and channel,
may use only those names and `{salutation}`, which the renderer always fills.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from bot.config import PROJECT_ROOT, load_settings
from bot.culture.catalog import REGISTERS, ResponseCatalog
from bot.languages import SUPPORTED_LANGUAGES

ALWAYS_FILLED = frozenset({"salutation"})
CODE_DIRS = ("actions", "bot")
# Calls that take a response key without sending it ("utter_action" is a metadata key).
_NOT_SENDING = frozenset({"get", "pop", "setdefault", "startswith", "endswith"})
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

Sends = dict[str, list[tuple[str, frozenset[str]]]]  # key -> [(where, arguments)]


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _literal_keys(node: ast.AST) -> frozenset[str] | None:
    if isinstance(node, ast.Dict) and all(
        isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys
    ):
        return frozenset(k.value for k in node.keys)  # type: ignore[union-attr]
    return None


def _response_keys(node: ast.AST, known: set[str]) -> list[str]:
    """The response keys a string or f-string node can stand for."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        value = node.value  # a prefix such as "utter_faq/" is not a key
        return [value] if value.startswith("utter_") and not value.endswith(("_", "/")) else []
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        prefix = str(node.values[0].value)
        return sorted(key for key in known if key.startswith(prefix)) if prefix.startswith(
            "utter_") else []
    return []


def code_sends(known: set[str]) -> Sends:
    sends: Sends = defaultdict(list)
    for directory in CODE_DIRS:
        for path in sorted((PROJECT_ROOT / directory).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            where = str(path.relative_to(PROJECT_ROOT))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and _call_name(node) == "utter_message":
                    response = next((kw.value for kw in node.keywords if kw.arg == "response"), None)
                    arguments = frozenset(kw.arg for kw in node.keywords if kw.arg not in (None, "response"))
                    for key in _response_keys(response, known) if response is not None else []:
                        sends[key].append((where, arguments))
                elif isinstance(node, ast.Call) and _call_name(node) == "say" and len(node.args) >= 3:
                    slots = _literal_keys(node.args[2])
                    for key in _response_keys(node.args[1], known):
                        assert slots is not None, f"{where}: say() needs a dict literal of slots"
                        sends[key].append((where, slots))
                elif isinstance(node, ast.Call) and _call_name(node) not in _NOT_SENDING:
                    for argument in node.args:
                        for key in _response_keys(argument, known):
                            sends[key].append((where, frozenset()))
                elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and _literal_keys(node.elts[1]) is not None:
                    for key in _response_keys(node.elts[0], known):
                        sends[key].append((where, _literal_keys(node.elts[1]) or frozenset()))
                elif isinstance(node, (ast.List, ast.Tuple)) and node.elts and all(
                    _response_keys(element, known) for element in node.elts
                ):
                    for element in node.elts:
                        for key in _response_keys(element, known):
                            sends[key].append((where, frozenset()))
    return sends


def data_sends() -> Sends:
    sends: Sends = defaultdict(list)
    for path in sorted((PROJECT_ROOT / "data").glob("[rs][ut]*/*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in [*(content.get("rules") or []), *(content.get("stories") or [])]:
            for step in block.get("steps") or []:
                action = step.get("action") if isinstance(step, dict) else None
                if isinstance(action, str) and action.startswith("utter_") and action != "utter_faq":
                    sends[action].append((str(path.relative_to(PROJECT_ROOT)), frozenset()))
    return sends


@pytest.fixture(scope="module")
def catalog() -> ResponseCatalog:
    settings = load_settings()
    return ResponseCatalog.load(settings.domain_path, settings.responses_dir)


def all_sends(catalog: ResponseCatalog) -> Sends:
    known = set(catalog.texts["en"])
    sends = code_sends(known)
    for key, places in data_sends().items():
        sends[key].extend(places)
    # utter_faq: the retrieval action sends utter_faq/<topic> without arguments.
    for key in known:
        if key.startswith("utter_faq/"):
            sends[key].append(("retrieval intent faq", frozenset()))
    return sends


def test_the_scan_finds_the_known_senders(catalog: ResponseCatalog) -> None:
    sends = all_sends(catalog)
    # One of each kind, so that a change in the code cannot quietly blind the scan.
    assert ("bot/orders.py", frozenset({"order_id", "carrier", "eta"})) in sends[
        "utter_order_status_shipped"]
    assert any(args == {"ticket_id", "wait"} for _, args in sends["utter_ticket_created"])
    assert any(args == {"topics"} for _, args in sends["utter_fallback_topics"])
    assert any(where.startswith("data/rules") for where, _ in sends["utter_greet"])
    assert any("helpdesk" in where and "ticket_id" in args for where, args in sends["utter_ask_csat"])
    assert any(where == "bot/frustration.py" for where, _ in sends["utter_offer_human"])


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_no_response_can_leak_a_placeholder(catalog: ResponseCatalog, language: str) -> None:
    sends = all_sends(catalog)
    leaks = []
    for key, places in sorted(sends.items()):
        for register in REGISTERS:
            variants = catalog.texts.get(language, {}).get(key, {}).get(register) or []
            for variant in variants:
                texts = [str(variant.get("text") or "")] + [
                    str(button.get("title") or "") for button in variant.get("buttons") or []
                ]
                used = {name for text in texts for name in _PLACEHOLDER.findall(text)}
                for where, arguments in places:
                    unfilled = used - arguments - ALWAYS_FILLED
                    if unfilled:
                        leaks.append(f"{key} ({register}, {variant.get('channel') or 'any channel'}) "
                                     f"sent by {where} without {sorted(unfilled)}")
    assert leaks == []


def test_every_response_that_is_sent_exists(catalog: ResponseCatalog) -> None:
    assert sorted(set(all_sends(catalog)) - set(catalog.texts["en"])) == []


def test_the_scan_reads_the_domain_responses() -> None:
    domain = yaml.safe_load(Path(load_settings().domain_path).read_text(encoding="utf-8"))
    assert "utter_ask_rating" in domain["responses"]
