"""The province dashboard on a 320 px phone, without JavaScript (issue 17 item 7): the provinces
list leads to a province's table, which scrolls sideways inside its own labelled region while the
page itself never does; a column heading's link sorts the table; axe finds nothing serious."""

import pytest

from tests.browser import assert_accessible

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 640}


def test_province_dashboard_on_a_narrow_phone_without_javascript(live_site, make_page):
    page = make_page(NARROW, javascript=False)
    page.goto(f"{live_site}/th/dashboard/provinces/")
    page.locator(".province-list a").first.click()
    region = page.locator('[role="region"][aria-labelledby="province-table-caption"]')
    assert region.count() == 1
    assert "หน่วยงานในจังหวัด" in page.locator("#province-table-caption").inner_text()
    assert page.locator("table.province-table tbody tr[data-office]").count() >= 1
    # The table is wider than the phone: it scrolls inside its region, not the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert_accessible(with_javascript(make_page, page.url))
    # Sorting is a plain link: the chosen column is marked for screen readers.
    page.locator('th a[data-sort="backlog"]').click()
    assert "sort=-backlog" in page.url
    assert page.locator('th[aria-sort="descending"] a[data-sort="backlog"]').count() == 1
    backlogs = [int(v) for v in page.locator('td[data-figure="backlog"]').all_inner_texts()]
    assert backlogs == sorted(backlogs, reverse=True)
    assert_accessible(with_javascript(make_page, page.url))


def with_javascript(make_page, url):
    """The same page in a second tab that runs scripts: axe is a script, and hangs in a page
    without JavaScript (tests/e2e/test_dashboard_browser.py). The page itself uses none."""
    checked = make_page(NARROW)
    checked.goto(url)
    return checked
