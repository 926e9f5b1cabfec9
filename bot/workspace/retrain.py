"""Retrain and check: a new model is served only once it is at least as good as the old one.

Steps (each printed as it runs, so the page can show progress):
1. `rasa data validate` on the project's data;
2. train into models/candidates/ (never over the serving model; Rasa's training cache is
   shared, so an unchanged dialogue model is reused);
3. `rasa test core` on tests/stories (end-to-end test stories, the exports included);
4. held-out NLU evaluation of the candidate, and of the serving model unless its result is
   already stored next to it;
5. per-language comparison; the candidate passes when validation and the stories pass and
   no language lost more than the tolerance;
6. only then: move it into models/ (the newest model is the one served), store its
   evaluation next to it and tell the running Rasa server `PUT /model`.
The old model keeps serving throughout; a failed candidate stays in models/candidates/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import requests

from bot.config import PROJECT_ROOT
from bot.training import TRAINING_DATA_DIRS, latest_model
from bot.workspace.evaluation import read_evaluation, store_evaluation
from bot.workspace.settings import WorkspaceSettings

DEFAULT_TOLERANCE = 0.02
RASA = str(Path(sys.executable).parent / "rasa")
ACTIVATION_TIMEOUT_SECONDS = 300


@dataclass
class Step:
    """One check and how it went."""

    name: str
    ok: bool
    detail: str = ""
    seconds: float = 0.0


@dataclass
class RetrainResult:
    """Everything the page and the CLI show side by side."""

    status: str = "running"  # running, passed, failed, error
    steps: list[Step] = field(default_factory=list)
    previous_model: str | None = None
    candidate_model: str | None = None
    comparison: dict[str, dict[str, Any]] = field(default_factory=dict)
    previous_macro: float | None = None
    candidate_macro: float | None = None
    tolerance: float = DEFAULT_TOLERANCE
    activated: bool = False
    rasa_notified: bool | None = None
    finished_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def compare(
    previous: dict[str, Any] | None, candidate: dict[str, Any], tolerance: float
) -> dict[str, dict[str, Any]]:
    """Per language: both accuracies, the change, and whether it is within tolerance."""
    rows = {}
    for language, result in candidate["languages"].items():
        before = ((previous or {}).get("languages") or {}).get(language, {}).get("accuracy")
        after = result["accuracy"]
        delta = None if before is None else round(after - before, 4)
        rows[language] = {
            "previous": before,
            "candidate": after,
            "delta": delta,
            "ok": delta is None or delta >= -tolerance,
        }
    return rows


def _environment() -> dict[str, str]:
    """Subprocess environment: our package importable, Rasa's cache shared with `make train`."""
    return {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        # Keeps the progress log readable; Rasa's own data warnings still show.
        "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore::PendingDeprecationWarning",
        "RASA_CACHE_DIRECTORY": os.environ.get(
            "RASA_CACHE_DIRECTORY", str(PROJECT_ROOT / ".rasa" / "cache")
        ),
    }


def _run(command: list[str], cwd: Path, say: Callable[[str], None]) -> tuple[int, str]:
    """Runs a command, echoing its output line by line; returns exit code and output."""
    say("$ " + " ".join(command))
    process = subprocess.Popen(
        command, cwd=cwd, env=_environment(), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, errors="replace",
    )
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        say(line.rstrip("\n"))
    return process.wait(), "".join(lines)


def _evaluate(model: Path, project_dir: Path, say: Callable[[str], None]) -> dict[str, Any]:
    """Held-out evaluation in a separate process (a loaded model is big)."""
    output = model.with_name(model.name + ".eval.tmp.json")
    code, _ = _run(
        [sys.executable, "-m", "bot.workspace", "evaluate", "--model", str(model),
         "--project", str(project_dir), "--out", str(output)],
        project_dir, say,
    )
    if code != 0 or not output.exists():
        raise RuntimeError(f"evaluating {model.name} failed (exit code {code})")
    result = json.loads(output.read_text(encoding="utf-8"))
    output.unlink()
    return result


def notify_rasa(settings: WorkspaceSettings, model: Path) -> bool:
    """Asks the running Rasa server to load `model` (PUT /model); True when it did."""
    if not settings.rasa_url:
        return False
    try:
        answer = requests.put(
            f"{settings.rasa_url.rstrip('/')}/model",
            params={"token": settings.rasa_token},
            json={"model_file": str(model)},
            timeout=ACTIVATION_TIMEOUT_SECONDS,
        )
    except requests.RequestException:
        return False
    return answer.status_code in (200, 204)


def retrain_and_check(
    settings: WorkspaceSettings,
    tolerance: float = DEFAULT_TOLERANCE,
    say: Callable[[str], None] = print,
    work_dir: Path | None = None,
) -> RetrainResult:
    """Runs every step; see the module docstring.

    Args:
        settings: the project to retrain and the Rasa server to tell.
        tolerance: how much held-out accuracy a language may lose (0.02 = 2 points).
        say: where progress lines go.
        work_dir: where `rasa test` writes its reports (a temporary folder if None).

    Returns:
        The result; `activated` says whether the candidate now serves.
    """
    project = settings.project_dir
    result = RetrainResult(tolerance=tolerance)
    previous = latest_model(settings.models_dir)
    result.previous_model = previous.name if previous else None
    reports = work_dir or settings.work_dir / "reports" / datetime.now(timezone.utc).strftime(
        "%Y%m%d-%H%M%S"
    )
    reports.mkdir(parents=True, exist_ok=True)

    def step(name: str, ok: bool, detail: str, started: float) -> bool:
        result.steps.append(Step(name, ok, detail, round(time.monotonic() - started, 1)))
        say(f"==> {name}: {'ok' if ok else 'FAILED'} {detail}".rstrip())
        return ok

    def finish(status: str) -> RetrainResult:
        result.status = status
        result.finished_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return result

    say("==> 1/5 validating the training data")
    started = time.monotonic()
    code, output = _run(
        [RASA, "data", "validate", "--domain", "domain.yml", "--data", *TRAINING_DATA_DIRS],
        project, say,
    )
    if not step("validate", code == 0, "" if code == 0 else output[-600:], started):
        return finish("failed")

    say("==> 2/5 training a candidate model (the current model keeps serving)")
    started = time.monotonic()
    settings.candidates_dir.mkdir(parents=True, exist_ok=True)
    name = "candidate-" + datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    code, _ = _run(
        [RASA, "train", "--domain", "domain.yml", "--config", "config.yml",
         "--data", *TRAINING_DATA_DIRS, "--out", str(settings.candidates_dir),
         "--fixed-model-name", name],
        project, say,
    )
    candidate = settings.candidates_dir / f"{name}.tar.gz"
    if not step("train", code == 0 and candidate.exists(), candidate.name, started):
        return finish("failed")
    result.candidate_model = candidate.name

    say("==> 3/5 running the test stories")
    started = time.monotonic()
    code, output = _run(
        [RASA, "test", "core", "--model", str(candidate), "--stories", "tests/stories",
         "--fail-on-prediction-errors", "--out", str(reports), "--no-plot"],
        project, say,
    )
    failed = reports / "failed_test_stories.yml"
    detail = "all stories pass" if code == 0 else (
        f"see {failed}" if failed.exists() else output[-600:]
    )
    stories_ok = step("test stories", code == 0, detail, started)

    say("==> 4/5 held-out NLU evaluation per language")
    started = time.monotonic()
    try:
        candidate_eval = _evaluate(candidate, project, say)
        previous_eval = read_evaluation(previous)
        if previous is not None and previous_eval is None:
            say(f"    no stored evaluation for {previous.name}: evaluating it too")
            previous_eval = _evaluate(previous, project, say)
            store_evaluation(previous, previous_eval)
    except RuntimeError as error:
        step("held-out evaluation", False, str(error), started)
        return finish("error")
    store_evaluation(candidate, candidate_eval)
    result.comparison = compare(previous_eval, candidate_eval, tolerance)
    result.candidate_macro = candidate_eval["macro"]
    result.previous_macro = previous_eval["macro"] if previous_eval else None
    worse = [lang for lang, row in result.comparison.items() if not row["ok"]]
    step(
        "held-out evaluation", not worse,
        f"worse by more than {tolerance:.0%}: {', '.join(worse)}" if worse else
        f"macro {result.previous_macro} -> {result.candidate_macro}", started,
    )
    for language, row in result.comparison.items():
        say(f"    {language:8s} {row['previous']} -> {row['candidate']} ({row['delta']})")

    say("==> 5/5 activation")
    if not (stories_ok and not worse):
        say("    the candidate did not pass; the current model keeps serving")
        return finish("failed")
    served = settings.models_dir / f"{candidate.name.removeprefix('candidate-')}"
    shutil.move(str(candidate), served)
    shutil.move(str(candidate.with_name(name + ".eval.json")),
                served.with_name(served.name.removesuffix(".tar.gz") + ".eval.json"))
    os.utime(served)  # the newest model is the one the launcher serves
    result.activated = True
    result.candidate_model = served.name
    result.rasa_notified = notify_rasa(settings, served)
    say(f"    {served.name} is in models/; Rasa "
        f"{'loaded it' if result.rasa_notified else 'was not told (loads it on restart)'}")
    return finish("passed")
