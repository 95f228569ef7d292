from flask import Blueprint

bp = Blueprint("disasters", __name__, template_folder="templates")

from app.disasters import views  # noqa: E402,F401
