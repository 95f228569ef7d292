from flask import Blueprint

bp = Blueprint("follow", __name__, template_folder="templates")

from app.follow import views  # noqa: E402,F401
