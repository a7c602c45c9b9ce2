"""Charts drawn on the server as SVG, written by hand (a few dozen lines; no charting library is
needed for bars): they show without JavaScript and carry no script or style attribute, so they
are safe inline under a strict Content Security Policy.

Readable on a 360 px phone: the bars run sideways, one group per month, the month's name to the
left of its bars and each value printed at the end of its bar. The SVG has no viewBox, so it is
never scaled down: its text is drawn at the page's own size (`.chart-axis` in portal.css, never
under 14 px), and only the bars' lengths follow the screen's width (percentages, which SVG
lengths allow). The key is HTML above the chart, so long names wrap like any text.

Colours come from CSS classes (static/css/portal.css, "Performance dashboard" section). The
template puts the same numbers in a <table> with a caption next to each chart for screen readers
and for people who prefer numbers.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

LABEL_WIDTH = 76  # px for the month's name ("พ.ย. 69", "Nov 26") at 16 px
BAR_HEIGHT, BAR_GAP, GROUP_GAP = 18, 4, 12  # px
# The longest bar, as a share of the chart's width: room is left after it for its value at a
# 320 px screen (76 px of names + 55 % of 284 px + 6 px + "100.0").
LONGEST_BAR_PERCENT = 55


def _nice_max(value):
    """A round top for the axis (1, 2, 5 × 10^n) so bar lengths compare at a glance."""
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
        return "–"
    return f"{value:g}" if isinstance(value, float) else str(value)


def bar_chart(title, labels, series, *, max_value=None, chart_id="chart"):
    """Grouped sideways bars: `series` is [(name, [value or None per label], css class)].

    Returns safe markup: the key (an HTML list) and the SVG. A missing value (None) draws no
    bar and prints "–", never a zero.
    """
    values = [v for _name, data, _cls in series for v in data if v is not None]
    top = max_value or _nice_max(max(values) if values else 0)
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    height = len(labels) * (group_height + GROUP_GAP)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    names = ", ".join(escape(name) for name, _data, _cls in series)
    key = "".join(
        f'<li><span class="chart-swatch {escape(css)}"></span>{escape(name)}</li>' for name, _data, css in series
    )
    parts = [
        f'<ul class="chart-key" aria-hidden="true">{key}</ul>',
        f'<svg class="chart" width="100%" height="{height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg" focusable="false">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{names}</desc>',
    ]
    for g, label in enumerate(labels):
        y0 = g * (group_height + GROUP_GAP)
        parts.append(
            f'<text class="chart-axis" x="0" y="{y0 + group_height / 2:.1f}" dominant-baseline="central">'
            f"{escape(label)}</text>"
        )
        parts.append(f'<g transform="translate({LABEL_WIDTH} {y0})">')
        for s, (name, data, css) in enumerate(series):
            value = data[g]
            y = s * (BAR_HEIGHT + BAR_GAP)
            length = 0 if value is None else LONGEST_BAR_PERCENT * min(max(value, 0), top) / top
            if value is not None:
                parts.append(
                    f'<rect class="chart-bar {escape(css)}" x="0" y="{y}" width="{length:.2f}%" height="{BAR_HEIGHT}">'
                    f"<title>{escape(label)} · {escape(name)}: {_fmt(value)}</title></rect>"
                )
            parts.append(
                f'<text class="chart-value" x="{length:.2f}%" dx="6" y="{y + BAR_HEIGHT / 2}" '
                f'dominant-baseline="central">{_fmt(value)}</text>'
            )
        parts.append(f'<line class="chart-grid" x1="0" x2="0" y1="0" y2="{group_height}"/></g>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
