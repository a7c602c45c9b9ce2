"""Issue 16's "hostile input across every field gives no 5xx", as one sweep over the demo site.

Which pages are swept is discovered, not written down here, so a page added later is swept too:
- public: every URL pattern outside the admin (its arguments filled from the demo: a real case
  reference, invoice number, form id), and one live page of every page type;
- staff: every admin route without arguments and every admin page linked from them, one per URL
  name, signed in as the demo's administrator with the second factor satisfied; and every admin
  route that takes a number, with one too big for the database.

Each page is read once as is; then once per row of a compact matrix of hostile query strings
(every parameter name the code reads, each with one hostile value per row, rotating, so every
name meets every kind of value over the rows without every combination); then each POST form
found on it is sent once per row of the same matrix for its own fields (hidden fields kept in one
row so the real handler is reached, hostile in another), plus a raw body with a lone surrogate's
bytes and NUL. Arguments in the path get hostile values too. Admin pages render slowly, so each
gets one query row and one POST row, turning from page to page.

A 5xx anywhere is collected (with the request and the head of the traceback) rather than raised,
so one run lists every fault; the test fails listing them. The faults it found (two in Wagtail's
admin, one in saving a draft on PostgreSQL) each keep a test of their own below.
"""

import re
import sys
import traceback
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import LocalePrefixPattern
from wagtail.models import Page

from forms_builder.models import FormPage
from services.cases.models import Case
from services.payments.models import Invoice
from tests.forms_builder.test_forms_wizard import complaint_steps, start

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
ADMIN = f"/{settings.ADMIN_PATH}/"
BIG = "x" * 100_000
# A query string longer than a request line the front servers accept (gunicorn 4094 bytes, nginx
# 8 KB) never reaches Django: long text in a query string is 4,000 characters, in a body 100,000.
LONG_QUERY = "x" * 4_000
TEXT = [
    "\x00",
    "a\x1bb[2J",
    "\u202egnp.exe",
    "๑๒๓๔",
    "１２３",
    "../../../../etc/passwd",
    "'; DROP TABLE services_case; --",
    "\u200b\u200b",
    "<script>alert(1)</script>",
]
STRUCTURED = [
    "2569-02-31",
    "0000-00-00",
    "9999-99-99",
    "0001-01-01",
    "9999-12-31",
    "99999999999999999999999999",
    "-1",
    "0",
    "false",
    "NaN",
    "1e309",
]
MATRIX = {"text": TEXT, "structured": STRUCTURED}
# What the code reads from query strings (grep GET.get in portal/, home/, services/, forms_builder/)
# and what list pages, filters and date ranges commonly take.
QUERY_NAMES = [
    "q",
    "p",
    "page",
    "per_page",
    "ordering",
    "sort",
    "status",
    "department",
    "service",
    "category",
    "tag",
    "kind",
    "code",
    "ref",
    "next",
    "step",
    "exact",
    "link",
    "sent",
    "export",
    "year",
    "month",
    "date",
    "date_from",
    "date_to",
    "start_date",
    "end_date",
    "from",
    "to",
    "assignee",
    "channel",
    "id",
    "lang",
    "format",
]
# Posting these would sign the officer out or delete what the next pages need; they are read only.
NO_POST = re.compile(r"logout|delete|unpublish|/move/|/copy/|convert_alias|/revisions/|/bulk/|/disable|/reset")
# Wagtail's own page that raises on purpose, to show the admin's error page.
NOT_SWEPT = re.compile(r"/failwhale/")


class FormFinder(HTMLParser):
    """The POST forms of a page: action and fields (name, kind, value)."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self.forms.append({"action": attrs.get("action"), "fields": [], "multipart": "multipart" in str(attrs)})
            else:
                self.forms.append(None)
        elif tag in ("input", "select", "textarea", "button") and self.forms and self.forms[-1] is not None:
            if attrs.get("name"):
                kind = attrs.get("type", "text") if tag == "input" else tag
                self.forms[-1]["fields"].append((attrs["name"], kind, attrs.get("value") or ""))


def post_forms(html):
    finder = FormFinder()
    try:
        finder.feed(html)
    except Exception:  # noqa: BLE001 - a page we cannot parse has no forms for the sweep
        return []
    return [form for form in finder.forms if form is not None]


class Sweep:
    """Sends the requests and collects every 5xx with its traceback head."""

    def __init__(self, client):
        self.client = client
        client.raise_request_exception = False
        self.faults = []
        self.requests = 0
        self._last_exception = None
        got_request_exception.connect(self._record)

    def close(self):
        got_request_exception.disconnect(self._record)

    def _record(self, sender, request=None, **kwargs):
        """The exception and the last frame in the project's own code (where to look), or in a
        library when the project's code is not on the stack."""
        kind, error, trace = sys.exc_info()
        frames = traceback.extract_tb(trace)
        ours = [f for f in frames if "site-packages" not in f.filename] or frames[-1:]
        where = "?"
        if ours:
            name = ours[-1].filename.split("site-packages/")[-1]
            name = str(Path(name).relative_to(ROOT)) if name.startswith(str(ROOT)) else name
            where = f"{name}:{ours[-1].lineno} {ours[-1].line}"
        self._last_exception = f"{kind.__name__}: {str(error)[:160]} at {where}"

    def send(self, method, url, what, **kwargs):
        self._last_exception = None
        self.requests += 1
        # Each request in its own savepoint, as each is its own transaction in production: a
        # database error in one (PostgreSQL aborts the transaction) must not fail the next ones.
        with transaction.atomic():
            response = getattr(self.client, method)(url, **kwargs)
        if response.status_code >= 500:
            self.faults.append((method.upper(), url[:120], what, response.status_code, self._last_exception))
        return response


def query_rows(names):
    """One query string per row of the matrix: name i gets value (i + row) of that kind, and the
    page number is huge, plus one row of repeated keys and raw bytes no UTF-8 decoder accepts."""
    rows = {}
    for kind, values in MATRIX.items():
        pairs = [(name, values[i % len(values)]) for i, name in enumerate(names)]
        pairs.append(("q", LONG_QUERY) if kind == "text" else ("page", "9" * 30))
        rows[kind] = urllib.parse.urlencode(pairs)
    repeated = urllib.parse.urlencode([(name, value) for name in names[:12] for value in ("1", "2569-02-31")])
    rows["raw"] = repeated + "&q=%ED%A0%80&ref=%00&next=%ED%A0%80"
    return rows


def hostile_post(fields, kind, keep_hidden):
    """Form data for one row: each field a hostile value of that kind; checkboxes "0"/"false";
    files named to climb out of the upload folder; every field repeated once with another value."""
    values = MATRIX[kind]
    data = {}
    for i, (name, field_kind, value) in enumerate(fields):
        if field_kind in ("hidden", "submit", "button") and keep_hidden:
            data.setdefault(name, value)
        elif field_kind == "checkbox":
            data[name] = ["0", "false"][i % 2]
        elif field_kind == "file":
            data[name] = SimpleUploadedFile("../../../../etc/cron.d/x.jpg", b"\x00not an image", "image/jpeg")
        elif field_kind in ("submit", "button"):
            data.setdefault(name, value)
        else:
            data[name] = [values[i % len(values)], values[(i + 1) % len(values)]]
    if fields and kind == "text":
        data[fields[0][0]] = "ก" * 100_000
    return data


def raw_body(fields):
    pairs = []
    for name, field_kind, value in fields:
        quoted = urllib.parse.quote(name)
        if field_kind in ("hidden", "submit", "button"):
            pairs.append(f"{quoted}={urllib.parse.quote(value)}")
        else:
            pairs.append(f"{quoted}=%ED%A0%80a%00b")
    return "&".join(pairs).encode()


def read(sweep, url, what="as is"):
    """GET `url`; its HTML when it is an HTML page, else ""."""
    response = sweep.send("get", url, what)
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        return response.content.decode(errors="replace")
    return ""


POST_ROWS = ("text", "structured", "raw")


def sweep_page(sweep, url, html, rotation=None):
    """The hostile query rows on `url`, then its POST forms with the hostile rows.

    With `rotation` (the staff pages, slower to render), one query row and one POST row per page,
    turning with the page's number, so the rows are spread over the admin rather than repeated."""
    rows = list(query_rows(QUERY_NAMES).items())
    posts = POST_ROWS
    if rotation is not None:
        rows, posts = [rows[rotation % len(rows)]], [POST_ROWS[rotation % len(POST_ROWS)]]
    for kind, query in rows:
        sweep.send("get", f"{url}?{query}", f"query {kind}")
    if NO_POST.search(url):
        return
    for form in post_forms(html)[:2]:
        action = urllib.parse.urljoin(url, form["action"] or url)
        if urllib.parse.urlparse(action).netloc not in ("", "testserver") or NO_POST.search(action):
            continue
        fields = form["fields"]
        for kind in posts:
            if kind == "raw":
                body = raw_body(fields)
                sweep.send("post", action, "raw body", data=body, content_type="application/x-www-form-urlencoded")
            else:
                data = hostile_post(fields, kind, keep_hidden=kind == "text")
                sweep.send("post", action, f"form {kind}", data=data)


def walk_patterns():
    """(route, name) of every URL pattern, with the language prefix as /th/."""
    found = []

    def walk(patterns, prefix):
        for item in patterns:
            if isinstance(item, URLResolver):
                part = "th/" if isinstance(item.pattern, LocalePrefixPattern) else str(item.pattern)
                walk(item.url_patterns, prefix + part)
            elif isinstance(item, URLPattern):
                found.append((prefix + str(item.pattern), item.name))

    walk(get_resolver().url_patterns, "/")
    return found


ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def fill(route, values, hostile=None):
    """The route with its arguments: real ones from `values`, or `hostile` of the right shape."""

    def value(match):
        converter, name = match.group(1) or "str", match.group(2)
        if hostile is not None:
            return "9" * 30 if converter == "int" else urllib.parse.quote(hostile, safe="")
        return str(values.get(name, 1))

    return ARGUMENT.sub(value, route)


def public_urls(values):
    urls = []
    for route, name in walk_patterns():
        if route.startswith(ADMIN) or "^" in route or "(?" in route or name == "wagtail_serve":
            continue
        if "<" in route and "<path:" in route:
            continue
        urls.append((fill(route, values), ARGUMENT.search(route) is not None, route))
    seen = set()
    for page in Page.objects.live().filter(depth__gt=1).specific().order_by("depth", "path"):
        if type(page) in seen:
            continue
        url = page.get_url()
        if url:
            seen.add(type(page))
            urls.append((url, False, url))
    return urls


def admin_pages(sweep, limit=120):
    """(url, html) of admin pages, one per URL name, breadth first: every admin route without
    arguments, then the links found on them (the sidebar's are in its JSON, hence the quotes)."""
    queue = [ADMIN] + [route for route, _name in walk_patterns() if route.startswith(ADMIN) and "<" not in route]
    queue = [route for route in queue if "^" not in route and "(?" not in route]
    names, pages = set(), []
    link = re.compile("(?:[\"']|&quot;)(" + re.escape(ADMIN) + "[^\"'#&\\s\\\\]*)")
    while queue and len(pages) < limit:
        url = queue.pop(0)
        try:
            match = resolve(urllib.parse.urlparse(url).path)
        except Resolver404:
            continue
        if match.url_name in names or NOT_SWEPT.search(url) or NO_POST.search(url) and "delete" not in url:
            continue
        names.add(match.url_name)
        html = read(sweep, url, "crawl")
        pages.append((url, html))
        queue.extend(found.replace("&amp;", "&").split("?")[0] for found in link.findall(html))
    return pages


def demo_values():
    invoice = Invoice.objects.filter(case__isnull=False).select_related("case").first()
    case = invoice.case if invoice else Case.objects.first()
    form = FormPage.objects.live().first()
    return {
        "reference": case.reference,
        "number": invoice.number if invoice else "INV-1",
        "page_id": form.pk,
        "code": form.short_code or "x",
        "fmt": "json",
        "slug": "x",
    }


def report(faults):
    return "\n".join(f"{m} {u} [{w}] -> {s}: {tb}" for m, u, w, s, tb in faults)


def test_hostile_input_on_every_public_page_gives_no_5xx(demo, client):
    sweep = Sweep(client)
    values = demo_values()
    try:
        for url, has_arguments, route in public_urls(values):
            sweep_page(sweep, url, read(sweep, url))
            if has_arguments:
                hostile_urls = {
                    fill(route, values, h): h for h in ("\x00", "../../etc/passwd", "๑๒๓", "-1", BIG[:5000])
                }
                for hostile_url, hostile in hostile_urls.items():  # int-only routes: one URL
                    sweep.send("get", hostile_url, f"path {hostile[:12]!r}")
        for path in ("/th/%00/", "/th/..%2F..%2Fetc%2Fpasswd/", "/%ED%A0%80/", "/th/" + "ก" * 3000 + "/"):
            sweep.send("get", path, "path")
    finally:
        sweep.close()
    assert sweep.requests > 200  # the sweep found the site, not an empty URLconf
    assert not sweep.faults, report(sweep.faults)


def test_hostile_input_on_every_staff_page_gives_no_5xx(demo, client, otp_required, otp_login, django_user_model):
    otp_login(client, django_user_model.objects.get(username="admin"))
    sweep = Sweep(client)
    try:
        pages = admin_pages(sweep)
        for number, (url, html) in enumerate(pages):
            sweep_page(sweep, url, html, rotation=number)
        # Every admin route that takes a number, with one too big for the database's integers.
        for route, _name in walk_patterns():
            if route.startswith(ADMIN) and "<int:" in route and "^" not in route:
                sweep.send("get", fill(route, {}, hostile="x"), "path: huge id")
    finally:
        sweep.close()
    assert len(pages) > 40  # signed in with the second factor: the crawl got past the sign-in page
    assert not sweep.faults, report(sweep.faults)


def test_signed_in_admin_login_with_a_bare_word_as_next(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    assert client.get(f"{ADMIN}login/", {"next": "0"}).status_code == 302


def test_page_chooser_with_an_id_that_is_no_number(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x" * 12))
    assert client.get(f"{ADMIN}choose-page/chosen-multiple/", {"id": "NaN"}).status_code < 500


def test_saving_a_draft_with_a_nul_in_an_answer(client, make_form):
    page = make_form("complaint-form")
    filler = start(client, page)
    what, _where, _who = complaint_steps(filler)
    response = filler.post(what, {"category": "road", "details": "ถนน\x00พัง"}, extra={"wizard_save": "1"})
    assert response.status_code < 500
