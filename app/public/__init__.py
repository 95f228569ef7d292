from flask import Blueprint

bp = Blueprint("public", __name__, template_folder="templates")

from app.public import feeds, helpers, views  # noqa: E402,F401

helpers.register(bp)
