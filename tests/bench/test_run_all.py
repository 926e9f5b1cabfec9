"""One failing part is reported as failed, with its log, and does not stop the run."""

from __future__ import annotations

import os

from bench import run_all
from bench.summary import PARTS, Part


def test_a_failing_part_is_reported_with_its_log() -> None:
    part = Part("nosuchpart", "bench.no_such_module", "missing part", "bench-nosuchpart")
    outcome = run_all.run_part(part, quick=True, reuse=False, env=dict(os.environ))
    assert outcome.status == "failed"
    assert "exit code 1" in outcome.detail
    log = run_all.LOGS / "nosuchpart.log"
    assert "No module named bench.no_such_module" in log.read_text()
    log.unlink()


def test_every_part_has_a_module_and_a_make_target() -> None:
    makefile = (run_all.PROJECT_ROOT / "Makefile").read_text()
    for part in PARTS:
        assert (run_all.PROJECT_ROOT / (part.module.replace(".", "/") + ".py")).is_file()
        assert f"\n{part.make_target}:" in makefile
    assert "\nbench:" in makefile and "\nbench-quick:" in makefile
