"""`make run`: starts the whole assistant and keeps it running until Ctrl-C.

Rasa, the action server and the helpdesk run as bot/topology.py describes; a process that
crashes is restarted while the others keep serving (bot/supervisor.py).
"""

from __future__ import annotations

import logging
import signal
import time

from bot.config import ensure_secret, load_settings
from bot.topology import AssistantStack


def main() -> None:
    """Start everything and wait for Ctrl-C."""
    # Explicit handlers: a process started in the background inherits an ignored SIGINT.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    settings = load_settings()
    token, token_file = ensure_secret("RASA_API_TOKEN", settings.var_dir)
    helpdesk_token, helpdesk_token_file = ensure_secret("HELPDESK_API_TOKEN", settings.var_dir)
    stack = AssistantStack(
        settings.rasa_port, settings.action_port, settings.var_dir, token,
        helpdesk_port=settings.helpdesk_port, helpdesk_token=helpdesk_token,
        rasa_standby=settings.rasa_standby,
    )
    print("Starting the Kestrel Shop assistant (loading the model takes a little while)...")
    try:
        stack.start()
    except (RuntimeError, KeyboardInterrupt) as error:
        stack.stop()
        raise SystemExit(f"Could not start: {error}") from None
    print(
        "\nRunning:\n"
        f"  Rasa server     {stack.rasa_url}  (REST: /webhooks/rest/webhook, socket.io, HTTP API)\n"
        f"  Action server   {stack.action_url}  (actions: /webhook, replies: /nlg)\n"
        f"  Helpdesk        {stack.helpdesk_url}  (ticket API: /api/tickets, /health)\n"
        f"  Storefront      {stack.helpdesk_url}/  (demo shop with the chat widget)\n"
        f"  Agent console   {stack.helpdesk_url}/console\n"
        f"  Rasa API token  {'from $RASA_API_TOKEN' if token_file is None else token_file}\n"
        f"  Helpdesk token  "
        f"{'from $HELPDESK_API_TOKEN' if helpdesk_token_file is None else helpdesk_token_file}\n"
        f"  Logs            {stack.log_dir}\n"
        "A process that stops unexpectedly is restarted. Press Ctrl-C to stop."
    )
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping...")
    finally:
        stack.stop()
    print("Stopped.")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
