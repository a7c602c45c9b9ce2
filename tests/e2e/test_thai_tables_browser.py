"""Thai tables on a 360 px phone (issue 14, item 7): the guide's "where", steps and documents
tables and the household bill reflow into one card per row, each value under its column
heading, Thai breaks only between words, nothing scrolls sideways, and axe finds nothing serious.

"Between words" is measured, not assumed: PyThaiNLP (newmm) cuts each cell's text into words,
and the browser must lay every word out on a single line (a Range over the word has all its
boxes on one line). Before the fix "ฉบับจริง" came out as ฉ/บั/บ/จริ/ง."""

import re

import pytest
from pythainlp.tokenize import word_tokenize

from portal.templatetags.portal_tags import LONGEST_KEPT_WORD
from tests.browser import VIEWPORTS, assert_accessible

pytestmark = pytest.mark.browser

THAI = re.compile(r"[\u0e01-\u0e4e]")

# Text nodes of every visible table cell in the page (headings hidden on a phone excluded).
COLLECT_CELL_TEXT = """() => {
  window.__cellText = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    if (getComputedStyle(cell).display === 'none') continue;
    const head = cell.closest('thead');
    if (head && getComputedStyle(head).position === 'absolute') continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) window.__cellText.push(node);
  }
  return window.__cellText.map(node => node.data);
}"""

# [node index, start, end] → the words whose boxes sit on more than one line.
WORDS_ON_TWO_LINES = """(spans) => spans.filter(([index, start, end]) => {
  const range = document.createRange();
  range.setStart(window.__cellText[index], start);
  range.setEnd(window.__cellText[index], end);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  return tops.size > 1;
}).map(([index, start, end]) => window.__cellText[index].data.slice(start, end))"""

# Each cell's label (drawn from data-label) against the heading of its column.
LABELS = """() => [...document.querySelectorAll('table.stack')].flatMap(table => {
  const headings = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
  return [...table.querySelectorAll('tbody tr')].flatMap(row => [...row.children].map((cell, i) => [
    headings[i], getComputedStyle(cell, '::before').content.replace(/^"|"$/g, ''),
    cell.textContent.trim() ? getComputedStyle(cell).display : 'empty:' + getComputedStyle(cell).display,
  ]));
})"""


def thai_word_spans(texts):
    spans = []
    for index, text in enumerate(texts):
        start = 0
        for word in word_tokenize(text, engine="newmm", keep_whitespace=True):
            # Longer compounds ("บัตรประจำตัวประชาชน") may break where the browser's Thai
            # dictionary sees a word end, or a 200 % text could not fit a phone.
            if 1 < len(word) <= LONGEST_KEPT_WORD and THAI.search(word):
                spans.append([index, start, start + len(word)])
            start += len(word)
    return spans


def assert_tables_read_on_a_phone(page, width=VIEWPORTS["phone"]["width"]):
    spans = thai_word_spans(page.evaluate(COLLECT_CELL_TEXT))
    assert len(spans) > 10, "no Thai words found in the page's stacked tables"
    assert page.evaluate(WORDS_ON_TWO_LINES, spans) == []
    labels = page.evaluate(LABELS)
    assert labels and all(heading == label for heading, label, _display in labels), labels
    # One card per row, one line per value; an empty cell (no note) takes no room.
    assert {display for _h, _l, display in labels} <= {"block", "empty:none"}
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    return {label for _heading, label, _display in labels}


def test_guide_tables_and_the_bill_keep_thai_words_whole_on_a_phone(live_site, make_page):
    page = make_page(VIEWPORTS["phone"])
    page.goto(f"{live_site}/th/services/building-permit/")
    labels = assert_tables_read_on_a_phone(page)
    assert page.locator("table.guide-steps.stack tbody tr").count() == 5
    assert {"ระยะเวลา", "ฉบับจริง"} <= labels  # the headings that were cut as ระย/ะ/เวล/า and ฉ/บั/บ/จริ/ง
    assert_accessible(page)

    # Large text (200 %) still reflows without sideways scrolling.
    page.evaluate("document.documentElement.style.fontSize = '225%'")
    assert_tables_read_on_a_phone(page)

    # On a desktop the same table is a table again: the headings show, one row per step.
    wide = make_page(VIEWPORTS["desktop"])
    wide.goto(f"{live_site}/th/services/building-permit/")
    assert wide.locator("table.guide-steps thead th").first.is_visible()
    assert wide.evaluate("getComputedStyle(document.querySelector('table.guide-steps tr')).display") == "table-row"

    # The household bill (demo account G-0004 owes six months of two fees).
    page.goto(f"{live_site}/th/pay/")
    page.fill("#id_account", "G-0004")
    page.fill("#id_house", "101")
    page.locator('main form button[type="submit"]').click()
    assert page.locator("table.payment-charges.stack tbody tr").count() == 12
    assert_tables_read_on_a_phone(page)
    assert_accessible(page)
