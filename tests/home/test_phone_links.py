"""Phone links dial: `tel:` holds digits, a leading "+" and a comma pause before the extension,
never the Thai or English words people write around a number (issue 14, item 12)."""

import re

import pytest
from django.template import Context, Template

from portal.templatetags.portal_tags import dial_string

DIALLABLE = re.compile(r"^tel:\+?\d{3,}(,\d+)?$")


@pytest.mark.parametrize(
    ("written", "dialled"),
    [
        ("0 5312 3456 ต่อ 101", "053123456,101"),
        ("053123456ต่อ101", "053123456,101"),
        ("๐ ๕๓๑๒ ๓๔๕๖ ต่อ ๑๐๑", "053123456,101"),  # Thai digits
        ("０５３-１２３-４５６", "053123456"),  # full-width digits
        ("0 5312 3456 ext. 100", "053123456,100"),
        ("053-123-456 x12", "053123456,12"),
        ("053123456 #9", "053123456,9"),
        ("053123456, 101", "053123456,101"),
        ("+66 (0) 5312 3456 ext 5", "+6653123456,5"),
        ("+66 53 123 456", "+6653123456"),
        ("053 123 456, 053 123 457", "053123456"),  # two numbers: the first is dialled
        ("053 123 456 หรือ 081 234 5678", "053123456"),
        ("โทร. 1111", "1111"),
        ("ติดต่อสำนักงาน", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_dial_string_is_digits_with_a_pause_before_the_extension(written, dialled):
    assert dial_string(written) == dialled


def test_phone_link_shows_the_number_as_written_and_escapes_it():
    html = Template("{% load portal_tags %}{{ phone|phone_link }}").render(
        Context({"phone": '0 5312 3456 ต่อ 101 <script>"'})
    )
    assert html == '<a href="tel:053123456,101">0 5312 3456 ต่อ 101 &lt;script&gt;&quot;</a>'
    words_only = Template("{% load portal_tags %}{{ phone|phone_link }}").render(Context({"phone": "ไม่มี <b>"}))
    assert words_only == "ไม่มี &lt;b&gt;"  # nothing to dial: text, not a dead link


@pytest.mark.parametrize("language", ["th", "en"])
def test_contact_and_executives_pages_link_only_diallable_numbers(client, demo, language):
    for slug in ("contact", "executives"):
        html = client.get(f"/{language}/{slug}/").content.decode()
        links = re.findall(r'href="(tel:[^"]*)"', html)
        # Every contact card and person with a number, plus the office number in the footer.
        assert len(links) >= 3, slug
        assert all(DIALLABLE.match(link) for link in links), links
        assert "tel:053123456,101" in links
        extension = "ต่อ 101" if language == "th" else "ext. 101"
        assert f">0 5312 3456 {extension}</a>" in html  # the extension stays readable
