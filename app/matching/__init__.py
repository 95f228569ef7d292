from flask import Blueprint

bp = Blueprint("matching", __name__, template_folder="templates")

from app.matching import views  # noqa: E402,F401
