"""The shape shared by views that carry out one action from a button: the post is confirmed
(its token, and its fields when the form has any), then the service's refusal or the success
is flashed before the view redirects."""

from collections.abc import Callable
from contextlib import contextmanager

from flask import abort, flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.extensions import db


def confirm_post(form: FlaskForm | None = None, message: str | None = None) -> FlaskForm:
    """The posted form, validated; a 400 when it is not (a stale page, a forged post)."""
    form = form if form is not None else FlaskForm()
    if not form.validate_on_submit():
        abort(400, description=message or _("操作を確認してください。"))
    return form


@contextmanager
def flashed(refusal: type[Exception], success: str | Callable[[], str]):
    """Runs the block: a `refusal` is rolled back and its message flashed as an error; else
    `success` is flashed (a function when the message depends on what the block changed)."""
    try:
        yield
    except refusal as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(success() if callable(success) else success, "success")
