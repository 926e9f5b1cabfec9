"""The stock-Rasa anchor project is built from ours and is valid Rasa data."""

from __future__ import annotations

from pathlib import Path

from bench import stock_project

DOMAIN = {
    "actions": ["action_check_order_status"],
    "forms": {"order_status_form": {"required_slots": ["order_id"]}},
    "responses": {"utter_greet": [{"text": "Hi"}], "utter_offer_declined": [{"text": "Ok"}]},
    "slots": {
        "order_id": {"type": "text", "mappings": [{"type": "from_entity", "entity": "order_id"}]},
        "human_offered": {"type": "bool", "mappings": [{"type": "custom"}]},
    },
}


def test_custom_actions_are_told_apart_from_responses_forms_and_defaults() -> None:
    assert stock_project.is_custom_action("action_check_order_status", DOMAIN)
    assert not stock_project.is_custom_action("utter_greet", DOMAIN)
    assert not stock_project.is_custom_action("order_status_form", DOMAIN)
    assert not stock_project.is_custom_action("action_listen", DOMAIN)


def test_domain_loses_custom_slots_and_actions() -> None:
    reduced = stock_project.stock_domain(DOMAIN)
    assert set(reduced["slots"]) == {"order_id"}
    assert reduced["actions"] == []
    assert reduced["responses"] == DOMAIN["responses"]
    assert "human_offered" in DOMAIN["slots"]  # the input is left alone


def test_flows_lose_custom_steps_and_rules_that_need_removed_slots() -> None:
    flows = [
        {"rule": "form done", "condition": [{"active_loop": "order_status_form"}],
         "steps": [{"action": "order_status_form"}, {"active_loop": None},
                   {"slot_was_set": [{"requested_slot": None}]},
                   {"action": "action_check_order_status"}]},
        {"rule": "declined", "condition": [{"slot_was_set": [{"human_offered": True}]}],
         "steps": [{"intent": "deny"}, {"action": "utter_offer_declined"}]},
        {"rule": "only custom", "steps": [{"intent": "greet"},
                                          {"action": "action_check_order_status"}]},
        {"story": "mixed", "steps": [{"intent": "greet"}, {"action": "utter_greet"},
                                     {"slot_was_set": [{"human_offered": True},
                                                       {"order_id": "1"}]}]},
    ]
    kept = stock_project.stock_flows(flows, DOMAIN, {"order_id"})
    assert [f.get("rule") or f.get("story") for f in kept] == ["form done", "mixed"]
    assert kept[0]["steps"][-1] == {"slot_was_set": [{"requested_slot": None}]}
    assert kept[1]["steps"][-1] == {"slot_was_set": [{"order_id": "1"}]}


def test_stock_config_is_rasas_default_with_reduced_epochs() -> None:
    config = stock_project.stock_config({"DIETClassifier": 3, "TEDPolicy": 4})
    by_name = {c["name"]: c for c in config["pipeline"] + config["policies"]}
    assert by_name["DIETClassifier"]["epochs"] == 3
    assert by_name["TEDPolicy"]["epochs"] == 4
    assert by_name["ResponseSelector"]["epochs"] == 100
    assert "UnexpecTEDIntentPolicy" in by_name and "RulePolicy" in by_name


def test_built_project_from_our_files_is_valid_rasa_data(tmp_path: Path) -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    built = stock_project.build_stock_project(tmp_path, {"DIETClassifier": 1})
    domain = Domain.from_path(str(built["domain"]))
    assert "language" not in domain.slots and "order_id" in [s.name for s in domain.slots]
    reader = YAMLStoryReader(domain)
    steps = reader.read_from_file(str(tmp_path / "data" / "rules.yml"))
    steps += reader.read_from_file(str(tmp_path / "data" / "stories.yml"))
    assert steps
    used_actions = {
        event.action_name for step in steps for event in step.events
        if getattr(event, "action_name", None)
    }
    assert not {a for a in used_actions if stock_project.is_custom_action(a, {
        "responses": domain.responses, "forms": {name: {} for name in domain.form_names}})}
    assert "action_check_order_status" in built["removed_actions"]
    assert "rest" in (tmp_path / "credentials.yml").read_text()
