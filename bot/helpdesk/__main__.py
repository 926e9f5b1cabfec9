"""Runs the helpdesk service: `python -m bot.helpdesk --port 8000`."""

from __future__ import annotations

import argparse
import logging
import os

from bot.config import ensure_secret, load_settings
from bot.helpdesk.service import create_helpdesk_app
from bot.helpdesk.store import TicketStore
from bot.serving import run_app

logger = logging.getLogger(__name__)


def main() -> None:
    """Runs the service until Ctrl-C.

    Port: --port, else HELPDESK_PORT (8000). Tokens: HELPDESK_API_TOKEN and
    RASA_API_TOKEN (else var/secrets/, as for `make run`). Rasa and the action server:
    RASA_URL (http://127.0.0.1:5005) and ACTION_SERVER_URL (http://127.0.0.1:5055).
    Tickets: HELPDESK_DATABASE_URL, else var/helpdesk.db. A customer nobody has
    answered after HELPDESK_UNCLAIMED_SECONDS (600; 0 = never) gets an honest update.
    """
    settings = load_settings()
    parser = argparse.ArgumentParser(description="Kestrel Shop helpdesk (ticket queue API)")
    parser.add_argument("--port", type=int, default=settings.helpdesk_port)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    api_token, _ = ensure_secret("HELPDESK_API_TOKEN", settings.var_dir)
    rasa_token, _ = ensure_secret("RASA_API_TOKEN", settings.var_dir)
    app = create_helpdesk_app(
        TicketStore.from_environment(settings.var_dir),
        api_token,
        os.environ.get("RASA_URL", f"http://127.0.0.1:{settings.rasa_port}"),
        rasa_token,
        os.environ.get("ACTION_SERVER_URL", f"http://127.0.0.1:{settings.action_port}"),
        unclaimed_after=float(os.environ.get("HELPDESK_UNCLAIMED_SECONDS", "600")) or None,
    )
    logger.info("Helpdesk on http://%s:%d", args.host, args.port)
    run_app(app, args.host, args.port)


if __name__ == "__main__":
    main()
