from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")

from app.accounts import address_views, reset_views, signup_views, views  # noqa: E402,F401
