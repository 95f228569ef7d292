"""Charts drawn on the server as SVG: no JavaScript, printable, and each one labelled for
screen readers (role="img", a title and a description; the page puts the data table beside
it). Text is escaped by markupsafe."""

from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.services.stats.figures import Table

COLOURS = ["#0b5394", "#e69138", "#6aa84f", "#a64d79"]  # first = the site accent
ROW = 26
LABEL_WIDTH = 200
BAR_AREA = 380
WIDTH = LABEL_WIDTH + BAR_AREA + 60


def _nice_max(values: list[float]) -> float:
    top = max(values, default=0)
    return top if top > 0 else 1


def _open(uid: str, table: Table, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'class="chart" role="img" aria-labelledby="{uid}-t {uid}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{uid}-t">{escape(table.title)}</title>',
        f'<desc id="{uid}-d">{escape(_description(table))}</desc>',
    ]


def _description(table: Table) -> str:
    parts = []
    for row in table.rows:
        # The list separators are the language's own (、 and 。 in Japanese, commas and full stops in English).
        values = _("、").join(f"{table.columns[i]} {row[i]}" for i in table.series)
        parts.append(f"{_label(table, row)}: {values}")
    return _("。").join(parts) or _("データはまだありません")


def _label(table: Table, row: list) -> str:
    first_value = min(table.series)
    return " ".join(str(v) for v in row[:first_value])


def bar_chart(table: Table) -> Markup:
    """Horizontal bars, one group per row; several series side by side (e.g. survey vs platform)."""
    uid = f"chart-{table.name}"
    series = table.series
    band = ROW * len(series) + 8
    legend = 24 if len(series) > 1 else 0
    height = legend + band * len(table.rows) + 10
    top = _nice_max([float(row[i] or 0) for row in table.rows for i in series])
    out = _open(uid, table, WIDTH, height)
    for k, i in enumerate(series if len(series) > 1 else []):
        x = LABEL_WIDTH + k * 190
        out.append(f'<rect x="{x}" y="4" width="14" height="14" fill="{COLOURS[k]}"/>'
                   f'<text x="{x + 20}" y="16" font-size="13">{escape(table.columns[i])}</text>')
    for r, row in enumerate(table.rows):
        y0 = legend + r * band
        out.append(f'<text x="{LABEL_WIDTH - 8}" y="{y0 + band / 2 + 4:.0f}" font-size="13" '
                   f'text-anchor="end">{escape(_label(table, row)[:18])}</text>')
        for k, i in enumerate(series):
            value = float(row[i] or 0)
            w = BAR_AREA * value / top
            y = y0 + 4 + k * ROW
            out.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{w:.1f}" height="{ROW - 6}" '
                       f'fill="{COLOURS[k % len(COLOURS)]}"/>')
            out.append(f'<text x="{LABEL_WIDTH + w + 6:.1f}" y="{y + ROW - 11}" font-size="12">'
                       f'{escape(row[i])}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def column_chart(table: Table) -> Markup:
    """Vertical columns over time (months), with a label every few columns."""
    uid = f"chart-{table.name}"
    n = max(1, len(table.rows))
    width, height, base, left = 640, 240, 200, 40
    step = (width - left - 10) / n
    top = _nice_max([float(row[1] or 0) for row in table.rows])
    every = max(1, n // 8)
    out = _open(uid, table, width, height)
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#4a4a4a"/>')
    out.append(f'<text x="{left - 6}" y="{base - 170 + 4}" font-size="12" text-anchor="end">{int(top)}</text>')
    out.append(f'<text x="{left - 6}" y="{base + 4}" font-size="12" text-anchor="end">0</text>')
    for c, row in enumerate(table.rows):
        h = 170 * float(row[1] or 0) / top
        x = left + c * step
        out.append(f'<rect x="{x + 1:.1f}" y="{base - h:.1f}" width="{max(1.0, step - 2):.1f}" '
                   f'height="{h:.1f}" fill="{COLOURS[0]}"/>')
        if c % every == 0:
            out.append(f'<text x="{x:.1f}" y="{base + 18}" font-size="11">{escape(row[0])}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def draw(table: Table) -> Markup | None:
    if table.chart in ("bar", "grouped"):
        return bar_chart(table)
    if table.chart == "column":
        return column_chart(table)
    return None
