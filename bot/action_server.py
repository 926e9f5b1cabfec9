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
from bot.culture.catalog import ResponseCatalog
from bot.culture.resources import culture_profiles
from bot.escalation import helpdesk_link
from bot.helpdesk.outbox import OutboxWorker
from bot.nlg import ReplyRenderer
from bot.translation import Translator

logger = logging.getLogger(__name__)


def create_action_server(catalog: ResponseCatalog | None = None) -> Sanic:
    """Creates the rasa-sdk app for the `actions` package with an /nlg route.

    Args:
        catalog: reply texts; loaded from domain.yml and data/responses/ when None.

    Returns:
        The Sanic app, not yet running.
    """
    settings = load_settings()
    catalog = catalog or ResponseCatalog.load(settings.domain_path, settings.responses_dir)
    renderer = ReplyRenderer(catalog, culture_profiles(), Translator())
    app = create_app("actions")
    link = helpdesk_link()

    @app.after_server_start
    async def deliver_outbox(app: Sanic, loop: object) -> None:
        # Tickets saved while the helpdesk was down go out as soon as it is back.
        OutboxWorker(link.outbox, link.client).start()

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
    app.run(args.host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
