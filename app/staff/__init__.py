from flask import Blueprint

bp = Blueprint("staff", __name__, template_folder="templates")

from app.staff import views  # noqa: E402,F401
