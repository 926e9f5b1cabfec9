"""The workspace on the command line: `python -m bot.workspace <command>`.

| command | what |
|---|---|
| conversations [--language --channel --since --until --flags] | list, newest first |
| conversations --id ID | one transcript |
| fix-intent --language L --intent I --text T | add a corrected message as a training example |
| export-story --id ID --kind test/training [--intent TURN=INTENT] | save as a story |
| coverage [--plot FILE] | examples, texts and confusions per language |
| retrain [--tolerance 0.02] | validate, train, test, evaluate, compare, activate |
| evaluate --model M --out FILE | held-out evaluation of one model (used by retrain) |

The project is WORKSPACE_PROJECT_DIR (default: this checkout); the tracker store is the one
in RASA_ENDPOINTS, else $KESTREL_VAR_DIR/endpoints.runtime.yml, else endpoints.yml.
Customer text is masked in everything printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bot.workspace.conversations import FLAGS, ConversationReader, InvalidFilter, parse_filter
from bot.workspace.pii import mask
from bot.workspace.settings import WorkspaceSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.workspace", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("conversations", help="list conversations or show one")
    listing.add_argument("--language")
    listing.add_argument("--channel")
    listing.add_argument("--since", help="YYYY-MM-DD")
    listing.add_argument("--until", help="YYYY-MM-DD")
    listing.add_argument("--flags", help=f"comma-separated, all must hold: {', '.join(FLAGS)}")
    listing.add_argument("--id", help="show this conversation's transcript")
    listing.add_argument("--json", action="store_true")
    fix = commands.add_parser("fix-intent", help="add a corrected message as a training example")
    fix.add_argument("--language", required=True)
    fix.add_argument("--intent", required=True, help="e.g. request_human or faq/refund_time")
    fix.add_argument("--text", required=True)
    export = commands.add_parser("export-story", help="save a conversation as a story")
    export.add_argument("--id", required=True)
    export.add_argument("--kind", choices=("test", "training"), default="test")
    export.add_argument("--intent", action="append", default=[], metavar="TURN=INTENT",
                        help="the corrected intent of a customer turn (see conversations --id)")
    cover = commands.add_parser("coverage", help="coverage per language")
    cover.add_argument("--plot", type=Path, help="write a PNG heat map here")
    cover.add_argument("--json", action="store_true")
    retrain = commands.add_parser("retrain", help="retrain, check, and activate if better")
    retrain.add_argument("--tolerance", type=float, default=0.02)
    retrain.add_argument("--result", type=Path, help="write the result JSON here")
    retrain.add_argument("--hold-lock", action="store_true", help=argparse.SUPPRESS)
    evaluate = commands.add_parser("evaluate", help="held-out evaluation of one model")
    evaluate.add_argument("--model", type=Path, required=True)
    evaluate.add_argument("--project", type=Path)
    evaluate.add_argument("--out", type=Path, required=True)
    return parser


def _print_conversation(conversation: dict[str, Any]) -> None:
    print(f"{conversation['id']}  {conversation['language']}  {conversation['channel']}  "
          f"{conversation['last_at']}  {' '.join(conversation['flags'])}")
    for turn in conversation["turns"]:
        if turn["role"] == "customer":
            print(f"  [{turn['index']}] customer: {mask(turn['text'])}\n"
                  f"        intent {turn['intent']} ({turn['confidence'] or 0:.2f}), "
                  f"language {turn['language']}, frustration {turn['frustration'] or 0:.2f}")
        elif turn["role"] == "bot":
            print(f"  [{turn['index']}] bot: {turn['text']}")
        elif turn["role"] == "action":
            print(f"  [{turn['index']}] action {turn['name']}")


def main(argv: list[str] | None = None) -> int:
    """Runs one command; returns the exit code (2 for input the user can correct)."""
    from bot.workspace.nlu_edits import EditRejected

    args = _parser().parse_args(argv)
    settings = WorkspaceSettings.from_environment()
    try:
        return _COMMANDS[args.command](args, settings)
    except (EditRejected, InvalidFilter) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _conversations(args: argparse.Namespace, settings: WorkspaceSettings) -> int:
    reader = ConversationReader(settings.endpoints_file)
    if args.id:
        found = asyncio.run(reader.get(args.id))
        if found is None:
            print(f"error: no conversation {args.id!r}", file=sys.stderr)
            return 2
        data = found.as_dict()
        for turn in data["turns"]:
            turn["text"] = mask(turn["text"])
        if args.json:
            print(json.dumps(data, ensure_ascii=False, indent=1))
        else:
            _print_conversation(data)
        return 0
    criteria = parse_filter(vars(args))
    found_all = asyncio.run(reader.list(criteria))
    if args.json:
        print(json.dumps([c.as_dict(False) for c in found_all], ensure_ascii=False, indent=1))
    for conversation in [] if args.json else found_all:
        print(f"{conversation.last_at}  {conversation.id:30s} {conversation.language or '-':8s}"
              f"{conversation.channel or '-':10s} {' '.join(conversation.flags)}")
    return 0


def _fix_intent(args: argparse.Namespace, settings: WorkspaceSettings) -> int:
    from bot.workspace.nlu_edits import add_example

    result = add_example(settings.project_dir, args.language, args.intent, args.text)
    print(f"added to {result.path}: - {result.example}  ({result.intent})")
    return 0


def _export_story(args: argparse.Namespace, settings: WorkspaceSettings) -> int:
    from bot.workspace.story_export import export_story

    found = asyncio.run(ConversationReader(settings.endpoints_file).get(args.id))
    if found is None:
        print(f"error: no conversation {args.id!r}", file=sys.stderr)
        return 2
    corrections = {}
    for item in args.intent:
        turn, _, intent = item.partition("=")
        if not turn.isdigit() or not intent:
            print(f"error: --intent {item!r} is not TURN=INTENT", file=sys.stderr)
            return 2
        corrections[int(turn)] = intent
    result = export_story(found, args.kind, settings.project_dir, corrections)
    print(f"saved as '{result.name}' in {result.path}")
    for note in result.notes:
        print(f"  note: {note}")
    return 0


def _coverage(args: argparse.Namespace, settings: WorkspaceSettings) -> int:
    from bot.workspace.coverage import coverage, coverage_plot

    report = coverage(settings.project_dir)
    if args.plot:
        args.plot.write_bytes(coverage_plot(report))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    languages = report["languages"]
    print(f"{'examples':28s}" + "".join(f"{lang:>8s}" for lang in languages))
    for label in report["labels"]:
        print(f"{label:28s}" + "".join(f"{report['examples'][label][g]:8d}" for g in languages))
    print(f"\nmissing ({len(report['missing'])}):")
    for item in report["missing"]:
        print(f"  {item['language']:8s} {item['kind']:9s} {item['name']}: {item['detail']}")
    print(f"\nconfusions (from the evaluation of {report['evaluated_model']}):")
    for language, pairs in report["confusions"].items():
        for pair in pairs[:3]:
            print(f"  {language:8s} {pair['expected']} -> {pair['predicted']} x{pair['count']}")
    return 0


def _retrain(args: argparse.Namespace, settings: WorkspaceSettings) -> int:
    from bot.workspace.jobs import RetrainJobs
    from bot.workspace.retrain import RetrainResult, retrain_and_check

    def run() -> RetrainResult:
        return retrain_and_check(settings, args.tolerance, say=lambda line: print(line, flush=True))

    result = RetrainResult(status="error")
    try:
        if args.hold_lock:
            with RetrainJobs(settings).lock().acquire(timeout=5):
                result = run()
        else:
            result = run()
    finally:
        if args.result:
            args.result.write_text(json.dumps(result.as_dict(), ensure_ascii=False, indent=1),
                                   encoding="utf-8")
    print(f"==> {result.status}; activated: {result.activated}")
    return 0 if result.status == "passed" else 1


def _evaluate(args: argparse.Namespace, settings: WorkspaceSettings) -> int:
    from bot.workspace.evaluation import evaluate_model

    result = evaluate_model(args.model, args.project or settings.project_dir)
    args.out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


_COMMANDS = {
    "conversations": _conversations,
    "fix-intent": _fix_intent,
    "export-story": _export_story,
    "coverage": _coverage,
    "retrain": _retrain,
    "evaluate": _evaluate,
}

if __name__ == "__main__":
    sys.exit(main())
