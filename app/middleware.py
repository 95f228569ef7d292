"""WSGI fix-ups below Flask.

Werkzeug's development server (``make run``) reads the request line as Latin-1 and then
encodes it again as UTF-8, so a query sent as raw UTF-8 — ``curl '…/search?q=港区'`` — reaches
the app as mojibake (「æ¸¯åº」) and finds nothing, while the percent-encoded form works.
Servers that follow PEP 3333 (gunicorn, the test client) pass the raw bytes as Latin-1, which
Werkzeug decodes correctly; only the doubly encoded form is repaired here.
"""


def _undo_double_encoding(value: str) -> str:
    if value.isascii():
        return value  # percent-encoded or plain: nothing to repair
    try:
        once = value.encode("latin-1").decode("utf-8")
        if any(ord(c) > 255 for c in once):
            return value  # raw UTF-8 bytes as PEP 3333 wants them: already right
        once.encode("latin-1").decode("utf-8")  # decodes again: it was encoded twice
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value
    return once


class RawUtf8Repair:
    """Wraps the WSGI app: QUERY_STRING and PATH_INFO as a PEP 3333 server would pass them."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        for key in ("QUERY_STRING", "PATH_INFO"):
            if key in environ:
                environ[key] = _undo_double_encoding(environ[key])
        return self.app(environ, start_response)
