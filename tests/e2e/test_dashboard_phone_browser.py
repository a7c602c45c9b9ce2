"""The dashboard's charts on a 360 px phone (issue 14): every label and value is drawn at 14 px
or more, no two overlap, nothing leaves the screen, and the median and 90th percentile are in
plain words ("half were done within", "9 in 10 were done within"), in Thai and in English."""

import pytest

from tests.browser import VIEWPORTS, assert_accessible

pytestmark = pytest.mark.browser

# Rendered boxes of every text in the charts (what the eye sees, after any scaling).
CHART_TEXT_BOXES = """() => [...document.querySelectorAll('svg.chart text')].map(text => {
  const r = text.getBoundingClientRect();
  return {text: text.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
          size: parseFloat(getComputedStyle(text).fontSize) * (r.height / text.getBBox().height)};
})"""


def overlapping(boxes):
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["left"] < b["right"] - 0.5
                and b["left"] < a["right"] - 0.5
                and a["top"] < b["bottom"] - 0.5
                and b["top"] < a["bottom"] - 0.5
            ):
                pairs.append((a["text"], b["text"]))
    return pairs


KEYS = {
    "th": ["ครึ่งหนึ่งของเรื่องเสร็จภายใน (วัน)", "9 ใน 10 เรื่องเสร็จภายใน (วัน)"],
    "en": ["Half were done within (days)", "9 in 10 were done within (days)"],
}


@pytest.mark.parametrize(
    ("language", "half", "nine_in_ten"),
    [
        ("th", "ครึ่งหนึ่งของเรื่องเสร็จภายใน", "9 ใน 10 เรื่องเสร็จภายใน"),
        ("en", "Half of requests were done within", "9 in 10 requests were done within"),
    ],
)
def test_dashboard_charts_are_readable_on_a_phone(live_site, make_page, language, half, nine_in_ten):
    page = make_page(VIEWPORTS["phone"])
    page.goto(f"{live_site}/{language}/dashboard/")
    width = VIEWPORTS["phone"]["width"]
    figures = page.locator(".dashboard-figures").inner_text()
    assert half in figures and nine_in_ten in figures
    assert "median" not in page.inner_text("main").lower() and "มัธยฐาน" not in page.inner_text("main")
    assert "percentile" not in page.inner_text("main").lower() and "เปอร์เซ็นไทล์" not in page.inner_text("main")

    assert page.locator("svg.chart").count() == 4
    boxes = page.evaluate(CHART_TEXT_BOXES)
    assert len(boxes) >= 4 * 12 * 2  # a month's name and at least one value per month, per chart
    too_small = [(b["text"], round(b["size"], 1)) for b in boxes if b["size"] < 14]
    assert not too_small, too_small
    assert overlapping(boxes) == []
    assert all(0 <= b["left"] and b["right"] <= width for b in boxes), [b for b in boxes if b["right"] > width]
    # The key names each series in words, wrapped like text, above its chart.
    keys = page.locator("#chart-days-heading + figure .chart-key li").all_inner_texts()
    assert keys == KEYS[language]
    # The table by service reads as one card per service, each figure under its heading.
    first_row = "document.querySelector('table.dashboard-services tbody tr')"
    assert page.evaluate(f"getComputedStyle({first_row}).display") == "block"
    label = page.evaluate(f"getComputedStyle({first_row}.children[3], '::before').content")
    assert label.strip('"') == ("ครึ่งหนึ่งของเรื่องเสร็จภายใน (วัน)" if language == "th" else "Half were done within (days)")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
