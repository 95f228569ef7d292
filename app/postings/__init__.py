from flask import Blueprint

bp = Blueprint("postings", __name__, template_folder="templates")

from app.postings import views  # noqa: E402,F401
