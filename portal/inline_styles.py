"""Stylesheets written into a page's HTML instead of linked, for a page whose first paint must not
wait for a second round trip (the public reports map, issue 18: on a phone link with 150 ms of
latency the linked stylesheets arrived ~450 ms after the HTML, and the first paint waited for
them). The page's Content-Security-Policy allows exactly that text by its hash
(portal.security.public_policy), never inline styles in general.

The text is the collected file (hashed name, so its font addresses are the cache-busted ones),
with its relative `url(...)`s made absolute: relative to the page they would point nowhere. Read
once per process (every request otherwise), except with DEBUG, where a CSS edit shows at once.
"""

import base64
import functools
import hashlib
import re
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

RELATIVE_URL = re.compile(r"""url\(\s*["']?(?!data:|https?:|/)([^"')]+)["']?\s*\)""")


def _read(name):
    try:
        stored = staticfiles_storage.stored_name(name) if hasattr(staticfiles_storage, "stored_name") else name
        with staticfiles_storage.open(stored) as handle:
            text = handle.read().decode("utf-8")
    except (OSError, ValueError):  # not collected (tests, development): the app's own file
        with open(finders.find(name), encoding="utf-8") as handle:
            text = handle.read()
    address = staticfiles_storage.url(name)
    return RELATIVE_URL.sub(lambda found: f'url("{urljoin(address, found.group(1))}")', text)


def _joined(names):
    return "\n".join(_read(name) for name in names)


_kept = functools.cache(_joined)


def stylesheets(*names):
    """The files' text, one after the other, ready for a <style> element."""
    return _joined(names) if settings.DEBUG else _kept(names)


def style_hash(text):
    """The CSP source that allows a <style> element of exactly this text."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"
