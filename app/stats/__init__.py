from flask import Blueprint

bp = Blueprint("stats", __name__, template_folder="templates")

from app.stats import views  # noqa: E402,F401
