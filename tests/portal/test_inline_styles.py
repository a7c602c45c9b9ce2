"""A page's stylesheet written into its HTML (portal.inline_styles, the public reports map): the
text's font addresses must still reach the fonts from inside the page, and a missing manifest
entry (static files not collected yet) must not fail the page."""

import re

from django.contrib.staticfiles import finders
from django.test import override_settings

from portal import inline_styles

MANIFEST = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}


def test_relative_font_addresses_become_absolute():
    css = inline_styles.stylesheets("css/portal.css")
    addresses = re.findall(r"url\(([^)]*)\)", css)
    assert addresses and all(a.startswith('"/static/') for a in addresses), addresses
    assert finders.find("fonts/sarabun-thai-400-normal.woff2")
    assert 'url("/static/fonts/sarabun-thai-400-normal.woff2")' in css


def test_the_hash_allows_exactly_that_text():
    assert inline_styles.style_hash("a{}") != inline_styles.style_hash("a{ }")
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", inline_styles.style_hash("a{}"))


@override_settings(STORAGES=MANIFEST, DEBUG=True)
def test_not_collected_yet_the_apps_own_file_is_used():
    css = inline_styles.stylesheets("places/reports.css")
    assert ".report-list" in css
