"""Work that may wait until the visitor has their answer (index writes, notices after a save).

`after_response(fn, *args)` runs `fn` in a fresh app context once the response has been sent
(werkzeug's call_on_close: the worker is still busy, the visitor is not), or at once outside a
request (CLI, importer, tests calling services). Whatever it does must be safe to lose with
the process: the index queue, for one, keeps every change until it is applied.
"""

import logging

from flask import after_this_request, current_app, g, has_request_context

log = logging.getLogger(__name__)


def after_response(fn, *args) -> None:
    if not has_request_context():
        fn(*args)
        return
    app = current_app._get_current_object()
    pending = g.setdefault("after_response", [])
    if not pending:
        @after_this_request
        def _on_close(response):
            response.call_on_close(lambda: _run(app, pending))
            return response
    if (fn, args) not in pending:  # saving twice in one request applies the queue once
        pending.append((fn, args))


def _run(app, pending) -> None:
    for fn, args in pending:
        try:
            with app.app_context():
                fn(*args)
        except Exception:  # the response is gone: log, and let the queue or the worker retry
            log.exception("work after the response failed: %s", getattr(fn, "__name__", fn))
