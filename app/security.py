"""Response headers that every page gets: no sniffing, no framing, no referrer leaks, and a
Content-Security-Policy that allows scripts only from this site (inline style attributes are allowed: SVG shading)."""

CSP = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


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
