"""The action server: rasa-sdk's app for actions/ plus our NLG endpoint (POST /nlg)."""

from __future__ import annotations

import argparse
import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import load_settings
from bot.escalation import helpdesk_link
from bot.helpdesk.outbox import HELPDESK_TARGET, RASA_TARGET, OutboxWorker
from bot.nlg import ReplyRenderer, default_renderer
from bot.rasa_client import RasaClient
from bot.serving import run_app

logger = logging.getLogger(__name__)


def create_action_server(renderer: ReplyRenderer | None = None) -> Sanic:
    """Creates the rasa-sdk app for the `actions` package with an /nlg route.

    Args:
        renderer: renders replies for /nlg; the project's data/ when None.

    Returns:
        The Sanic app, not yet running.
    """
    renderer = renderer or default_renderer()
    app = create_app("actions")
    link = helpdesk_link()

    @app.after_server_start
    async def deliver_outbox(app: Sanic, loop: object) -> None:
        # Work saved while the helpdesk or this server was down goes out as soon as it can.
        senders = {HELPDESK_TARGET: link.client, RASA_TARGET: RasaClient.from_environment()}
        OutboxWorker(link.outbox, senders).start()

    @app.post("/nlg")
    async def nlg(request: Request) -> HTTPResponse:
        body = request.json if isinstance(request.json, dict) else None
        if body is None or not body.get("response"):
            return response.json({"error": "expected a JSON body with 'response'"}, status=400)
        return response.json(renderer.render(body))

    return app


def main() -> None:
    """Runs the action server (port from --port or ACTION_PORT, default 5055)."""
    parser = argparse.ArgumentParser(description="Kestrel Shop action + NLG server")
    parser.add_argument("--port", type=int, default=load_settings().action_port)
    parser.add_argument("--host", default=os.environ.get("SANIC_HOST", "127.0.0.1"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # rasa-sdk warns for every slot without a validate_ method; ours need none.
    logging.getLogger("rasa_sdk.forms").setLevel(logging.ERROR)
    app = create_action_server()
    logger.info("Action server with NLG on http://%s:%d", args.host, args.port)
    run_app(app, args.host, args.port)


if __name__ == "__main__":
    main()
