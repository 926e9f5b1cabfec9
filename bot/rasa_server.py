"""Runs the Rasa server with this project's extensions; used instead of `rasa run`.

- Every custom action goes through bot/resilient_action.py, so the bot answers the
  customer even while the action server is down or slow.
- Started by the supervisor (bot/supervisor.py), it serves on the listening socket it
  inherits (file descriptor in KESTREL_LISTEN_FD): connections that arrive while this
  process restarts wait in that socket's queue instead of being refused.
- The API token comes from RASA_API_TOKEN, never from the command line (where `ps` shows
  it to every user of the machine).

It builds the same Sanic app as `rasa run` from Rasa's own functions (configure_app,
load_agent_on_start); only the socket differs.
"""

from __future__ import annotations

import argparse
import logging
import os
from functools import partial

from bot.config import load_settings
from bot.serving import run_app


def main() -> None:
    """`python -m bot.rasa_server --model M --endpoints E --credentials C [--port P]`."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--endpoints", required=True)
    parser.add_argument("--credentials", required=True)
    parser.add_argument("--interface", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=load_settings().rasa_port)
    parser.add_argument("--cors", nargs="*", default=None,
                        help="origins allowed to call the API from a browser (none by default)")
    args = parser.parse_args()

    from rasa.core import run as rasa_run
    from rasa.core.utils import AvailableEndpoints
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.io import configure_colored_logging
    from rasa.utils.log_utils import configure_structlog
    from rasa.utils.tensorflow.environment import setup_tf_environment

    from bot.helpdesk.outbox import Outbox
    from bot.resilient_action import install

    # As `rasa run` does: log levels, the log format, TensorFlow's environment.
    configure_logging_and_warnings(logging.INFO)
    configure_colored_logging(logging.INFO)
    configure_structlog(logging.INFO)
    setup_tf_environment()
    install(Outbox.in_var_dir(load_settings().var_dir))
    endpoints = AvailableEndpoints.read_endpoints(args.endpoints)
    app = rasa_run.configure_app(
        rasa_run.create_http_input_channels(None, args.credentials),
        cors=args.cors,
        auth_token=os.environ.get("RASA_API_TOKEN") or None,
        enable_api=True,
        port=args.port,
        endpoints=endpoints,
    )
    app.register_listener(
        partial(rasa_run.load_agent_on_start, args.model, endpoints, None), "before_server_start"
    )
    app.register_listener(rasa_run.close_resources, "after_server_stop")
    run_app(app, args.interface, args.port)


if __name__ == "__main__":
    main()
