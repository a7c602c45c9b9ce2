"""Issue 17 §2, isolation you can prove: office A's people, and anyone on A's host name, never
see office B's data: cases, files, pages, snippets, documents, images, reports, figures, in the
admin, the queue, exports, search, choosers, the API and the dashboards.

Every URL pattern is discovered from the URLconf (the admin's, Wagtail's, the i18n-prefixed
public ones), its arguments filled from B's objects through the tables below, and read as A's
office administrator, A's editor, A's officer, the province viewer and anonymously, on A's host
name. Nothing of B (every text of B carries "ZQB…", see conftest.py) may be in what comes back:
page, JSON, CSV, the cells of an XLSX export, a redirect's Location; and a URL of one of B's
objects must not answer with B's file. A pattern whose arguments the tables do not know fails
`test_every_url_pattern_is_filled_or_skipped_with_a_reason`: a URL added later cannot slip
through. Then the public side: every page of both offices read on A's host, and B's public
content read on B's host (which proves the markers are found where they belong).
"""

import io
import re
import urllib.parse
import zipfile

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook
from wagtail.models import Locale, Task, Workflow

from tests.offices.conftest import PROVINCE

pytestmark = pytest.mark.django_db

ADMIN = f"/{settings.ADMIN_PATH}/"
ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")
# A marker: "ZQB" then capitals, digits or dashes, not inside a longer word (a CSRF token or a
# file name's random part may hold the letters "ZQB" by chance).
B_MARK = re.compile(r"(?<![A-Za-z0-9])ZQB[A-Z0-9-]+(?![a-z])")
A_MARK = re.compile(r"(?<![A-Za-z0-9])ZQA[A-Z0-9-]+(?![a-z])")


class B:
    """A value taken from office B's data (a URL holding one is a URL of B's object)."""

    def __init__(self, get):
        self.get = get


def neutral(value):
    """A value that is not office data (a format, a model name, Wagtail's default workflow)."""
    return lambda world: value


def b(key, attribute="pk"):
    return B(lambda world: getattr(world["B"][key], attribute))


# Objects behind a `<pk>` of a viewset (Wagtail's snippets, ModelViewSets), by model label.
MODEL_OBJECTS = {
    "services.Department": b("department"),
    "services.ServiceCategory": b("category"),
    "services.FormDocument": b("document"),
    "cases.Case": b("case"),
    "cases.ReplyTemplate": b("reply_template"),
    "cases.OfficeClosure": b("closure"),
    "cases.ApprovalRole": b("approval_role"),
    "booking.Counter": b("counter"),
    "agencies.Agency": b("agency"),
    "portal_help.Volunteer": b("volunteer"),
    "feedback.Answer": b("feedback_answer"),
    "booking.BookableService": b("bookable"),
    "booking.Booking": b("booking"),
    "taxes.TaxAccount": b("tax_account"),
    "taxes.TaxAssessment": b("tax_assessment"),
    "payments.Household": b("household"),
    "payments.Invoice": b("invoice"),
    "payments.Payment": b("payment"),
    "notifications.Notification": b("notification"),
    "notifications.NotificationTemplate": b("notification_template"),
    "privacy.RetentionRule": b("retention"),
    "areas.Area": b("area"),
    "areas.RoutingRule": b("routing_rule"),
    "privacy.PersonalDataAccess": b("access_log"),
    "privacy.DataSubjectRequest": b("subject_request"),
    "reporting.MonthlyReport": b("report"),
    "open311.Open311Key": b("key"),
    "documents.DocumentTemplate": b("document_template"),
    "documents.LetterTemplate": b("letter_template"),
    "wagtailcore.Site": b("site"),
    "portal.Office": b("site"),
    "wagtailcore.Collection": b("collection"),
    "wagtailimages.Image": b("image"),
    "wagtailredirects.Redirect": b("redirect"),
    "auth.User": B(lambda world: world["B"]["staff"]["admin"].pk),
    "auth.Group": B(lambda world: world["B"]["office"].groups["office_admin"].pk),
    # Install-wide, not any office's: Wagtail's languages and its default moderation workflow.
    "wagtailcore.Locale": neutral(None),
    "wagtailcore.Workflow": neutral(None),
    "wagtailcore.Task": neutral(None),
}

# Arguments by URL name (namespaced as reverse() takes it), then by argument name alone.
BY_NAME = {
    ("wagtailadmin_api:pages:detail", "pk"): b("news"),
    ("wagtailadmin_api:pages:action", "pk"): b("news"),
    ("wagtailadmin_api:pages:action", "action_name"): neutral("copy"),
    ("wagtailadmin_api:documents:detail", "pk"): b("document"),
    ("wagtailadmin_api:images:detail", "pk"): b("image"),
    ("wagtail_bulk_action", "app_label"): neutral("wagtailcore"),
    ("wagtail_bulk_action", "model_name"): neutral("page"),
    ("wagtail_bulk_action", "action"): neutral("delete"),
    ("wagtailadmin_collections:edit", "pk"): b("collection"),
    ("wagtailadmin_collections:delete", "pk"): b("collection"),
    ("wagtailadmin_workflows:add_task", "app_label"): neutral("wagtailcore"),
    ("wagtailadmin_workflows:add_task", "model_name"): neutral("groupapprovaltask"),
    ("wagtailadmin_tag_model_autocomplete", "app_name"): neutral("home"),
    ("wagtailadmin_tag_model_autocomplete", "model_name"): neutral("newspage"),
    **{
        (f"wagtailadmin_workflows:{view}", "pk"): neutral(("wagtailcore.Workflow", None))
        for view in ("enable", "disable", "edit", "usage", "usage_results")
    },
    **{
        (f"wagtailadmin_workflows:{view}", "pk"): neutral(("wagtailcore.Task", None))
        for view in ("edit_task", "disable_task", "enable_task")
    },
    ("case_admin_file", "pk"): b("case"),
    ("case_detail", "pk"): b("case"),
    ("case_receipt", "pk"): b("case"),
    ("agency_refer", "pk"): b("case"),
    ("field_job", "pk"): b("case"),
    ("field_photo", "pk"): b("case"),
    ("case_admin_photo", "pk"): b("case"),
    ("case_admin_deficiency_pdf", "pk"): b("case"),
    ("case_decide", "pk"): b("stage"),
    ("payments_receipt", "pk"): b("invoice"),
    ("payments_case", "pk"): b("case"),
    ("documents_case", "pk"): b("case"),
    ("documents_download", "pk"): b("issued"),
    ("document_status", "code"): b("issued", "code"),
    ("document_download", "code"): b("issued", "code"),
    ("documents_letter", "pk"): b("case"),
    ("documents_register", "pk"): b("register"),
    ("line_webhook_office", "office"): b("site", "hostname"),
    ("payments_poster", "page_id"): b("form"),
    ("payments_poster", "kind"): neutral("poster"),
    ("forms_builder_export", "page_id"): b("form"),
    ("forms_builder_replace", "page_id"): b("form"),
    ("payments:confirm", "pk"): b("payment"),
    ("payments:reject", "pk"): b("payment"),
    ("payments:slip", "pk"): b("payment"),
    ("notification_failed:resend", "pk"): b("notification"),
    ("reports:file", "pk"): b("report"),
    ("reports:file", "kind"): neutral("csv"),
    ("offices_archive", "pk"): b("site"),
    ("offices_unarchive", "pk"): b("site"),
    ("offices_delete", "pk"): b("site"),
    ("offices_site_delete", "pk"): b("site"),
    ("wagtailsettings:edit", "app_name"): neutral("home"),
    ("wagtailsettings:edit", "model_name"): neutral("officesettings"),
    ("wagtailsettings:edit", "pk"): b("site"),
    ("wagtailsettings:preview_on_edit", "app_name"): neutral("home"),
    ("wagtailsettings:preview_on_edit", "model_name"): neutral("officesettings"),
    ("wagtailsettings:preview_on_edit", "pk"): b("site"),
    ("wagtail_localize:submit_page_translation", "page_id"): b("news"),
    ("wagtail_localize:convert_to_alias", "page_id"): b("guide_en"),
    ("wagtail_localize:submit_snippet_translation", "app_label"): neutral("services"),
    ("wagtail_localize:submit_snippet_translation", "model_name"): neutral("servicecategory"),
    ("wagtail_localize:submit_snippet_translation", "pk"): b("category"),
    ("wagtail_localize:snippets_api_listing", "app_label"): neutral("services"),
    ("wagtail_localize:snippets_api_listing", "model_name"): neutral("servicecategory"),
    ("wagtail_localize:snippets_api_detail", "app_label"): neutral("services"),
    ("wagtail_localize:snippets_api_detail", "model_name"): neutral("servicecategory"),
    ("wagtail_localize:snippets_api_detail", "pk"): b("category"),
    ("case_invoice", "number"): b("invoice", "number"),
    ("case_invoice_slip", "number"): b("invoice", "number"),
    ("case_invoice_receipt", "number"): b("invoice", "number"),
    ("household_invoice", "number"): b("household_invoice", "number"),
    ("household_invoice_slip", "number"): b("household_invoice", "number"),
    ("household_invoice_receipt", "number"): b("household_invoice", "number"),
    ("form_short_link", "code"): b("form", "short_code"),
    ("booking_mark", "pk"): b("booking"),
    ("booking_ticket", "pk"): b("booking"),
    ("booking_book", "pk"): b("bookable"),
    ("booking_manage", "reference"): b("booking", "reference"),
    ("booking_manage", "secret"): B(lambda world: world["B"]["booking_secret"]),
    ("tax_account", "pk"): b("tax_account"),
    ("tax_invoice", "number"): b("tax_invoice", "number"),
    ("tax_invoice_slip", "number"): b("tax_invoice", "number"),
    ("tax_invoice_receipt", "number"): b("tax_invoice", "number"),
    # The office's logo as an app icon: the name is a size, the office is the host's.
    ("app_icon", "name"): neutral("app-icon-192.png"),
    ("open311_service", "code"): b("guide", "slug"),
    ("case_action", "action"): neutral("reply"),
    ("wagtailadmin_pages:workflow_action", "action_name"): neutral("approve"),
    ("wagtailadmin_pages:collect_workflow_action_data", "action_name"): neutral("approve"),
    ("wagtailadmin_workflows:remove", "page_pk"): b("news"),
    ("wagtailadmin_pages:add", "content_type_app_name"): neutral("home"),
    ("wagtailadmin_pages:add", "content_type_model_name"): neutral("newspage"),
    ("wagtailadmin_pages:preview_on_add", "content_type_app_name"): neutral("home"),
    ("wagtailadmin_pages:preview_on_add", "content_type_model_name"): neutral("newspage"),
    ("wagtailadmin_pages:type_use", "content_type_app_name"): neutral("home"),
    ("wagtailadmin_pages:type_use", "content_type_model_name"): neutral("newspage"),
    ("wagtailadmin_pages:type_use_results", "content_type_app_name"): neutral("home"),
    ("wagtailadmin_pages:type_use_results", "content_type_model_name"): neutral("newspage"),
    ("wagtailadmin_pages:choose_parent", "app_label"): neutral("home"),
    ("wagtailadmin_pages:choose_parent", "model_name"): neutral("newspage"),
}
BY_ARGUMENT = {
    "page_id": b("news"),
    "page_to_move_id": b("news"),
    "parent_page_id": b("news_index"),
    "destination_id": b("home_th"),
    "revision_id": b("news", "latest_revision_id"),
    "image_id": b("image"),
    "document_id": b("document"),
    "doc_id": b("document"),
    "collection_id": b("collection"),
    "redirect_id": b("redirect"),
    "file_id": b("upload"),
    "record_id": b("deficiency"),
    "photo_id": b("case_photo"),
    "reference": b("case", "reference"),
    "token": B(lambda world: world["B"]["link_token"]),
    "fmt": neutral("json"),
    "province": neutral(PROVINCE),
    "filter_spec": neutral("original"),
    # B has no moderation in progress: the page in these URLs is B's, the workflow Wagtail's.
    "task_state_id": neutral(1),
    "workflow_state_id": neutral(1),
    "task_id": neutral(None),
    "workflow_pk": neutral(None),
}
# Query strings sent with a URL, by name: the bulk action's chosen pages.
QUERIES = {"wagtail_bulk_action": B(lambda world: f"id={world['B']['news'].pk}")}
# Patterns written as regular expressions: the URL for B's object, by name.
REGEX_URLS = {
    "wagtaildocs_serve": B(lambda world: f"/documents/{world['B']['document'].pk}/{world['B']['document'].filename}"),
    "wagtailadmin_pages:revisions_compare": B(
        lambda world: f"{ADMIN}pages/{world['B']['news'].pk}/revisions/compare/earliest...latest/"
    ),
}
# Patterns not read here, each with the reason.
SKIPPED = {
    "wagtail_serve": "pages are read by their URLs (every page of both offices) in the public tests below",
    "wagtailadmin_password_reset_confirm": "takes a one-time token from an e-mail; shows no office data",
    "logout": "would end the session the next URLs need",
    "wagtailadmin_logout": "would end the session the next URLs need",
    "wagtailadmin_editing_sessions:ping": "POST-only heartbeat of an editing session the fixture does not open",
    "wagtailadmin_editing_sessions:release": "POST-only release of an editing session the fixture does not open",
    "wagtaildocs:create_multiple_from_uploaded_document": "needs an upload in progress (UploadedFile), not office data",
    "wagtaildocs:delete_upload_multiple": "needs an upload in progress (UploadedFile), not office data",
    "wagtailimages:create_multiple_from_uploaded_image": "needs an upload in progress (UploadedFile), not office data",
    "wagtailimages:delete_upload_multiple": "needs an upload in progress (UploadedFile), not office data",
    "wagtaildocs_authenticate_with_password": "a password form for a restricted document; the fixture restricts none",
    "wagtailcore_authenticate_with_password": "a password form for a restricted page; the fixture restricts none",
    "wagtail_localize:update_translations": "needs a wagtail-localize translation source; the fixture makes none",
    "wagtail_localize:edit_string_translation": "needs a wagtail-localize translation; the fixture makes none",
    "wagtail_localize:edit_override": "needs a wagtail-localize translation; the fixture makes none",
    "wagtail_localize:download_pofile": "needs a wagtail-localize translation; the fixture makes none",
    "wagtail_localize:upload_pofile": "needs a wagtail-localize translation; the fixture makes none",
    "wagtail_localize:machine_translate": "needs a wagtail-localize translation; the fixture makes none",
    "wagtail_localize:preview_translation": "needs a wagtail-localize translation; the fixture makes none",
    "wagtail_localize:stop_translation": "needs a wagtail-localize translation; the fixture makes none",
    "wagtailadmin_error_test": "Wagtail's page that raises on purpose, to show the admin's error page",
    "library:adopt": "needs a template of the shared library; the fixture makes none yet",
    "library:changes": "needs an office's adoption of a library template; the fixture makes none yet",
    None: "Wagtail's catch-all that answers 404 for unknown admin URLs",
}
# URLs that end the session or change the world when merely read (GET).
NOT_READ = re.compile(r"logout")


def walk():
    """(route, name, model label) of every URL pattern, the language prefix as /th/."""
    found = []

    def visit(patterns, prefix, namespaces):
        for item in patterns:
            if isinstance(item, URLResolver):
                part = "th/" if isinstance(item.pattern, LocalePrefixPattern) else str(item.pattern)
                visit(item.url_patterns, prefix + part, namespaces + ([item.namespace] if item.namespace else []))
            elif isinstance(item, URLPattern):
                name = ":".join([*namespaces, item.name]) if item.name else None
                model = (getattr(item.callback, "view_initkwargs", None) or {}).get("model")
                if isinstance(model, str):
                    model = apps.get_model(model)
                found.append((prefix + str(item.pattern), name, model._meta.label if model else None))

    visit(get_resolver().url_patterns, "/", [])
    return found


def default_object(label):
    """Install-wide rows a `neutral(None)` stands for."""
    return {
        "wagtailcore.Locale": lambda: Locale.objects.get(language_code="th").pk,
        "wagtailcore.Workflow": lambda: Workflow.objects.order_by("pk").first().pk,
        "wagtailcore.Task": lambda: Task.objects.order_by("pk").first().pk,
    }[label]()


NEUTRAL_DEFAULTS = {"task_id": "wagtailcore.Task", "workflow_pk": "wagtailcore.Workflow"}


def fill(route, name, model, world):
    """(url, is a URL of B's object) or (None, why not): the route with B's values."""
    if name in REGEX_URLS:
        return REGEX_URLS[name].get(world), True
    if "(?" in route:
        return None, f"{name or '(no name)'}: {route} is a regular expression; add it to REGEX_URLS or SKIPPED"
    route = route.replace("^", "").replace("$", "")
    of_b, values = False, {}
    for _converter, argument in ARGUMENT.findall(route):
        rule = BY_NAME.get((name, argument))
        if rule is None and argument in ("pk", "object_id") and model:
            rule = MODEL_OBJECTS.get(model)
        if rule is None:
            rule = BY_ARGUMENT.get(argument)
        if rule is None:
            where = f"model {model}" if model else "no model"
            return (
                None,
                f"{name}: {route} <{argument}> ({where}): add it to the table (BY_NAME, BY_ARGUMENT or MODEL_OBJECTS)",
            )
        if isinstance(rule, B):
            of_b, value = True, rule.get(world)
        else:
            value = rule(world)
            if isinstance(value, tuple):  # (install-wide model, None): its first row
                value = default_object(value[0])
            elif value is None:
                value = default_object(model if argument in ("pk", "object_id") else NEUTRAL_DEFAULTS[argument])
        values[argument] = urllib.parse.quote(str(value), safe="")
    url = ARGUMENT.sub(lambda match: values[match.group(2)], route)
    if name in QUERIES:
        url += "?" + QUERIES[name].get(world)
    return url, of_b


def urls_to_read(world):
    """(url, name, of B) for every pattern, and the patterns the tables do not know."""
    urls, unknown = [], []
    for route, name, model in walk():
        if name in SKIPPED or (name is None and route.endswith(".*/$")):
            continue
        url, of_b = fill(route, name, model, world)
        if url is None:
            unknown.append(of_b)
        elif not NOT_READ.search(url):
            urls.append((url, name, of_b))
    return urls, unknown


# -- Reading responses --------------------------------------------------------------------------


def text_of(response):
    """What a person (or a program) gets from a response, as text: pages, JSON, CSV, the cells of
    an XLSX, the bytes of anything else read as Latin-1 (a PDF's uncompressed text)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind or content[:2] == b"PK":
        try:
            book = load_workbook(io.BytesIO(content), read_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            return content.decode("latin-1")
        return "\n".join(
            " ".join(str(cell) for cell in row if cell is not None)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if kind.startswith(("text/", "application/json", "application/xml", "application/javascript")):
        return content.decode("utf-8", errors="replace")
    return content.decode("latin-1")


def is_file(response):
    kind = response.get("Content-Type", "")
    return response.status_code == 200 and not kind.startswith(("text/html", "application/json", "text/plain"))


def without_url(text, url):
    """`text` without the URL asked for (a form's action, a "next" parameter, a 404 that repeats
    the path): what the test itself put there is not a leak."""
    path = url.split("?")[0]
    for form in {
        url,
        path,
        urllib.parse.quote(url, safe=""),
        urllib.parse.quote(path, safe=""),
        urllib.parse.quote(path),
    }:
        text = text.replace(form, "")
    return text


def leak_in(response, url, host_b):
    """What of B this response shows: the markers found (not those of the URL asked for: the
    test put them there), or a redirect to B's admin."""
    asked = set(B_MARK.findall(urllib.parse.unquote(url)))
    if response.status_code in (301, 302, 303, 307, 308):
        location = urllib.parse.unquote(response.get("Location", ""))
        found = set(B_MARK.findall(location)) - asked
        parts = urllib.parse.urlparse(location)
        if parts.hostname == host_b and parts.path.startswith(ADMIN):
            found.add(f"redirect to B's admin {location}")
        return found
    return set(B_MARK.findall(without_url(text_of(response), url))) - asked


def read(client, url, host):
    with transaction.atomic():  # each request its own transaction, as in production
        return client.get(url, HTTP_HOST=host)


# -- People -------------------------------------------------------------------------------------


def signed_in(user):
    """A client of `user` past both steps of signing in (a confirmed TOTP device, the session
    marked verified by django-otp, as after typing the code)."""
    client = Client(raise_request_exception=False)
    if user is None:
        return client
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="isolation", defaults={"confirmed": True})
    client.force_login(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    otp_login(request, device)
    request.session.save()
    return client


def people_of_a(world):
    a = world["A"]
    return {
        "A office admin": a["staff"]["admin"],
        "A editor": a["staff"]["editor"],
        "A officer": a["staff"]["officer"],
        "province viewer": world["viewer"],
        "anonymous": None,
    }


# What a person may see of B by design: a province viewer reads the figures (monthly reports) of
# every office in the province.
ALLOWED = {("province viewer", "reports")}
# Listings, searches and choosers: read once more searching for B's markers.
LISTING = re.compile(r"list|index|search|choose|results|queue|explore|home|report|usage")
EXPORT_LINK = re.compile(r"""href=["']([^"']*[?&](?:amp;)?export=(?:csv|xlsx)[^"']*)["']""")


# -- Tests --------------------------------------------------------------------------------------


def test_every_url_pattern_is_filled_or_skipped_with_a_reason(offices):
    urls, unknown = urls_to_read(offices)
    assert not unknown, "URL patterns this test cannot fill:\n" + "\n".join(unknown)
    assert len(urls) > 150  # the walk found the admin's URLs, not an empty URLconf


@override_settings(OTP_REQUIRED=True)
def test_office_a_people_and_a_host_never_see_office_b(offices):
    """Every URL pattern, as each of A's people and anonymously, on A's host name."""
    a_host, b_host = offices["A"]["host"], offices["B"]["host"]
    urls, _unknown = urls_to_read(offices)
    leaks, served = {}, 0
    for who, user in people_of_a(offices).items():
        client = signed_in(user)
        # Anonymous visitors get the sign-in page for every admin URL: the admin's front door is enough.
        queue = [(url, name, of_b) for url, name, of_b in urls if user or not url.startswith(ADMIN) or url == ADMIN]
        seen = set()
        while queue:
            url, name, of_b = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = read(client, url, a_host)
            served += 1
            found = leak_in(response, url, b_host)
            if response.status_code >= 500:  # a page that breaks cannot be shown to keep B's data out
                found.add(f"error {response.status_code}, cannot tell")
            if of_b and is_file(response):
                found.add(f"B's file ({response.get('Content-Type', '?')})")
            elif of_b and response.status_code == 200 and not url.startswith(ADMIN):
                found.add("B's object answered on A's host")  # B's public URLs: B's host only
            if found and (who, (name or "").split(":")[0]) not in ALLOWED:
                leak = leaks.setdefault((name, url), {"who": [], "found": set()})
                leak["who"].append(f"{who} ({response.status_code})")
                leak["found"] |= found
            if response.status_code == 200 and "html" in response.get("Content-Type", "") and not of_b:
                html = response.content.decode(errors="replace")
                for link in EXPORT_LINK.findall(html):  # the listing's CSV and XLSX exports count too
                    queue.append((link.replace("&amp;", "&"), f"{name} (export)", False))
                if "?" not in url and LISTING.search(name or ""):
                    queue.append((f"{url}?q=ZQB", f"{name} (search ZQB)", False))
    assert served > 500
    assert not leaks, f"{len(leaks)} of {served} URLs read show office B's data on A's host:\n" + "\n".join(
        f"{name} {url} as {', '.join(leak['who'])}: {', '.join(sorted(leak['found']))}"
        for (name, url), leak in leaks.items()
    )


def public_paths(world, letter):
    """The path of every live page of an office, as its own host serves it."""
    paths = []
    for page in world[letter]["home_th"].get_descendants(inclusive=True).live().specific():
        paths.append(page.get_url_parts()[2])
    for page in world[letter]["home_en"].get_descendants(inclusive=True).live().specific():
        paths.append(page.get_url_parts()[2])
    return paths


def test_every_page_on_a_host_shows_nothing_of_b(offices):
    """Every page of either office's tree, read anonymously on A's host: A's home, news, search,
    feeds, sitemap and dashboard show A's content, never B's (B's paths lead to A's pages or to
    nothing)."""
    a_host, b_host = offices["A"]["host"], offices["B"]["host"]
    client = Client(raise_request_exception=False)
    leaks, shown_a = [], set()
    extra = ["/th/search/?q=ZQB", "/en/search/?q=ZQB", "/th/feeds/news/", "/sitemap.xml", "/th/dashboard/"]
    for path in public_paths(offices, "A") + public_paths(offices, "B") + extra:
        response = read(client, path, a_host)
        found = leak_in(response, path, b_host)
        if found:
            leaks.append(f"{path}: {response.status_code} shows {', '.join(sorted(found))}")
        if response.status_code == 200:
            shown_a |= set(A_MARK.findall(text_of(response)))
    assert {"ZQANEWS", "ZQAGUIDE"} <= shown_a  # A's public content is there (the markers are found)
    assert not leaks, "B's content on A's host:\n" + "\n".join(leaks)


def test_b_public_content_is_public_on_b_host(offices, caplog):
    """The other side of the same coin, and the proof the markers are found where they belong."""
    client = Client(raise_request_exception=True)
    b = offices["B"]
    with translation.override("th"):
        news = client.get(b["news"].get_url_parts()[2], HTTP_HOST=b["host"])
        guide = client.get(b["guide"].get_url_parts()[2], HTTP_HOST=b["host"])
        draft = client.get(b["draft"].get_url_parts()[2], HTTP_HOST=b["host"])
    assert news.status_code == 200 and "ZQBNEWS" in news.content.decode(), caplog.text[-4000:]
    assert guide.status_code == 200 and "ZQBGUIDE" in guide.content.decode()
    assert "ZQBDRAFT" not in draft.content.decode()  # a draft is nobody's public content


@override_settings(OTP_REQUIRED=True)
def test_b_staff_see_b_data_in_their_admin(offices):
    """B's own people do see B's cases, pages and snippets (the markers the test looks for are
    on the pages it reads)."""
    b = offices["B"]
    client = signed_in(b["staff"]["admin"])
    queue = read(client, f"{ADMIN}cases/", b["host"]).content.decode()
    detail = read(client, f"{ADMIN}cases/{b['case'].pk}/", b["host"]).content.decode()
    explore = read(client, f"{ADMIN}pages/{b['news_index'].pk}/", b["host"]).content.decode()
    assert b["case"].reference in queue
    assert "ZQBCASELOC" in detail
    assert "ZQBNEWS" in explore
    # The areas' admin opens for an office administrator (going live grants it), so the sweep's
    # reading of it as A's administrator is a real one, not a refusal.
    assert "ZQBAREA" in read(client, f"{ADMIN}snippets/areas/area/", b["host"]).content.decode()
    assert "ZQBAREA" in read(client, f"{ADMIN}snippets/areas/routingrule/", b["host"]).content.decode()
    # So do the volunteers named in the help box, and B's public list of them on B's host.
    assert "ZQBVOLUNTEER" in read(client, f"{ADMIN}snippets/portal_help/volunteer/", b["host"]).content.decode()
    assert "ZQBVOLUNTEER" in read(Client(), "/th/help/volunteers/", b["host"]).content.decode()


@override_settings(OTP_REQUIRED=True)
def test_a_shared_officer_sees_both_offices_labelled(offices):
    """An officer of both offices sees both offices' cases in one queue, each labelled with its office."""
    client = signed_in(offices["shared"])
    with translation.override("en"):
        queue = read(client, f"{ADMIN}cases/", offices["A"]["host"]).content.decode()
    assert offices["A"]["case"].reference in queue
    assert offices["B"]["case"].reference in queue
    assert "Office Alpha" in queue and "Office Beta" in queue
