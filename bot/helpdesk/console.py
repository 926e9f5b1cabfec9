"""The agent console: a static page (HTML, JS, CSS) served by the helpdesk app.

| route | what |
|---|---|
| GET /console | the page |
| GET /console/console.js, /console/console.css | its script and style sheet |
| GET /console/favicon.svg | its icon |

The files need no token: they hold no data. The page reads and changes tickets through
the /api routes, sending the API token the agent typed in as an `Authorization` header.
Every answer carries a strict Content-Security-Policy (scripts only from this origin, no
inline script or style, requests only to this origin), so that even text that slipped
into the page as markup could not run; the script itself inserts customer and agent text
as text nodes only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

STATIC_DIR = Path(__file__).resolve().parent / "static"
CONSOLE_PATH = "/console"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # The files are small; no-cache keeps the console in step with the service.
    "Cache-Control": "no-cache",
}


@dataclass(frozen=True)
class ConsoleFile:
    """One file of the console, read once when the routes are added."""

    route: str
    content_type: str
    body: bytes


def console_files(static_dir: Path = STATIC_DIR) -> list[ConsoleFile]:
    """The console's files with their routes and content types.

    Args:
        static_dir: the folder holding console.html, console.js, console.css and
            favicon.svg.

    Returns:
        The page first, then its script, style sheet and icon.

    Raises:
        FileNotFoundError: a file is missing.
    """
    return [
        ConsoleFile(
            CONSOLE_PATH,
            "text/html; charset=utf-8",
            (static_dir / "console.html").read_bytes(),
        ),
        ConsoleFile(
            f"{CONSOLE_PATH}/console.js",
            "text/javascript; charset=utf-8",
            (static_dir / "console.js").read_bytes(),
        ),
        ConsoleFile(
            f"{CONSOLE_PATH}/console.css",
            "text/css; charset=utf-8",
            (static_dir / "console.css").read_bytes(),
        ),
        ConsoleFile(
            f"{CONSOLE_PATH}/favicon.svg",
            "image/svg+xml",
            (static_dir / "favicon.svg").read_bytes(),
        ),
    ]


def add_console_routes(app: Sanic, static_dir: Path = STATIC_DIR) -> None:
    """Adds GET routes for the agent console page and its files to `app`.

    Args:
        app: the helpdesk app.
        static_dir: where the console's files are (the package's `static/` folder).
    """
    for index, item in enumerate(console_files(static_dir)):
        app.add_route(
            _handler(item), item.route, methods=["GET"], name=f"console_file_{index}"
        )


def _handler(item: ConsoleFile) -> Callable[[Request], Awaitable[HTTPResponse]]:
    """A Sanic handler that answers with `item` and the security headers."""

    async def serve(request: Request) -> HTTPResponse:
        return response.raw(
            item.body,
            content_type=item.content_type,
            headers=dict(SECURITY_HEADERS),
        )

    return serve
