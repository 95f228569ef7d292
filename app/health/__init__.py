"""Health checks for load balancers (/healthz: the process answers; no database, no cache)."""

from flask import Blueprint

bp = Blueprint("health", __name__)

from app.health import views  # noqa: E402,F401
