"""Adds a corrected message to the training data: validated, locked, atomic.

An edit is one new line in data/nlu/<language>/<file>.yml. Before anything is written the
new file content is parsed again (YAML and Rasa's own reader) and checked as a whole: a
known intent, no text under two intents, nothing from the held-out evaluation set, no
personal data. Writers take one lock per project, write a temporary file and `os.replace`
it, so two browser sessions never interleave; a caller that read the data earlier passes
the version it saw and gets `StaleVersion` (HTTP 409) if someone else wrote in between.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from filelock import FileLock

from bot.languages import SUPPORTED_LANGUAGES
from bot.workspace.nlu_files import (
    comparable_text,
    examples_in,
    heldout_examples,
    nlu_dir,
    read_examples,
    training_examples,
)
from bot.workspace.pii import find_personal_data

MAX_EXAMPLE_CHARS = 300
LOCK_TIMEOUT_SECONDS = 30
ORDER_NUMBER = re.compile(r"(?<!\d)(\d{6})(?!\d)")
_INTENT_LINE = re.compile(r"^(\s*)- intent:\s*(\S+)\s*$")


class EditRejected(ValueError):
    """The edit would break the data; the message tells the support lead why."""


class StaleVersion(EditRejected):
    """The data changed since the caller read it (another session wrote first)."""


@dataclass(frozen=True)
class EditResult:
    """What was written."""

    path: Path
    intent: str
    language: str
    example: str
    version: str


def lock_for(project_dir: Path, name: str) -> FileLock:
    """The project-wide lock for one kind of edit (kept in git-ignored var/)."""
    locks = project_dir / "var" / "workspace-locks"
    locks.mkdir(parents=True, exist_ok=True)
    return FileLock(str(locks / f"{name}.lock"), timeout=LOCK_TIMEOUT_SECONDS)


def data_version(project_dir: Path, language: str) -> str:
    """A fingerprint of one language's training files; changes with every edit."""
    digest = hashlib.sha256()
    for path in sorted((nlu_dir(project_dir) / language).glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def known_intents(project_dir: Path) -> list[str]:
    """Intents a message can be corrected to: the domain's, with `faq` split by topic."""
    domain = yaml.safe_load((project_dir / "domain.yml").read_text(encoding="utf-8")) or {}
    intents = [str(i) for i in domain.get("intents", []) if str(i) != "faq"]
    topics = sorted(
        key.removeprefix("utter_") for key in (domain.get("responses") or {})
        if str(key).startswith("utter_faq/")
    )
    return intents + topics


def target_file(project_dir: Path, language: str, intent: str) -> Path:
    """Where a new example of `intent` goes.

    The file docs/CONTENT-GUIDE.md names for it (faq.yml, account.yml or general.yml), else
    the first other file that holds the intent (such as messy.yml).
    """
    folder = nlu_dir(project_dir) / language
    if intent.startswith("faq/"):
        home = folder / "faq.yml"
    elif intent in {"order_status", "ticket_status"}:
        home = folder / "account.yml"
    else:
        home = folder / "general.yml"
    if home.exists() and any(row[0] == intent for row in read_examples(home)):
        return home
    for path in sorted(folder.glob("*.yml")):
        if any(row[0] == intent for row in read_examples(path)):
            return path
    return home


def training_line(intent: str, text: str) -> str:
    """The example as it is written: order numbers annotated for `order_status`."""
    if intent == "order_status":
        return ORDER_NUMBER.sub(r"[\1](order_id)", text)
    return text


def check_example(project_dir: Path, language: str, intent: str, text: str) -> str:
    """Validates a new example against the whole data set; returns the cleaned text.

    Raises:
        EditRejected: unknown language or intent, empty or multi-line text, personal data,
            a text that is already trained (under any intent) or held out for evaluation.
    """
    if language not in SUPPORTED_LANGUAGES:
        raise EditRejected(f"unknown language {language!r}; use one of {SUPPORTED_LANGUAGES}")
    if intent not in known_intents(project_dir):
        raise EditRejected(f"unknown intent {intent!r} (see domain.yml)")
    cleaned = " ".join(str(text).split())
    if not cleaned:
        raise EditRejected("the example text is empty")
    if len(cleaned) > MAX_EXAMPLE_CHARS:
        raise EditRejected(f"the example is longer than {MAX_EXAMPLE_CHARS} characters")
    if "](" in cleaned or cleaned.startswith(("#", "-", "|", ">")):
        raise EditRejected("the example must be plain text (no markup or annotations)")
    personal = find_personal_data(cleaned)
    if personal:
        kinds = ", ".join(sorted({finding.kind.lower() for finding in personal}))
        raise EditRejected(f"the example contains personal data ({kinds}); rewrite it")
    # The same comparison as the content checks: case, accents and punctuation aside.
    wanted = comparable_text(cleaned)
    for other in SUPPORTED_LANGUAGES:
        for existing_intent, existing, _ in training_examples(other, project_dir):
            if comparable_text(existing) == wanted:
                where = f"data/nlu/{other}"
                if existing_intent == intent:
                    raise EditRejected(f"already a training example of {intent} in {where}")
                raise EditRejected(
                    f"already a training example of {existing_intent} in {where}; "
                    "one text may not teach two intents"
                )
    if any(comparable_text(t) == wanted for _, t, _ in heldout_examples(language, project_dir)):
        raise EditRejected(
            f"this text is held out for evaluation in tests/nlu/heldout/ ({language}); "
            "training on it would make the held-out evaluation meaningless"
        )
    return cleaned


def with_example(content: str, language: str, intent: str, line: str) -> str:
    """The file content with `line` appended to the intent's block (or a new block)."""
    lines = content.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next(
        (i for i, text in enumerate(lines)
         if (m := _INTENT_LINE.match(text)) and m.group(2).strip("\"'") == intent),
        None,
    )
    if start is None:
        if not lines:
            lines = ['version: "3.1"\n', "nlu:\n"]
        # The same indentation as the file's other intent blocks (2 in ours).
        found = [m.group(1) for text in lines if (m := _INTENT_LINE.match(text))]
        pad = found[0] if found else "  "
        block = (
            f"{pad}- intent: {intent}\n{pad}  metadata:\n{pad}    language: {language}\n"
            f"{pad}  examples: |\n{pad}    - {line}\n"
        )
        return "".join(lines) + block
    indent = len(_INTENT_LINE.match(lines[start]).group(1))
    last_example, item_indent = None, " " * (indent + 6)
    for i in range(start + 1, len(lines)):
        text = lines[i]
        stripped = text.lstrip(" ")
        current = len(text) - len(stripped)
        if stripped.strip() and current <= indent:
            break  # the next block or the end of the list
        if stripped.startswith("- ") and current > indent + 2:
            last_example, item_indent = i, " " * current
    if last_example is None:
        raise EditRejected(f"the block of {intent} has no examples list to extend")
    lines.insert(last_example + 1, f"{item_indent}- {line}\n")
    return "".join(lines)


def validate_content(before: str, after: str, path: Path, added: tuple[str, str, str]) -> None:
    """The new content parses (YAML and Rasa's reader) and differs by exactly `added`.

    Raises:
        EditRejected: anything else changed or the file would no longer load.
    """
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    try:
        parsed = yaml.safe_load(after)
        RasaYAMLReader().reads(after)
    except Exception as error:  # YAML errors and Rasa's schema errors alike
        raise EditRejected(f"{path.name} would not be valid training data: {error}") from None
    old_rows = examples_in(yaml.safe_load(before) or {}) if before else []
    if sorted(examples_in(parsed), key=str) != sorted([*old_rows, added], key=str):
        raise EditRejected(f"editing {path.name} would change more than the new example")


def atomic_write(path: Path, content: str) -> None:
    """Writes via a temporary file in the same folder and os.replace (never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def add_example(
    project_dir: Path, language: str, intent: str, text: str,
    expected_version: str | None = None,
) -> EditResult:
    """Adds `text` as a training example of `intent` in `language`.

    Args:
        project_dir: the project whose data/nlu is edited.
        language: a supported language tag (the folder under data/nlu).
        intent: a domain intent or `faq/<topic>`.
        text: the customer's message (as corrected by the support lead).
        expected_version: `data_version` as the caller saw it; None skips the check.

    Returns:
        Where the example went and the language's new data version.

    Raises:
        StaleVersion: the language's files changed since `expected_version`.
        EditRejected: the example or the resulting file is not acceptable.
    """
    with lock_for(project_dir, "nlu"):
        if expected_version is not None and expected_version != data_version(
            project_dir, language if language in SUPPORTED_LANGUAGES else "-"
        ):
            raise StaleVersion(
                f"data/nlu/{language} changed since you loaded it (another session saved); "
                "reload and try again"
            )
        cleaned = check_example(project_dir, language, intent, text)
        path = target_file(project_dir, language, intent)
        before = path.read_text(encoding="utf-8") if path.exists() else ""
        line = training_line(intent, cleaned)
        after = with_example(before, language, intent, line)
        validate_content(before, after, path, (intent, cleaned, language))
        atomic_write(path, after)
        return EditResult(path, intent, language, line, data_version(project_dir, language))
