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

from pathlib import Path

from sanic import Sanic

from bot.helpdesk.pages import CONTENT_TYPES, PageFile, add_page_routes

STATIC_DIR = Path(__file__).resolve().parent / "static"
CONSOLE_PATH = "/console"
CONSOLE_FILES = ("console.js", "console.css", "favicon.svg")


def console_files(static_dir: Path = STATIC_DIR) -> list[PageFile]:
    """The console's files with their routes and content types, the page first.

    Raises:
        FileNotFoundError: a file is missing.
    """
    page = PageFile(CONSOLE_PATH, CONTENT_TYPES[".html"],
                    (static_dir / "console.html").read_bytes())
    return [page] + [
        PageFile(f"{CONSOLE_PATH}/{name}", CONTENT_TYPES[Path(name).suffix],
                 (static_dir / name).read_bytes())
        for name in CONSOLE_FILES
    ]


def add_console_routes(app: Sanic, static_dir: Path = STATIC_DIR) -> None:
    """Adds GET routes for the agent console page and its files to `app`."""
    add_page_routes(app, console_files(static_dir), "console")
