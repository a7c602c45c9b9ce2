"""Charts drawn on the server as SVG, written by hand (a few dozen lines; no charting library is
needed for bars): they show without JavaScript, scale to a 320px screen, and carry no script or
style attribute, so they are safe inline under a strict Content Security Policy.

Colours come from CSS classes (static/css/portal.css, "Performance dashboard" section). Every
chart is `aria-hidden`-free but labelled; the template puts the same numbers in a <table> with
a caption next to it for screen readers and for people who prefer numbers.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 40


def _nice_max(value):
    """A round top for the axis (1, 2, 5 × 10^n) so gridlines land on readable numbers."""
    if not value or value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _fmt(value):
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def bar_chart(title, labels, series, *, max_value=None, chart_id="chart"):
    """Grouped bars: `series` is [(name, [value or None per label], css class)].

    Returns safe SVG markup. Missing values (None) leave a gap, not a zero bar.
    """
    values = [v for _name, data, _cls in series for v in data if v is not None]
    top = max_value or _nice_max(max(values) if values else 0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    names = ", ".join(escape(name) for name, _data, _cls in series)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg" focusable="false">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{names}</desc>',
    ]
    for i in range(5):
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="chart-axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(round(value, 1))}</text>'
        )
    for g, label in enumerate(labels):
        x0 = LEFT + g * group_w + group_w * 0.1
        for s, (name, data, css) in enumerate(series):
            value = data[g]
            if value is None:
                continue
            h = plot_h * min(value, top) / top
            x = x0 + s * bar_w
            y = TOP + plot_h - h
            parts.append(
                f'<rect class="chart-bar {escape(css)}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}">'
                f"<title>{escape(label)} · {escape(name)}: {_fmt(value)}</title></rect>"
            )
        parts.append(
            f'<text class="chart-axis" x="{LEFT + g * group_w + group_w / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    # Legend under the axis labels.
    x = LEFT
    for name, _data, css in series:
        parts.append(f'<rect class="chart-bar {escape(css)}" x="{x}" y="{HEIGHT - 14}" width="12" height="12"/>')
        parts.append(f'<text class="chart-legend" x="{x + 16}" y="{HEIGHT - 4}">{escape(name)}</text>')
        x += 16 + 9 * len(name) + 24
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
