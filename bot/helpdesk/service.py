"""The helpdesk HTTP service: the ticket API for the bot and the agents, and /health.

Routes (every /api route needs `Authorization: Bearer <api token>`):

| route | what |
|---|---|
| GET /health | {"rasa", "actions", "helpdesk"}: "ok"/"down"; 200 when all are ok, else 503 |
| GET /console | the agent console page (no token; it calls the /api routes, see console.py) |
| GET / | the demo storefront with the chat widget (see storefront.py) |
| GET /api/tickets?status=&language=&conversation_id= | tickets, most urgent first |
| POST /api/tickets | create, keyed by Idempotency-Key (or idempotency_key): 201, or 200 |
| GET /api/tickets/<id> | one ticket |
| POST /api/tickets/<id>/messages | {role: customer or bot, text}: relayed during a handoff |
| POST /api/tickets/<id>/claim | {agent} |
| POST /api/tickets/<id>/reply | {agent, text}: stored and delivered to the customer via Rasa |
| POST /api/tickets/<id>/note | {agent, text}: internal note |
| POST /api/tickets/<id>/resolve, /handback | end the handoff (and resolve), in store and Rasa |
| POST /api/tickets/<id>/csat | {score: 1..5} |
| POST /api/tickets/<id>/cancel | {text?}: the customer withdrew the request (no call to Rasa) |
| POST /api/ratings | {conversation_id, score: 1..5, language?}, keyed: rating without ticket |
| GET /api/ratings?conversation_id=&flagged= | conversation ratings, newest first |

Agent operations answer {"ticket": ...}, plus "delivered": true/false where Rasa is told.
Errors are JSON {"error": "..."}: 4xx for bad input, never a 5xx because of it.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

import aiohttp
from sanic import Sanic, response
from sanic.exceptions import InvalidUsage, NotFound, SanicException, ServiceUnavailable
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import OperationalError
from yarl import URL

from bot.helpdesk.console import add_console_routes
from bot.helpdesk.store import (
    ASSISTANT_AUTHOR,
    MAX_KEY_CHARS,
    MAX_NAME_CHARS,
    MAX_TEXT_CHARS,
    STATUSES,
    InvalidTicketData,
    TicketStore,
)
from bot.helpdesk.storefront import add_storefront_routes

logger = logging.getLogger(__name__)

HEALTH_TIMEOUT_SECONDS = 2.0
DELIVERY_TIMEOUT_SECONDS = 5.0
# Large enough for a long transcript, small enough that nobody fills memory or the disk.
MAX_BODY_BYTES = 512 * 1024
RELAYED_ROLES = ("customer", "bot")

_T = TypeVar("_T")
_dumps = partial(json.dumps, ensure_ascii=False)


class RasaBridge:
    """Calls Rasa's HTTP API and the action server (one aiohttp session, made lazily)."""

    def __init__(self, rasa_url: str, rasa_token: str, action_url: str) -> None:
        """Remembers where Rasa and the action server are.

        Args:
            rasa_url: e.g. "http://127.0.0.1:5005".
            rasa_token: Rasa's `--auth-token`.
            action_url: e.g. "http://127.0.0.1:5055".
        """
        self.rasa_url = rasa_url.rstrip("/")
        self.action_url = action_url.rstrip("/")
        self._rasa_token = rasa_token
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        """The shared client session, created inside the server's event loop."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        """Closes the session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def is_up(self, url: str) -> bool:
        """True when GET `url` answers 200 within HEALTH_TIMEOUT_SECONDS."""
        timeout = aiohttp.ClientTimeout(total=HEALTH_TIMEOUT_SECONDS)
        try:
            async with self.session().get(url, timeout=timeout) as answer:
                return answer.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False

    async def health(self) -> tuple[bool, bool]:
        """Whether Rasa (GET /) and the action server (GET /health) answer."""
        rasa, actions = await asyncio.gather(
            self.is_up(f"{self.rasa_url}/"), self.is_up(f"{self.action_url}/health")
        )
        return rasa, actions

    async def post_events(self, conversation_id: str, events: list[dict[str, Any]]) -> bool:
        """Appends events to the conversation's tracker; True when Rasa accepted them.

        With `execute_side_effects` and `output_channel=latest` Rasa also sends bot events
        to the channel the customer last wrote from (socket.io, messaging platforms).
        """
        return await self._post(
            conversation_id, "tracker/events", events, {"execute_side_effects": "true"}
        )

    async def say(
        self, conversation_id: str, response: str, slots: Mapping[str, Any]
    ) -> bool:
        """Sets `slots`, then lets the bot say `response` in the customer's language.

        The slots come first so that the reply's placeholders ({ticket_id}) are filled
        from them. Rasa's /execute does not listen afterwards; without a listen the rules
        would not match the customer's next message, so one is appended.
        """
        events = [{"event": "slot", "name": name, "value": value} for name, value in slots.items()]
        if events and not await self.post_events(conversation_id, events):
            return False
        said = await self._post(conversation_id, "execute", {"name": response})
        listen = [{"event": "action", "name": "action_listen"}]
        return said and await self.post_events(conversation_id, listen)

    async def _post(
        self, conversation_id: str, endpoint: str, body: Any,
        extra_params: Mapping[str, str] | None = None,
    ) -> bool:
        url = URL(
            f"{self.rasa_url}/conversations/{quote(conversation_id, safe='')}/{endpoint}",
            encoded=True,
        )
        params = {"output_channel": "latest", **(extra_params or {})}
        if self._rasa_token:
            params["token"] = self._rasa_token
        timeout = aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT_SECONDS)
        try:
            async with self.session().post(
                url, params=params, json=body, timeout=timeout
            ) as answer:
                if answer.status < 300:
                    return True
                # The URL carries the token: log the status only.
                logger.warning("Rasa refused %s for %s: HTTP %d", endpoint, conversation_id,
                               answer.status)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("Rasa unreachable for %s: %s", conversation_id,
                           type(error).__name__)
        return False


UNCLAIMED_NOTE = "Told the customer that nobody has picked up the ticket yet."


async def _watch_unclaimed(store: TicketStore, bridge: RasaBridge, after: float) -> None:
    """Every few seconds, updates customers whose handoff nobody has claimed in time."""
    while True:
        await asyncio.sleep(min(30.0, max(1.0, after / 3)))
        try:
            await notify_unclaimed(store, bridge, after)
        except Exception:  # keep watching: one bad round must not end the updates
            logger.exception("Checking unclaimed tickets failed; will retry.")


async def notify_unclaimed(store: TicketStore, bridge: RasaBridge, after: float) -> int:
    """Tells each customer waiting longer than `after` seconds, once. Returns how many."""
    now = datetime.now(timezone.utc)
    told = 0
    for ticket in await _run(store.list, "open"):
        created = datetime.fromisoformat(ticket["created_at"])
        if created.tzinfo is None:
            created = created.replace(tzinfo=timezone.utc)
        waited = (now - created).total_seconds()
        already = any(n.get("text") == UNCLAIMED_NOTE for n in ticket["notes"])
        if not ticket["handoff_active"] or ticket["assignee"] or waited < after or already:
            continue
        if await bridge.say(
            ticket["conversation_id"], "utter_handoff_no_agent_yet",
            {"ticket_id": str(ticket["id"])},
        ):
            await _run(store.add_message, ticket["id"], "note", UNCLAIMED_NOTE,
                       ASSISTANT_AUTHOR)
            told += 1
    return told


def create_helpdesk_app(
    store: TicketStore,
    api_token: str,
    rasa_url: str,
    rasa_token: str,
    action_url: str,
    name: str = "helpdesk",
    unclaimed_after: float | None = None,
) -> Sanic:
    """Creates the helpdesk app.

    Args:
        store: where tickets live.
        api_token: the Bearer token every /api route requires (must not be empty).
        rasa_url: Rasa's HTTP API, e.g. "http://127.0.0.1:5005".
        rasa_token: Rasa's auth token, to post agent replies and slot events.
        action_url: the action server, e.g. "http://127.0.0.1:5055" (for /health).
        name: the Sanic app name (unique per process).
        unclaimed_after: seconds after which a customer waiting in a live handoff that no
            agent has claimed gets an honest update (once); None switches this off.

    Returns:
        The Sanic app, not yet running.

    Raises:
        ValueError: `api_token` is empty.
    """
    if not api_token:
        raise ValueError("the helpdesk needs a non-empty API token")
    expected_token = api_token.encode("utf-8")
    bridge = RasaBridge(rasa_url, rasa_token, action_url)
    app = Sanic(name)
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.bridge = bridge

    @app.after_server_stop
    async def close_bridge(_app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
        await bridge.close()

    if unclaimed_after:
        @app.after_server_start
        async def watch_unclaimed(_app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
            _app.add_task(_watch_unclaimed(store, bridge, unclaimed_after))

    @app.middleware("request")
    async def authenticate(request: Request) -> HTTPResponse | None:
        if request.path != "/api" and not request.path.startswith("/api/"):
            return None
        scheme, _, supplied = request.headers.get("authorization", "").partition(" ")
        # compare_digest on bytes: str arguments must be ASCII, headers need not be.
        if scheme.lower() == "bearer" and hmac.compare_digest(
            supplied.strip().encode("utf-8", "replace"), expected_token
        ):
            return None
        return _json(
            {"error": "missing or invalid bearer token"}, 401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.exception(SanicException)
    async def sanic_error(request: Request, error: SanicException) -> HTTPResponse:
        return _json({"error": str(error) or "error"}, getattr(error, "status_code", 500) or 500)

    @app.exception(Exception)
    async def unexpected_error(request: Request, error: Exception) -> HTTPResponse:
        logger.exception("Unexpected error in %s %s", request.method, request.path)
        return _json({"error": "internal error"}, 500)

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        (rasa, actions), helpdesk = await asyncio.gather(bridge.health(), _store_ok(store))
        body = {
            "rasa": "ok" if rasa else "down",
            "actions": "ok" if actions else "down",
            "helpdesk": "ok" if helpdesk else "down",
        }
        return _json(body, 200 if rasa and actions and helpdesk else 503)

    @app.get("/api/tickets")
    async def list_tickets(request: Request) -> HTTPResponse:
        status = request.args.get("status") or None
        if status is not None and status not in STATUSES:
            raise InvalidUsage(f"status must be one of {', '.join(STATUSES)}")
        tickets = await _run(
            store.list,
            status=status,
            language=request.args.get("language") or None,
            conversation_id=request.args.get("conversation_id") or None,
        )
        return _json(tickets)

    @app.post("/api/tickets")
    async def create_ticket(request: Request) -> HTTPResponse:
        body = _json_body(request)
        key = _idempotency_key(request, body)
        ticket, created = await _run(store.create, body, key)
        return _json(
            ticket, 201 if created else 200, headers={"Location": f"/api/tickets/{ticket['id']}"}
        )

    @app.get("/api/tickets/<ticket_id:int>")
    async def get_ticket(request: Request, ticket_id: int) -> HTTPResponse:
        return _json(_found(await _run(store.get, ticket_id)))

    @app.post("/api/tickets/<ticket_id:int>/messages")
    async def add_message(request: Request, ticket_id: int) -> HTTPResponse:
        body = _json_body(request)
        role = body.get("role")
        if role not in RELAYED_ROLES:
            raise InvalidUsage(f"role must be one of {', '.join(RELAYED_ROLES)}")
        # Customer text is never refused for its length (the store cuts it).
        text = _text_field(body, "text", limit=None)
        ticket = _found(await _run(store.add_message, ticket_id, role, text))
        return _json({"ticket": ticket}, 201)

    @app.post("/api/tickets/<ticket_id:int>/claim")
    async def claim(request: Request, ticket_id: int) -> HTTPResponse:
        agent = _text_field(_json_body(request), "agent", MAX_NAME_CHARS)
        return _json({"ticket": _found(await _run(store.claim, ticket_id, agent))})

    @app.post("/api/tickets/<ticket_id:int>/reply")
    async def reply(request: Request, ticket_id: int) -> HTTPResponse:
        body = _json_body(request)
        agent = _text_field(body, "agent", MAX_NAME_CHARS)
        # An agent's reply is refused rather than cut: the agent can shorten it.
        text = _text_field(body, "text", MAX_TEXT_CHARS)
        ticket = _found(await _run(store.add_message, ticket_id, "agent", text, agent))
        delivered = await bridge.post_events(
            ticket["conversation_id"],
            [{"event": "bot", "text": text, "metadata": {"agent": agent}}],
        )
        return _json({"ticket": ticket, "delivered": delivered})

    @app.post("/api/tickets/<ticket_id:int>/note")
    async def note(request: Request, ticket_id: int) -> HTTPResponse:
        body = _json_body(request)
        agent = _text_field(body, "agent", MAX_NAME_CHARS)
        text = _text_field(body, "text", MAX_TEXT_CHARS)
        ticket = _found(await _run(store.add_message, ticket_id, "note", text, agent))
        return _json({"ticket": ticket})

    @app.post("/api/tickets/<ticket_id:int>/resolve")
    async def resolve(request: Request, ticket_id: int) -> HTTPResponse:
        ticket = _found(await _run(store.resolve, ticket_id))
        # The rating question names the ticket: its number comes from the slot set here.
        delivered = await bridge.say(
            ticket["conversation_id"], "utter_ask_csat",
            {"handoff_active": False, "ticket_id": str(ticket["id"])},
        )
        return _json({"ticket": ticket, "delivered": delivered})

    @app.post("/api/tickets/<ticket_id:int>/handback")
    async def hand_back(request: Request, ticket_id: int) -> HTTPResponse:
        ticket = _found(await _run(store.hand_back, ticket_id))
        delivered = await bridge.say(
            ticket["conversation_id"], "utter_back_to_bot",
            {"handoff_active": False, "ticket_id": str(ticket["id"])},
        )
        return _json({"ticket": ticket, "delivered": delivered})

    @app.post("/api/tickets/<ticket_id:int>/csat")
    async def csat(request: Request, ticket_id: int) -> HTTPResponse:
        score = _json_body(request).get("score")
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise InvalidUsage("'score' must be an integer from 1 to 5")
        return _json({"ticket": _found(await _run(store.set_csat, ticket_id, score))})

    @app.post("/api/tickets/<ticket_id:int>/cancel")
    async def cancel(request: Request, ticket_id: int) -> HTTPResponse:
        # Called by the action server while Rasa holds this conversation's lock, so it
        # must not call back into Rasa: the action itself ends the handoff there.
        text = _text_field(_json_body(request), "text", None, required=False)
        return _json({"ticket": _found(await _run(store.cancel_by_customer, ticket_id, text))})

    @app.post("/api/ratings")
    async def rate_conversation(request: Request) -> HTTPResponse:
        body = _json_body(request)
        key = _idempotency_key(request, body)
        rating = await _run(
            store.rate_conversation, body.get("conversation_id"), body.get("score"),
            body.get("language"), key,
        )
        return _json({"rating": rating}, 201)

    @app.get("/api/ratings")
    async def list_ratings(request: Request) -> HTTPResponse:
        flagged = request.args.get("flagged")
        if flagged not in (None, "true", "false"):
            raise InvalidUsage("'flagged' must be true or false")
        ratings = await _run(
            store.ratings, request.args.get("conversation_id"),
            None if flagged is None else flagged == "true",
        )
        return _json({"ratings": ratings})

    add_console_routes(app)
    from bot.workspace.routes import add_workspace_routes  # the support-lead workspace

    add_workspace_routes(app, rasa_url, rasa_token)
    add_storefront_routes(app, rasa_url)
    return app


def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> HTTPResponse:
    return response.json(body, status=status, headers=dict(headers or {}), dumps=_dumps)


def _json_body(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or a 400."""
    try:
        body = json.loads(request.body) if request.body else None
    except (ValueError, RecursionError):
        # ValueError covers bad JSON and undecodable bytes; deep nesting recurses.
        raise InvalidUsage("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise InvalidUsage("expected a JSON object body")
    return body


def _idempotency_key(request: Request, body: Mapping[str, Any]) -> str:
    key = request.headers.get("idempotency-key") or body.get("idempotency_key")
    if not isinstance(key, str) or not key.strip():
        raise InvalidUsage("an Idempotency-Key header or 'idempotency_key' is required")
    if len(key) > MAX_KEY_CHARS:
        raise InvalidUsage(f"the idempotency key is longer than {MAX_KEY_CHARS} characters")
    return key


def _text_field(
    body: Mapping[str, Any], name: str, limit: int | None, *, required: bool = True
) -> str:
    value = body.get(name)
    if not required and (value is None or (isinstance(value, str) and not value.strip())):
        return ""
    if not isinstance(value, str) or not value.strip():
        raise InvalidUsage(f"'{name}' must be a non-empty string")
    if limit is not None and len(value) > limit:
        raise InvalidUsage(f"'{name}' is longer than {limit} characters")
    return value


def _found(ticket: dict[str, Any] | None) -> dict[str, Any]:
    if ticket is None:
        raise NotFound("no such ticket")
    return ticket


async def _run(function: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Runs a store call in a worker thread (SQL blocks) and maps its errors to HTTP."""
    try:
        return await asyncio.to_thread(function, *args, **kwargs)
    except InvalidTicketData as error:
        raise InvalidUsage(str(error)) from None
    except OperationalError:
        logger.exception("The ticket store failed.")
        raise ServiceUnavailable("the ticket store is unavailable") from None


async def _store_ok(store: TicketStore) -> bool:
    try:
        await asyncio.to_thread(store.queue_length)
    except Exception:  # any failure means "down" here; the details go to the log
        logger.exception("The ticket store does not answer.")
        return False
    return True
