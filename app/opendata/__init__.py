from flask import Blueprint

bp = Blueprint("opendata", __name__, template_folder="templates")

from app.opendata import views  # noqa: E402,F401
