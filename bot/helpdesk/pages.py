"""Static web pages of the helpdesk service, served with strict security headers.

The agent console, the demo storefront and the support-lead workspace are each a page
plus a few files; their text is read once when the routes are added.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

# Scripts only from this origin, no inline script or style, requests only to this origin.
STRICT_CONTENT_SECURITY_POLICY: Mapping[str, str] = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "connect-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "base-uri": "'none'",
    "form-action": "'none'",
    "frame-ancestors": "'none'",
}


def security_headers(policy: Mapping[str, str] = STRICT_CONTENT_SECURITY_POLICY) -> dict[str, str]:
    """The headers every page file is served with, for a Content-Security-Policy."""
    return {
        "Content-Security-Policy": "; ".join(f"{key} {value}" for key, value in policy.items()),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        # The files are small; no-cache keeps pages in step with the service.
        "Cache-Control": "no-cache",
    }


SECURITY_HEADERS = security_headers()


@dataclass(frozen=True)
class PageFile:
    """One file of a page: its route, content type and bytes."""

    route: str
    content_type: str
    body: bytes


CONTENT_TYPES: Mapping[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}


def add_page_routes(
    app: Sanic, files: Iterable[PageFile], name: str,
    headers: Mapping[str, str] = SECURITY_HEADERS,
) -> None:
    """Adds a GET route per file; `name` keeps the route names unique in the app."""
    for index, item in enumerate(files):
        app.add_route(_handler(item, headers), item.route, methods=["GET"],
                      name=f"{name}_file_{index}")


def _handler(
    item: PageFile, headers: Mapping[str, str]
) -> Callable[[Request], Awaitable[HTTPResponse]]:
    async def serve(request: Request) -> HTTPResponse:
        return response.raw(item.body, content_type=item.content_type, headers=dict(headers))

    return serve
