"""Schedule charts as hand-written SVG: burndown and Gantt.

Hand-written (not matplotlib) so the output is small, byte-identical across runs and
machines (no font metrics or timestamps), styled by CSS and linkable to records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..analyses.schedule import Burndown
from ..data.catalog import Catalog, Status
from ..data.dates import shown
from ..data.model import Milestone
from .html import esc, ref_url

WIDTH, HEIGHT = 760, 340
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 56, 16, 16, 48
SERIES = (  # (name, css class, colour, dash)
    ("Baseline", "dm-baseline", "#4e79a7", ""),
    ("Forecast", "dm-forecast", "#f28e2b", "6 3"),
    ("Achieved", "dm-achieved", "#59a14f", ""),
)
PAST_SERIES = ("Forecast {months} ago", "dm-past-forecast", "#9c6ade", "2 2")  # drawn when the data has it


def past_title(data: Burndown) -> str | None:
    """The name of the "forecast N months ago" line, or None when the chart has none."""
    past = data.past
    if past is None or not past.counted:
        return None
    return PAST_SERIES[0].format(months=f"{past.months} month" + ("" if past.months == 1 else "s"))


def past_note(data: Burndown) -> str:
    """What the "forecast N months ago" line counts (for captions): the day and who was left out."""
    past = data.past
    if past is None:
        return ""
    if not past.counted:
        return f"No milestone in scope was in the data on {past.day.isoformat()}: no earlier forecast to show."
    left = data.total - past.counted
    rest = f"; {left} added since {'is' if left == 1 else 'are'} left out" if left else ""
    return (f"{past_title(data)}: the forecast as the data stood on {past.day.isoformat()}, "
            f"for the {past.counted} of {data.total} milestones in the data then{rest}.")


def _num(value: float) -> str:
    """Coordinates with one decimal and no trailing zeros: stable text across platforms."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class _Axis:
    start: dt.date
    end: dt.date
    low: float
    high: float

    def at(self, day: dt.date) -> float:
        span = max((self.end - self.start).days, 1)
        return self.low + (self.high - self.low) * (day - self.start).days / span


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 8:
            return step
    return 10_000


def _year_ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    years = range(start.year + (start > dt.date(start.year, 1, 1)), end.year + 1)
    every = max(1, len(years) // 10 + (len(years) % 10 > 0))
    return [dt.date(y, 1, 1) for y in years if (y - years[0]) % every == 0] if years else []


def _step_path(xs: list[float], ys: list[float]) -> str:
    """A step line: counts hold until the next date."""
    points = [f"M{_num(xs[0])},{_num(ys[0])}"]
    for i in range(1, len(xs)):
        points.append(f"H{_num(xs[i])}V{_num(ys[i])}")
    return "".join(points)


def burndown_svg(data: Burndown, title: str = "Open milestones over time", chart_id: str = "dm-burndown") -> str:
    """The burndown chart: three step lines, year ticks, a status-date marker, a legend."""
    if not data.dates:
        return '<p class="dm-note">No milestones in scope: nothing to chart.</p>'
    x = _Axis(data.dates[0], data.dates[-1], MARGIN_L, WIDTH - MARGIN_R)
    top = max(1, data.total)
    step = _nice_step(top)
    y_top = ((top + step - 1) // step) * step
    plot_bottom = HEIGHT - MARGIN_B

    def y(value: int) -> float:
        return plot_bottom - (plot_bottom - MARGIN_T) * value / y_top

    parts = [
        f'<svg class="dm-chart dm-burndown" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{esc(_describe(data))}</desc>',
        '<g class="dm-axes" font-family="sans-serif" font-size="11" fill="#444">',
    ]
    for value in range(0, y_top + 1, step):
        yy = _num(y(value))
        parts.append(f'<line x1="{MARGIN_L}" y1="{yy}" x2="{WIDTH - MARGIN_R}" y2="{yy}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{MARGIN_L - 6}" y="{yy}" text-anchor="end" dominant-baseline="middle">{value}</text>')
    for tick in _year_ticks(x.start, x.end):
        xx = _num(x.at(tick))
        parts.append(f'<line x1="{xx}" y1="{MARGIN_T}" x2="{xx}" y2="{plot_bottom}" stroke="#eeeeee"/>')
        parts.append(f'<text x="{xx}" y="{plot_bottom + 16}" text-anchor="middle">{tick.year}</text>')
    parts.append(f'<line x1="{MARGIN_L}" y1="{plot_bottom}" x2="{WIDTH - MARGIN_R}" y2="{plot_bottom}" '
                 'stroke="#888"/>')
    parts.append(f'<text x="14" y="{_num((MARGIN_T + plot_bottom) / 2)}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {_num((MARGIN_T + plot_bottom) / 2)})">Open milestones</text>')
    parts.append("</g>")
    xs = [x.at(d) for d in data.dates]
    series: list[list[int | None]] = [list(data.baseline), list(data.forecast), data.achieved]
    styles = list(SERIES)
    if data.past and (name := past_title(data)):
        series.append(list(data.past.open))
        styles.append((name, *PAST_SERIES[1:]))
    for (name, css, colour, dash), values in zip(styles, series, strict=True):
        known = [(xx, v) for xx, v in zip(xs, values, strict=True) if v is not None]
        if not known:
            continue
        path = _step_path([k[0] for k in known], [y(k[1]) for k in known])
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<path class="{css}" d="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}>'
                     f"<title>{name}</title></path>")
    if x.start <= data.status_date <= x.end:
        sx = _num(x.at(data.status_date))
        # the label on the side of the line with room for it (it would be cut off at the chart's right edge)
        side = ' dx="-4" text-anchor="end"' if x.at(data.status_date) > WIDTH * 0.7 else ' dx="4"'
        parts.append(f'<g class="dm-today"><line x1="{sx}" y1="{MARGIN_T}" x2="{sx}" y2="{plot_bottom}" '
                     'stroke="#c0392b" stroke-dasharray="2 3"/>'
                     f'<text x="{sx}" y="{MARGIN_T + 10}"{side} font-family="sans-serif" font-size="11" '
                     f'fill="#c0392b">status date {data.status_date.isoformat()}</text></g>')
    parts.append(_legend(plot_bottom + 30, styles))
    parts.append("</svg>")
    return "".join(parts)


def _legend(y: int, styles: Sequence[tuple[str, str, str, str]]) -> str:
    items, x = [], MARGIN_L
    for name, css, colour, dash in styles:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(f'<g class="{css}"><line x1="{x}" y1="{y}" x2="{x + 24}" y2="{y}" stroke="{colour}" '
                     f'stroke-width="2"{dash_attr}/><text x="{x + 30}" y="{y}" dominant-baseline="middle">'
                     f"{esc(name)}</text></g>")
        x += 110
    return '<g class="dm-legend" font-family="sans-serif" font-size="11" fill="#333">' + "".join(items) + "</g>"


def _describe(data: Burndown) -> str:
    last_known = next((v for v in reversed(data.achieved) if v is not None), data.total)
    return (
        f"{data.total} milestones from {data.dates[0].isoformat()} to {data.dates[-1].isoformat()}; "
        f"{last_known} open at the status date {data.status_date.isoformat()}. "
        + (past_note(data) + " " if data.past else "")
        + "The data table beside the chart lists every value."
    )


def burndown_table(data: Burndown) -> str:
    """The chart's values as an accessible table (one row per date)."""
    past_name = past_title(data)
    rows = []
    for i, day in enumerate(data.dates):
        achieved = data.achieved[i]
        past = f"<td>{data.past.open[i]}</td>" if data.past and past_name else ""
        rows.append(
            f"<tr><th scope=\"row\">{day.isoformat()}</th><td>{data.baseline[i]}</td>"
            f"<td>{data.forecast[i]}</td><td>{'' if achieved is None else achieved}</td>{past}</tr>"
        )
    past_head = f'<th scope="col">{esc(past_name)}</th>' if past_name else ""
    return (
        '<table class="dm-table dm-burndown-data"><caption>Open milestones by date</caption>'
        '<thead><tr><th scope="col">Date</th><th scope="col">Baseline</th><th scope="col">Forecast</th>'
        f'<th scope="col">Achieved</th>{past_head}</tr></thead><tbody>' + "".join(rows) + "</tbody></table>"
    )


# -- Gantt ---------------------------------------------------------------------

ROW_H = 22
LABEL_W = 300
LABEL_CHARS = 40  # longer names are cut (the row's tooltip and the entry have them whole)
GANTT_LEGEND_H = 28


def gantt_svg(catalog: Catalog, milestones: Sequence[Milestone], title: str = "Milestone schedule") -> str:
    """One row per milestone: baseline diamond, forecast (or completion) circle, the slip between them.

    Rows link to the milestones' entries; predecessor links among the rows are drawn as thin connectors.
    """
    if not milestones:
        return '<p class="dm-note">No milestones selected: nothing to chart.</p>'
    days = [d for m in milestones for d in (m.due, m.effective_forecast, m.completed) if d]
    start = dt.date(min(days).year, 1, 1)
    end = dt.date(max(days).year + 1, 1, 1)
    width = LABEL_W + 560 + MARGIN_R
    height = MARGIN_T + ROW_H * len(milestones) + 30 + GANTT_LEGEND_H
    x = _Axis(start, end, LABEL_W + 8, width - MARGIN_R)
    axis_y = height - GANTT_LEGEND_H - 10
    row_of = {m.id: i for i, m in enumerate(milestones)}

    def row_y(i: int) -> float:
        return MARGIN_T + ROW_H * i + ROW_H / 2

    parts = [
        f'<svg class="dm-chart dm-gantt" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{esc(title)}">',
        f"<title>{esc(title)}</title>",
        '<g font-family="sans-serif" font-size="11" fill="#444">',
    ]
    for tick in _year_ticks(start, end):
        xx = _num(x.at(tick))
        parts.append(f'<line x1="{xx}" y1="{MARGIN_T}" x2="{xx}" y2="{axis_y - 14}" stroke="#e6e6e6"/>'
                     f'<text x="{xx}" y="{axis_y}" text-anchor="middle">{tick.year}</text>')
    parts.append("</g>")
    if start <= catalog.status_date <= end:
        sx = _num(x.at(catalog.status_date))
        parts.append(f'<g class="dm-today"><line x1="{sx}" y1="{MARGIN_T}" x2="{sx}" y2="{axis_y - 14}" '
                     f'stroke="#c0392b" stroke-dasharray="2 3"/><text x="{sx}" y="{MARGIN_T - 4}" '
                     'text-anchor="middle" font-family="sans-serif" font-size="11" fill="#c0392b">'
                     f"status date {catalog.status_date.isoformat()}</text></g>")
    for m in milestones:
        for pred in m.predecessors:
            if pred in row_of:
                p = milestones[row_of[pred]]
                parts.append(
                    f'<path class="dm-link" d="M{_num(x.at(p.completed or p.effective_forecast))},'
                    f"{_num(row_y(row_of[pred]))}V{_num(row_y(row_of[m.id]))}H{_num(x.at(m.effective_forecast))}\" "
                    'fill="none" stroke="#bbbbbb"/>'
                )
    for i, m in enumerate(milestones):
        parts.append(_gantt_row(catalog, m, row_y(i), x))
    parts.append(_gantt_legend(height - 12))
    parts.append("</svg>")
    return "".join(parts)


def _gantt_legend(y: float) -> str:
    """What the marks mean: the baseline diamond, forecast and completion circles, their colours, the status date."""
    cy, top, bottom = _num(y), _num(y - 5), _num(y + 6)
    marks: tuple[tuple[Callable[[int], str], str, int], ...] = (  # (mark drawn at x, its words, their room)
        (lambda x: f'<path d="M{x + 5},{top}l5,5l-5,5l-5,-5z" fill="#ffffff" stroke="#555555"/>', "baseline due", 94),
        (lambda x: f'<circle cx="{x + 5}" cy="{cy}" r="4" fill="#ffffff" stroke="#555555"/>', "forecast", 74),
        (lambda x: f'<circle cx="{x + 5}" cy="{cy}" r="4" fill="#1f5f99" stroke="#1f5f99"/>', "completed (blue)", 118),
        (lambda x: f'<circle cx="{x + 5}" cy="{cy}" r="4" fill="#ffffff" stroke="#d35400"/>', "overdue (orange)", 120),
        (lambda x: f'<line x1="{x + 5}" y1="{top}" x2="{x + 5}" y2="{bottom}" stroke="#c0392b" stroke-dasharray="2 3"/>',
         "status date", 90),
    )
    items, x = [], 4
    for mark, text, room in marks:
        items.append(mark(x) + f'<text x="{x + 14}" y="{cy}" dominant-baseline="middle">{text}</text>')
        x += room
    return '<g class="dm-legend" font-family="sans-serif" font-size="11" fill="#333">' + "".join(items) + "</g>"


def _gantt_row(catalog: Catalog, m: Milestone, yy: float, x: _Axis) -> str:
    status = catalog.status(m)
    colour = {Status.COMPLETED: "#1f5f99", Status.OVERDUE: "#d35400", Status.OPEN: "#555555",
              Status.RETIRED: "#999999"}[status]
    label = m.short_name or m.name
    label = label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"
    due_x, end_day = x.at(m.due), m.completed or m.effective_forecast
    end_x = x.at(end_day)
    cy = _num(yy)
    parts = [
        f'<g class="dm-row dm-status-{status.value}"><a href="{ref_url("milestone", m.id)}">'
        f'<text x="4" y="{cy}" dominant-baseline="middle" font-family="sans-serif" font-size="12" fill="#222">'
        f"{esc(m.id)}: {esc(label)}</text></a>",
        f"<title>{esc(m.id)}: {esc(m.name)} — due {shown(m.due)}, "
        f"{'completed ' + shown(m.completed) if m.completed else 'forecast ' + shown(m.effective_forecast)}"
        f"{' (estimated)' if m.completed_estimated else ''}{'; retired ' + shown(m.retired) if m.retired else ''}</title>",
    ]
    if abs(end_x - due_x) >= 0.5:
        parts.append(f'<line x1="{_num(due_x)}" y1="{cy}" x2="{_num(end_x)}" y2="{cy}" stroke="{colour}" '
                     'stroke-width="3" opacity="0.5"/>')
    d = 5
    parts.append(f'<path class="dm-baseline" d="M{_num(due_x)},{_num(yy - d)}l{d},{d}l-{d},{d}l-{d},-{d}z" '
                 f'fill="#ffffff" stroke="{colour}"/>')
    fill = colour if m.completed else "#ffffff"
    parts.append(f'<circle class="dm-end" cx="{_num(end_x)}" cy="{cy}" r="4" fill="{fill}" stroke="{colour}"/>')
    parts.append("</g>")
    return "".join(parts)


def burndown_figure(data: Burndown, title: str, chart_id: str, note: str = "") -> str:
    """The burndown chart with its caption, then its values in a folded data table."""
    if not data.dates:
        return burndown_svg(data, title, chart_id)
    return (
        f'<figure class="dm-figure dm-burndown-figure">{burndown_svg(data, title, chart_id)}'
        f"<figcaption>{esc(title)}: milestone completion as a function of date."
        f"{' ' + esc(note) if note else ''}</figcaption></figure>"
        f'<details class="dm-data"><summary>Data table</summary>{burndown_table(data)}</details>'
    )


def gantt_figure(catalog: Catalog, milestones: Sequence[Milestone], title: str) -> str:
    """The Gantt chart in the box the graph viewer zooms."""
    return f'<div class="dm-graph dm-gantt-chart">{gantt_svg(catalog, milestones, title)}</div>'
