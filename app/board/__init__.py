from flask import Blueprint

bp = Blueprint("board", __name__, template_folder="templates", static_folder="static")

from app.board import views  # noqa: E402,F401
