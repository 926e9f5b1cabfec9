"""The pass/fail rule of retrain-and-check and the activation call (no training here)."""

from __future__ import annotations

from pathlib import Path

from bot.workspace.retrain import compare, notify_rasa
from bot.workspace.settings import WorkspaceSettings
from tests.workspace.retrain_support import ModelLoadRecorder


def evaluation(**accuracy: float) -> dict:
    return {"languages": {lang.replace("_", "-"): {"accuracy": value} for lang, value in accuracy.items()}}


def test_a_language_may_lose_up_to_the_tolerance_and_no_more() -> None:
    rows = compare(evaluation(en=0.95, hi=0.90, hi_Latn=0.88),
                   evaluation(en=0.96, hi=0.885, hi_Latn=0.85), tolerance=0.02)
    assert rows["en"] == {"previous": 0.95, "candidate": 0.96, "delta": 0.01, "ok": True}
    assert rows["hi"]["ok"] is True and rows["hi"]["delta"] == -0.015
    assert rows["hi-Latn"]["ok"] is False


def test_without_a_previous_evaluation_every_language_is_new() -> None:
    rows = compare(None, evaluation(en=0.5), tolerance=0.0)
    assert rows == {"en": {"previous": None, "candidate": 0.5, "delta": None, "ok": True}}


def settings(tmp_path: Path, rasa_url: str | None, token: str) -> WorkspaceSettings:
    return WorkspaceSettings(tmp_path, tmp_path / "endpoints.yml", rasa_url, token, tmp_path / "work")


def test_activation_tells_rasa_to_load_the_model_with_its_token(tmp_path: Path) -> None:
    recorder = ModelLoadRecorder("secret").start()
    try:
        assert notify_rasa(settings(tmp_path, recorder.url, "secret"), tmp_path / "m.tar.gz") is True
        assert notify_rasa(settings(tmp_path, recorder.url, "wrong"), tmp_path / "m.tar.gz") is False
    finally:
        recorder.stop()
    assert recorder.calls[0]["body"] == {"model_file": str(tmp_path / "m.tar.gz")}
    assert notify_rasa(settings(tmp_path, None, ""), tmp_path / "m.tar.gz") is False
    assert notify_rasa(settings(tmp_path, "http://127.0.0.1:9", ""), tmp_path / "m.tar.gz") is False
