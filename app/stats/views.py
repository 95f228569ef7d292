"""/stats: what the platform holds and what came of it, as charts, tables and CSV."""

import csv
import io

from flask import Response, abort, render_template
from flask_login import current_user

from app import permissions
from app.services.stats import charts, figures
from app.stats import bp


@bp.route("/")
def index():
    tables = figures.tables(current_user)
    official = permissions.is_official(current_user)
    response = Response(render_template(
        "stats/index.html", tables=tables, draw=charts.draw, official=official))
    if official:  # officials see more: never from a shared cache
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<name>.csv")
def table_csv(name: str):
    table = figures.table(current_user, name)
    if table is None:
        abort(404)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads UTF-8 only with the BOM
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    response = Response(buffer.getvalue(), mimetype="text/csv")  # Werkzeug adds "; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="kakehashi-stats-{name}.csv"'
    if permissions.is_official(current_user):
        response.headers["Cache-Control"] = "private, no-store"
    return response
