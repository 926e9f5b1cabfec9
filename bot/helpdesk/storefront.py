"""The demo storefront: a shop page with the rasa-webchat widget talking to Rasa's socket.io.

| route | what |
|---|---|
| GET / | the page |
| GET /shop/shop.js, /shop/shop.css | its script and style sheet |
| GET /shop/webchat.js | the widget (npm package rasa-webchat, installed into web/node_modules) |
| GET /shop/config.json | Rasa's socket.io URL, the widget's labels per language, demo customers |

The widget is installed by scripts/install_webchat.sh (npm, no CDN). When it is missing
the page still loads and says how to install it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from sanic import Sanic

from bot.config import PROJECT_ROOT
from bot.helpdesk.pages import (
    CONTENT_TYPES,
    STRICT_CONTENT_SECURITY_POLICY,
    PageFile,
    add_page_routes,
    security_headers,
)
from bot.languages import SUPPORTED_LANGUAGES

STATIC_DIR = Path(__file__).resolve().parent / "static"
WEBCHAT_BUNDLE = PROJECT_ROOT / "web" / "node_modules" / "rasa-webchat" / "lib" / "index.js"
MISSING_WIDGET_SCRIPT = (
    b'document.documentElement.dataset.widgetMissing = "true";\n'
    b'console.error("The chat widget is not installed: run scripts/install_webchat.sh '
    b'(make run and make test do).");\n'
)


def storefront_config(rasa_public_url: str, data_dir: Path) -> dict[str, Any]:
    """What the page needs: where Rasa is, the widget's labels, the demo customers."""
    labels = {}
    for language in SUPPORTED_LANGUAGES:
        culture = yaml.safe_load((data_dir / "culture" / f"{language}.yml").read_text("utf-8"))
        labels[language] = culture["widget"]
    customers = yaml.safe_load((data_dir / "demo_customers.yml").read_text("utf-8"))
    return {
        "socket_url": rasa_public_url.rstrip("/"),
        "labels": labels,
        "customers": customers["customers"],
    }


def storefront_policy(rasa_public_url: str) -> dict[str, str]:
    """The strict policy, opened just enough for the widget and its socket to Rasa."""
    parts = urlsplit(rasa_public_url)
    socket_scheme = "wss" if parts.scheme == "https" else "ws"
    rasa_origins = f"{parts.scheme}://{parts.netloc} {socket_scheme}://{parts.netloc}"
    return {
        **STRICT_CONTENT_SECURITY_POLICY,
        "connect-src": f"'self' {rasa_origins}",
        # The widget (React) sets inline styles and inserts its own style sheet.
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self' data:",
    }


def add_storefront_routes(app: Sanic, rasa_url: str, data_dir: Path | None = None) -> None:
    """Adds the storefront's routes.

    Browsers reach Rasa at RASA_PUBLIC_URL, else at `rasa_url`.
    """
    public_url = os.environ.get("RASA_PUBLIC_URL") or rasa_url
    config = storefront_config(public_url, data_dir or PROJECT_ROOT / "data")
    widget = WEBCHAT_BUNDLE.read_bytes() if WEBCHAT_BUNDLE.is_file() else MISSING_WIDGET_SCRIPT
    files = [
        PageFile("/", CONTENT_TYPES[".html"], (STATIC_DIR / "shop.html").read_bytes()),
        PageFile("/shop/shop.js", CONTENT_TYPES[".js"], (STATIC_DIR / "shop.js").read_bytes()),
        PageFile("/shop/shop.css", CONTENT_TYPES[".css"], (STATIC_DIR / "shop.css").read_bytes()),
        PageFile("/shop/favicon.svg", CONTENT_TYPES[".svg"],
                 (STATIC_DIR / "favicon.svg").read_bytes()),
        PageFile("/shop/webchat.js", CONTENT_TYPES[".js"], widget),
        PageFile("/shop/config.json", "application/json",
                 json.dumps(config, ensure_ascii=False).encode("utf-8")),
    ]
    add_page_routes(app, files, "storefront", security_headers(storefront_policy(public_url)))
