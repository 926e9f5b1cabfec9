"""The stock-Rasa anchor project for the system benchmark, built from ours by a function.

Stock Rasa is what `rasa init` gives: Rasa's default pipeline and policies, no action server,
no NLG endpoint, in-memory tracker store. It is trained on the same NLU data and the same
rules and stories as ours, with the domain reduced to what it can serve alone: English
responses from domain.yml, no custom actions, no slots with custom mappings. Rules and
stories lose the steps that name a custom action or a removed slot; a rule left without an
action, or whose condition needs a removed slot, is dropped.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT

DEFAULT_CONFIG = (
    Path(__import__("rasa").__file__).parent / "engine" / "recipes" / "config_files"
    / "default_config.yml"
)
EPOCH_KEYS = {"DIETClassifier", "ResponseSelector", "TEDPolicy", "UnexpecTEDIntentPolicy"}


def stock_config(epochs: dict[str, int] | None = None) -> dict[str, Any]:
    """Rasa's default config (pipeline and policies), with epochs reduced per component.

    Args:
        epochs: epochs per component name (DIETClassifier, ResponseSelector, TEDPolicy,
            UnexpecTEDIntentPolicy); the others keep Rasa's defaults.
    """
    config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    config["assistant_id"] = "stock-anchor"
    for component in [*config["pipeline"], *config["policies"]]:
        if epochs and component["name"] in epochs and component["name"] in EPOCH_KEYS:
            component["epochs"] = epochs[component["name"]]
    return config


def is_custom_action(name: str, domain: dict[str, Any]) -> bool:
    """True for an action only our action server can run (not a response, form or default)."""
    from rasa.shared.core.constants import DEFAULT_ACTION_NAMES

    if name in DEFAULT_ACTION_NAMES or name in (domain.get("forms") or {}):
        return False
    responses = domain.get("responses") or {}
    return not (name in responses or name.startswith("utter_"))


def stock_domain(domain: dict[str, Any]) -> dict[str, Any]:
    """Our domain without custom actions and without slots that need a custom mapping."""
    reduced = copy.deepcopy(domain)
    reduced["actions"] = []
    reduced["slots"] = {
        name: slot
        for name, slot in (domain.get("slots") or {}).items()
        if all(m.get("type") != "custom" for m in slot.get("mappings") or [])
    }
    return reduced


def _slot_name(entry: dict[str, Any] | str) -> str:
    """The slot of one `slot_was_set` entry ("name" or {"name": value})."""
    return next(iter(entry)) if isinstance(entry, dict) else entry


def _kept_step(step: dict[str, Any], domain: dict[str, Any], slots: set[str]) -> Any:
    """The step as stock Rasa can follow it, or None when it must go."""
    if "action" in step:
        return None if is_custom_action(step["action"], domain) else step
    if "slot_was_set" in step:
        kept = [
            entry for entry in step["slot_was_set"]
            if _slot_name(entry) in slots | {"requested_slot"}
        ]
        return {**step, "slot_was_set": kept} if kept else None
    return step


def stock_flows(
    flows: list[dict[str, Any]], domain: dict[str, Any], slots: set[str]
) -> list[dict[str, Any]]:
    """Rules or stories reduced for stock Rasa (see the module docstring)."""
    kept_flows = []
    for flow in flows:
        condition = flow.get("condition") or []
        needs_removed_slot = any(
            "slot_was_set" in c
            and any(_slot_name(e) not in slots for e in c["slot_was_set"])
            for c in condition
        )
        if needs_removed_slot:
            continue
        steps = [s for s in (_kept_step(s, domain, slots) for s in flow["steps"]) if s]
        if not any("action" in s for s in steps):
            continue
        kept_flows.append({**flow, "steps": steps})
    return kept_flows


def build_stock_project(
    target: Path, epochs: dict[str, int], project_root: Path = PROJECT_ROOT
) -> dict[str, Any]:
    """Writes config, domain, rules, stories and credentials of the anchor into `target`.

    Args:
        target: the project folder (bench/work/stock-project); rewritten every time.
        epochs: reduced epochs per component (see stock_config).
        project_root: our project, whose data/nlu the anchor trains on in place.

    Returns:
        Paths to train with and what was removed, for the report.
    """
    domain = yaml.safe_load((project_root / "domain.yml").read_text(encoding="utf-8"))
    reduced = stock_domain(domain)
    slots = set(reduced["slots"])
    data = target / "data"
    data.mkdir(parents=True, exist_ok=True)
    removed: dict[str, list[str]] = {"rules": [], "stories": []}
    for kind in ("rules", "stories"):
        flows = []
        for path in sorted((project_root / "data" / kind).glob("*.yml")):
            flows.extend(yaml.safe_load(path.read_text(encoding="utf-8")).get(kind) or [])
        kept = stock_flows(flows, domain, slots)
        kept_names = {flow.get("rule") or flow.get("story") for flow in kept}
        removed[kind] = [
            name for flow in flows
            if (name := flow.get("rule") or flow.get("story")) not in kept_names
        ]
        (data / f"{kind}.yml").write_text(
            yaml.safe_dump({"version": "3.1", kind: kept}, sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
    (target / "domain.yml").write_text(
        yaml.safe_dump(reduced, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    (target / "config.yml").write_text(
        yaml.safe_dump(stock_config(epochs), sort_keys=False), encoding="utf-8"
    )
    (target / "credentials.yml").write_text("rest:\n", encoding="utf-8")
    return {
        "domain": target / "domain.yml",
        "config": target / "config.yml",
        "credentials": target / "credentials.yml",
        "data": [project_root / "data" / "nlu", data / "rules.yml", data / "stories.yml"],
        "removed_actions": sorted(
            a for a in domain.get("actions") or [] if is_custom_action(a, domain)
        ),
        "removed_slots": sorted(set(domain.get("slots") or {}) - slots),
        "removed_flows": removed,
    }
