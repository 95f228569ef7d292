"""Response headers that every page gets: no sniffing, no framing, no referrer leaks, and a
Content-Security-Policy that allows scripts only from this site (inline style attributes are allowed: SVG shading).
And `safe_next`, the one check of every `?next=` redirect target."""

import re
from urllib.parse import urlsplit

CSP = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


# Control characters (header injection: "\r\nSet-Cookie:…"), and any whitespace.
_UNSAFE_IN_TARGET = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]")


def safe_next(target: str | None, default: str = "/") -> str:
    """A same-site path to redirect to, or `default`: never another site (no open redirect),
    never a value that would break the Location header."""
    if not target or _UNSAFE_IN_TARGET.search(target):
        return default
    target = target.replace("\\", "/")  # browsers read "/\\host" as "//host"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def register(app) -> None:
    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Content-Security-Policy", app.config["CONTENT_SECURITY_POLICY"] or CSP)
        return response


def private(response):
    """Pages reached with a private token (in the URL): never cached, never leaked through
    the Referer header."""
    from flask import make_response

    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
