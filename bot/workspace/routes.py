"""The workspace's HTTP side on the helpdesk app: static pages and /api/workspace routes.

| route | what |
|---|---|
| GET /workspace (+ /workspace/workspace.js, .css) | the page (no data in it, no token) |
| GET /api/workspace/meta | languages, flags, intents the page offers |
| GET /api/workspace/conversations?language=&channel=&since=&until=&flags=a,b | newest first |
| GET /api/workspace/conversations/<id> | transcript with the NLU of every message |
| GET /api/workspace/nlu/<language>/version | the version an edit must name |
| POST /api/workspace/nlu/examples | {language, intent, text, version}: 201, 400, 409 |
| POST /api/workspace/conversations/<id>/export | {kind, corrections: {turn: intent}}: 201 |
| GET /api/workspace/coverage (+ /coverage.png) | coverage per language, heat map |
| POST /api/workspace/retrain | {tolerance}: 202 {job}; 409 while one runs |
| GET /api/workspace/retrain/<job> (or /latest) | state, progress log, comparison |

The /api routes sit behind the helpdesk's Bearer-token middleware. Customer text is sent to
the page as data and inserted there as text nodes only; the page's CSP forbids inline code.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from sanic import Sanic, response
from sanic.exceptions import InvalidUsage, NotFound, SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.languages import SUPPORTED_LANGUAGES
from bot.workspace.conversations import FLAGS, ConversationReader, InvalidFilter, parse_filter
from bot.workspace.jobs import RetrainBusy, RetrainJobs
from bot.workspace.nlu_edits import EditRejected, StaleVersion, add_example, data_version
from bot.workspace.settings import WorkspaceSettings
from bot.workspace.story_export import AlreadyExported

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE_PATH = "/workspace"
API = "/api/workspace"
MAX_CONVERSATIONS = 200
SECURITY_HEADERS = {
    "Content-Security-Policy": "; ".join([
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
        # The coverage plot is fetched with the token and shown from a blob: URL.
        "img-src 'self' blob:", "base-uri 'none'", "form-action 'none'",
        "frame-ancestors 'none'",
    ]),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
PAGES = {
    PAGE_PATH: ("workspace.html", "text/html; charset=utf-8"),
    f"{PAGE_PATH}/workspace.js": ("workspace.js", "text/javascript; charset=utf-8"),
    f"{PAGE_PATH}/workspace.css": ("workspace.css", "text/css; charset=utf-8"),
}

_dumps = partial(json.dumps, ensure_ascii=False)


class Conflict(SanicException):
    """409: the data changed under the caller, or a run is already going."""

    status_code = 409


def _json(body: Any, status: int = 200) -> HTTPResponse:
    return response.json(body, status=status, dumps=_dumps)


def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(request.body) if request.body else {}
    except (ValueError, RecursionError):
        raise InvalidUsage("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise InvalidUsage("expected a JSON object body")
    return body


def _string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidUsage(f"'{name}' must be a non-empty string")
    return value


async def _edit(function: Callable[..., Any], *args: Any) -> Any:
    """Runs a file edit in a thread and maps its refusals to 400 / 409."""
    try:
        return await asyncio.to_thread(function, *args)
    except (StaleVersion, AlreadyExported) as error:
        raise Conflict(str(error)) from None
    except EditRejected as error:
        raise InvalidUsage(str(error)) from None


def add_workspace_routes(
    app: Sanic, rasa_url: str | None = None, rasa_token: str | None = None,
    settings: WorkspaceSettings | None = None,
) -> None:
    """Adds the workspace page and API to the helpdesk app.

    Args:
        app: the helpdesk app (its middleware guards every /api route with the token).
        rasa_url: the Rasa server a passed model is activated on.
        rasa_token: its auth token.
        settings: where to read and write; from the environment when None.
    """
    workspace = settings or WorkspaceSettings.from_environment(rasa_url, rasa_token)
    reader = ConversationReader(workspace.endpoints_file)
    jobs = RetrainJobs(workspace)
    project = workspace.project_dir

    for index, (route, (file_name, content_type)) in enumerate(PAGES.items()):
        app.add_route(_page(STATIC_DIR / file_name, content_type), route, methods=["GET"],
                      name=f"workspace_page_{index}")

    async def meta(request: Request) -> HTTPResponse:
        from bot.workspace.nlu_edits import known_intents

        return _json({
            "languages": list(SUPPORTED_LANGUAGES),
            "flags": list(FLAGS),
            "intents": await asyncio.to_thread(known_intents, project),
        })

    async def conversations(request: Request) -> HTTPResponse:
        try:
            criteria = parse_filter({k: request.args.get(k) for k in (
                "language", "channel", "since", "until", "flags")})
        except InvalidFilter as error:
            raise InvalidUsage(str(error)) from None
        found = await reader.list(criteria, MAX_CONVERSATIONS)
        return _json([conversation.as_dict(with_turns=False) for conversation in found])

    async def conversation(request: Request, conversation_id: str) -> HTTPResponse:
        found = await reader.get(conversation_id)
        if found is None:
            raise NotFound("no such conversation")
        return _json(found.as_dict())

    async def version(request: Request, language: str) -> HTTPResponse:
        if language not in SUPPORTED_LANGUAGES:
            raise InvalidUsage(f"unknown language {language!r}")
        return _json({"language": language,
                      "version": await asyncio.to_thread(data_version, project, language)})

    async def add_training_example(request: Request) -> HTTPResponse:
        body = _body(request)
        expected = body.get("version")
        if expected is not None and not isinstance(expected, str):
            raise InvalidUsage("'version' must be a string")
        result = await _edit(
            add_example, project, _string(body, "language"), _string(body, "intent"),
            _string(body, "text"), expected,
        )
        return _json({
            "file": str(result.path.relative_to(project)), "intent": result.intent,
            "language": result.language, "example": result.example, "version": result.version,
        }, 201)

    async def export(request: Request, conversation_id: str) -> HTTPResponse:
        from bot.workspace.story_export import export_story

        body = _body(request)
        corrections = body.get("corrections") or {}
        if not isinstance(corrections, dict) or not all(
            isinstance(k, str) and k.isdigit() and isinstance(v, str)
            for k, v in corrections.items()
        ):
            raise InvalidUsage("'corrections' must map turn numbers to intents")
        found = await reader.get(conversation_id)
        if found is None:
            raise NotFound("no such conversation")
        result = await _edit(
            export_story, found, body.get("kind", "test"), project,
            {int(k): v for k, v in corrections.items()},
        )
        return _json({
            "file": str(result.path.relative_to(project)), "story": result.story,
            "notes": result.notes,
        }, 201)

    async def coverage_report(request: Request) -> HTTPResponse:
        from bot.workspace.coverage import coverage

        return _json(await asyncio.to_thread(coverage, project))

    async def coverage_png(request: Request) -> HTTPResponse:
        from bot.workspace.coverage import coverage, coverage_plot

        report = await asyncio.to_thread(coverage, project)
        png = await asyncio.to_thread(coverage_plot, report)
        return response.raw(png, content_type="image/png", headers={"Cache-Control": "no-store"})

    async def start_retrain(request: Request) -> HTTPResponse:
        tolerance = _body(request).get("tolerance", 0.02)
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) or not (
            0 <= tolerance <= 1
        ):
            raise InvalidUsage("'tolerance' must be a number from 0 to 1")
        try:
            job_id = await asyncio.to_thread(jobs.start, float(tolerance))
        except RetrainBusy as error:
            raise Conflict(str(error)) from None
        return _json({"job": job_id, "state": "running"}, 202)

    async def retrain_status(request: Request, job_id: str) -> HTTPResponse:
        status = await asyncio.to_thread(
            jobs.latest if job_id == "latest" else partial(jobs.status, job_id)
        )
        if status is None:
            raise NotFound("no such retrain run")
        return _json(status)

    routes: list[tuple[Callable[..., Awaitable[HTTPResponse]], str, str]] = [
        (meta, "/meta", "GET"),
        (conversations, "/conversations", "GET"),
        (conversation, "/conversations/<conversation_id:str>", "GET"),
        (export, "/conversations/<conversation_id:str>/export", "POST"),
        (version, "/nlu/<language:str>/version", "GET"),
        (add_training_example, "/nlu/examples", "POST"),
        (coverage_report, "/coverage", "GET"),
        (coverage_png, "/coverage.png", "GET"),
        (start_retrain, "/retrain", "POST"),
        (retrain_status, "/retrain/<job_id:str>", "GET"),
    ]
    for handler, path, method in routes:
        app.add_route(handler, API + path, methods=[method], name=f"workspace_{handler.__name__}")


def _page(path: Path, content_type: str) -> Callable[[Request], Awaitable[HTTPResponse]]:
    body = path.read_bytes()

    async def serve(request: Request) -> HTTPResponse:
        return response.raw(body, content_type=content_type, headers=dict(SECURITY_HEADERS))

    return serve
