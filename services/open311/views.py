"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) at /open311/v2/.

What it publishes and what it keeps back:

- services are the live Thai service guides that have an online form; `service_code` is the
  guide's slug; attributes come from the form's own questions (the same definition the wizard
  uses), and a POSTed request is validated by the wizard's own step forms, then handed to the
  same intake (`forms_builder.intake.hand_over`), so an API request is a real case like any other;
- requests never carry personal data: no name, phone, email, free text (a description can hold
  a name or an address), typed address or uploaded file. Coordinates are published only for
  services about public places (those an editor marked so, and
  settings.OPEN311_PUBLIC_LOCATION_SERVICES, default streetlight repair and complaints), never
  for a report the resident asked to keep private, and as the public map shows them
  (`services.places.public.point`: 3 decimals, about 100 m); other services (permits,
  allowances: people's homes) never show a location;
- bad input gets the standard error body `[{"code": 400, "description": "..."}]` (or XML) with
  HTTP 400, 403 or 404, never a 500: dates that do not exist (2569-02-31) or that the calendar
  arithmetic cannot reach (0001-01-01, 9999-12-31), coordinates that are no finite number (NaN,
  Infinity, 1e309), control characters (NUL, which PostgreSQL cannot even store) in any parameter
  or path, and bodies that are not a form. Thai and full-width digits are read as digits.

Every endpoint answers for the office whose host name the request came to
(`portal.offices.current_office`): its services, its requests. A service code of another office
is unknown here, and a key works only on its own office's host name (403 elsewhere).

POST needs an `api_key` issued by staff (services.open311.models.Open311Key). Submissions
cannot carry an "api" channel (forms_builder allows web/counter/volunteer/phone only), so API
requests are filed as channel "web" and their source is recorded in the submission's token
(`open311-<key prefix>-…`).
"""

import datetime
import uuid
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from forms_builder.fields import ADDRESS_PARTS, StepForm, build_definition, condition_met, field_type
from forms_builder.intake import hand_over
from forms_builder.models import Submission
from portal.i18n import ascii_digits
from portal.models import Office
from portal.offices import current_office
from portal.typed_text import has_control_characters
from services.cases.models import OPEN_STATUSES, Case, CaseStatus
from services.models.guides import ServicePage
from services.open311.models import Open311Key
from services.places.public import point as public_point

MAX_WINDOW_DAYS = 90
MAX_RESULTS = 1000
# Dates outside these years are refused rather than searched: nothing was filed then, and the
# window arithmetic (start + 90 days, the shift to UTC for the query) overflows at years 1 and 9999.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
PUBLIC_LOCATION_SERVICES = getattr(settings, "OPEN311_PUBLIC_LOCATION_SERVICES", ["streetlight-repair", "complaint"])
DATATYPES = {
    "short_text": "string",
    "long_text": "text",
    "number": "number",
    "email": "string",
    "phone": "string",
    "national_id": "string",
    "date": "datetime",
    "single_choice": "singlevaluelist",
    "multiple_choice": "multivaluelist",
    "checkbox": "singlevaluelist",
    "consent": "singlevaluelist",
    "address": "string",
}
YES = {"yes", "true", "1", "on"}


class Open311Error(Exception):
    def __init__(self, status, description):
        super().__init__(description)
        self.status = status
        self.description = description


# --- output -----------------------------------------------------------------------------------


def _xml_value(parent, tag, value):
    element = ET.SubElement(parent, tag)
    if isinstance(value, list):
        child_tag = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}.get(
            tag, "item"
        )
        for item in value:
            _xml_value(element, child_tag, item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _xml_value(element, key, item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
    return element


def respond(data, fmt, *, root=None, item=None, status=200):
    if fmt == "xml":
        top = ET.Element(root)
        for entry in data if isinstance(data, list) else [data]:
            _dict_into(ET.SubElement(top, item) if isinstance(data, list) else top, entry)
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _dict_into(element, data):
    for key, value in data.items():
        _xml_value(element, key, value)


def error(status, description, fmt="json"):
    return respond([{"code": status, "description": str(description)}], fmt, root="errors", item="error", status=status)


def refuse_control_characters(request, path_values):
    """A 400 naming the first parameter (or path part) holding a control character.

    Checked once for every endpoint, before any value reaches a query: PostgreSQL refuses NUL in
    text outright (a 500 otherwise), and no GeoReport value needs ESC or DEL. Line breaks and tabs
    are allowed in POSTed values (a description may have several lines); the wizard's own fields
    refuse them where one line is expected."""
    for name, value in path_values.items():
        if has_control_characters(str(value)):
            raise Open311Error(400, f"The {name} in the address contains control characters")
    for params, multiline in ((request.GET, False), (request.POST if request.method == "POST" else {}, True)):
        for name in params:
            if has_control_characters(name):
                raise Open311Error(400, "A parameter name contains control characters")
            if any(has_control_characters(value, multiline=multiline) for value in params.getlist(name)):
                raise Open311Error(400, f"{name[:60]} contains control characters")


def api_view(methods=("GET",)):
    """Wrap a view: the format from the URL, errors as the standard's error body."""

    def decorator(view):
        @csrf_exempt
        @require_http_methods(list(methods))
        def wrapper(request, *args, fmt="json", **kwargs):
            if fmt not in ("json", "xml"):
                return error(404, "Unknown format: use .json or .xml")
            try:
                refuse_control_characters(request, kwargs)
                return view(request, *args, fmt=fmt, **kwargs)
            except MultiPartParserError:
                return error(400, "The body is not a form: send application/x-www-form-urlencoded", fmt)
            except Open311Error as problem:
                return error(problem.status, problem.description, fmt)

        return wrapper

    return decorator


# --- services ---------------------------------------------------------------------------------


def services_queryset(site):
    """The office's live Thai guides with a live online form in the office's own page tree (the
    intake files a request into the office of its form page)."""
    root_path = site.root_page.path
    return (
        ServicePage.objects.live()
        .filter(
            path__startswith=root_path,
            locale__language_code="th",
            online_form__isnull=False,
            online_form__live=True,
            online_form__path__startswith=root_path,
        )
        .select_related("online_form", "category")
        .order_by("title")
    )


def find_service(code, site):
    service = services_queryset(site).filter(slug=code).first()
    if service is None:
        raise Open311Error(404, f"Unknown service_code: {code[:60]}")
    return service


def service_entry(service):
    return {
        "service_code": service.slug,
        "service_name": service.title,
        "description": getattr(service, "summary", "") or "",
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": service.category.name if service.category_id else "",
    }


@api_view()
def discovery(request, fmt):
    services_url = reverse("open311_services", kwargs={"fmt": "json"})
    base = request.build_absolute_uri(services_url.rsplit("/", 1)[0] + "/")
    data = {
        "changeset": "2026-11-21T00:00:00+07:00",
        "contact": settings.DEFAULT_FROM_EMAIL,
        "key_service": "API keys are issued by the office's staff on request.",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base.rstrip("/"),
                "changeset": "2026-11-21T00:00:00+07:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return respond(data, fmt, root="discovery")


@api_view()
def service_list(request, fmt):
    services = services_queryset(current_office(request))
    return respond([service_entry(s) for s in services], fmt, root="services", item="service")


def form_steps(service):
    return build_definition(service.online_form.specific)["steps"]


def standard_fields(steps):
    """Which form questions the standard's own parameters fill: {field key: parameter}."""
    mapped = {}
    taken = set()
    for step in steps:
        for spec in step["fields"]:
            kind = spec["type"]
            param = None
            if kind == "map_location" and "location" not in taken:
                param = "location"
            elif kind == "phone" and "phone" not in taken:
                param = "phone"
            elif kind == "email" and "email" not in taken:
                param = "email"
            elif kind == "short_text" and spec.get("is_contact_name") and "name" not in taken:
                param = "name"
            elif kind == "long_text" and "description" not in taken:
                param = "description"
            if param:
                taken.add(param)
                mapped[spec["key"]] = param
    return mapped


def attribute_codes(spec):
    """The attribute codes one question takes: its own key, or key__part for an address."""
    if spec["type"] == "address":
        return [(f"{spec['key']}__{part}", label, required) for part, label, required, _m in ADDRESS_PARTS]
    return [(spec["key"], spec.get("label", ""), bool(spec.get("required")))]


def service_attributes(steps):
    mapped = standard_fields(steps)
    attributes = []
    order = 0
    for step in steps:
        for spec in step["fields"]:
            if spec["key"] in mapped or spec["type"] not in DATATYPES:
                continue  # filled from a standard parameter, or cannot be sent (files, info text)
            for code, label, required in attribute_codes(spec):
                order += 1
                values = []
                if spec["type"] in ("single_choice", "multiple_choice"):
                    values = [{"key": key, "name": name} for key, name in spec.get("options") or []]
                elif spec["type"] in ("checkbox", "consent"):
                    values = [{"key": "yes", "name": str(label)}]
                attributes.append(
                    {
                        "variable": True,
                        "code": code,
                        "datatype": DATATYPES[spec["type"]],
                        "required": bool(spec.get("required")) and required,
                        "datatype_description": "YYYY-MM-DD" if spec["type"] == "date" else "",
                        "order": order,
                        "description": f"{step['title']}: {label}" if code != spec["key"] else str(label),
                        "values": values,
                    }
                )
    return attributes


@api_view()
def service_definition(request, code, fmt):
    service = find_service(code, current_office(request))
    data = {"service_code": service.slug, "attributes": service_attributes(form_steps(service))}
    return respond(data, fmt, root="service_definition")


# --- requests: reading ------------------------------------------------------------------------


def parse_day(value, name):
    """A YYYY-MM-DD date (Thai or full-width digits too) between EARLIEST_YEAR and LATEST_YEAR.

    Django's parse_date raises ValueError for a well-formed date that does not exist
    (2569-02-31) and returns None for anything else; both are the caller's 400."""
    try:
        day = parse_date(ascii_digits(value or "").strip())
    except ValueError:
        day = None
    if day is None or not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise Open311Error(400, f"{name} must be a date like 2026-11-21 (Christian era, {EARLIEST_YEAR}-{LATEST_YEAR})")
    return day


def parse_when(value, name):
    """A W3C datetime (2026-11-01T00:00:00Z or +07:00) or a date; naive values are Bangkok time."""
    value = ascii_digits(value or "").strip()
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is None:
                raise ValueError
            parsed = datetime.datetime.combine(day, datetime.time.min)
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            raise ValueError
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
    except (ValueError, OverflowError):
        raise Open311Error(
            400,
            f"{name} is not a date and time like 2026-11-01T00:00:00+07:00 "
            f"(Christian era, {EARLIEST_YEAR}-{LATEST_YEAR})",
        ) from None
    return parsed


def _iso(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min)).isoformat(timespec="seconds")


def request_entry(case, service_slugs, public_places=frozenset()):
    """`public_places`: ids of services an editor marked "about a public place"; their
    requests carry the point the public map shows (services.places.public), unless the
    resident asked to keep the report private."""
    slug = service_slugs.get(case.service_id, "")
    closed = case.status not in OPEN_STATUSES
    entry = {
        "service_request_id": case.reference,
        "status": "closed" if closed else "open",
        "status_notes": case.public_reason if case.status in (CaseStatus.REJECTED, CaseStatus.CLOSED) else "",
        "service_name": case.service_title,
        "service_code": slug,
        "agency_responsible": case.department.name if case.department_id else "",
        "service_notice": "",
        "requested_datetime": _iso(case.submitted_at),
        "updated_datetime": _iso(case.updated_at),
        "expected_datetime": _iso(case.due_date),
    }
    located = slug in PUBLIC_LOCATION_SERVICES or case.service_id in public_places
    if located and not case.private_report and (where := public_point(case)) is not None:
        entry["lat"], entry["long"] = where[1], where[0]
    return entry


def _cases():
    return Case.objects.select_related("department").only(
        "reference",
        "status",
        "public_reason",
        "service_id",
        "service_title",
        "department__name",
        "submitted_at",
        "updated_at",
        "due_date",
        "latitude",
        "longitude",
        "private_report",
    )


def _services(cases):
    """({service id: slug}, {ids of public-place services}) in one query."""
    ids = {c.service_id for c in cases if c.service_id}
    rows = ServicePage.objects.filter(pk__in=ids).values_list("pk", "slug", "public_place") if ids else []
    return {pk: slug for pk, slug, _public in rows}, frozenset(pk for pk, _slug, public in rows if public)


def _respond_requests(cases, fmt):
    cases = list(cases)
    slugs, public_places = _services(cases)
    entries = [request_entry(c, slugs, public_places) for c in cases]
    return respond(entries, fmt, root="service_requests", item="request")


def filter_requests(params, site):
    cases = _cases().filter(site=site).order_by("-submitted_at")
    ids = [i.strip().upper() for i in (params.get("service_request_id") or "").split(",") if i.strip()]
    if ids:
        # The standard: service_request_id overrides every other filter.
        return cases.filter(reference__in=ids[:MAX_RESULTS])
    start = parse_when(params["start_date"], "start_date") if params.get("start_date") else None
    end = parse_when(params["end_date"], "end_date") if params.get("end_date") else None
    if end is None:
        end = timezone.now() if start is None else min(timezone.now(), start + datetime.timedelta(days=MAX_WINDOW_DAYS))
    if start is None:
        start = end - datetime.timedelta(days=MAX_WINDOW_DAYS)
    if start > end:
        raise Open311Error(400, "start_date is after end_date")
    if end - start > datetime.timedelta(days=MAX_WINDOW_DAYS):
        raise Open311Error(400, f"The date range may not span more than {MAX_WINDOW_DAYS} days")
    cases = cases.filter(submitted_at__gte=start, submitted_at__lte=end)
    codes = [c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()]
    if codes:
        known = dict(services_queryset(site).filter(slug__in=codes).values_list("slug", "translation_key"))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise Open311Error(400, f"Unknown service_code: {', '.join(unknown)[:100]}")
        cases = cases.filter(service__translation_key__in=known.values())
    statuses = [s.strip().lower() for s in (params.get("status") or "").split(",") if s.strip()]
    if statuses:
        if not set(statuses) <= {"open", "closed"}:
            raise Open311Error(400, "status must be open, closed, or both (comma separated)")
        if statuses == ["open"] or set(statuses) == {"open"}:
            cases = cases.filter(status__in=OPEN_STATUSES)
        elif set(statuses) == {"closed"}:
            cases = cases.exclude(status__in=OPEN_STATUSES)
    return cases[:MAX_RESULTS]


@api_view(methods=("GET", "POST"))
def requests_view(request, fmt):
    if request.method == "POST":
        return post_request(request, fmt)
    return _respond_requests(filter_requests(request.GET, current_office(request)), fmt)


@api_view()
def request_detail(request, reference, fmt):
    site = current_office(request)
    cases = list(_cases().filter(site=site, reference=reference.upper()[:20]))
    if not cases:
        raise Open311Error(404, f"Unknown service_request_id: {reference[:40]}")
    return _respond_requests(cases, fmt)


# --- requests: filing -------------------------------------------------------------------------


def _attributes(post):
    """attribute[code]=value (and attribute[code][]=value for lists) as {code: [values]}."""
    attributes = {}
    for name in post:
        if name.startswith("attribute[") and name.endswith("]"):
            code = name[len("attribute[") : -1]
            if code.endswith("]["):
                code = code[:-2]
            attributes.setdefault(code, []).extend(post.getlist(name))
    return attributes


def form_data(steps, post):
    """The wizard's form data for every step, from the Open311 parameters and attributes."""
    attributes = _attributes(post)
    mapped = standard_fields(steps)
    data = QueryDict(mutable=True)
    name = " ".join(p for p in (post.get("first_name", "").strip(), post.get("last_name", "").strip()) if p)
    for step in steps:
        for spec in step["fields"]:
            key, kind = spec["key"], spec["type"]
            param = mapped.get(key)
            if param == "location":
                data[f"{key}__text"] = post.get("address_string", "")
                data[f"{key}__lat"] = post.get("lat", "")
                data[f"{key}__lng"] = post.get("long", "")
            elif param == "name":
                data[key] = name
            elif param:
                data[key] = post.get(param, "")
            elif kind == "date":
                value = (attributes.get(key) or [""])[0]
                day = parse_day(value, f"attribute[{key}]") if value.strip() else None
                if day:
                    data[f"{key}__day"], data[f"{key}__month"] = str(day.day), str(day.month)
                    data[f"{key}__year"] = str(day.year + 543)
            elif kind in ("checkbox", "consent"):
                if (attributes.get(key) or [""])[0].strip().lower() in YES:
                    data[key] = "on"
            elif kind in DATATYPES:
                for code in field_type(spec).form_fields(spec):
                    if code in attributes:
                        data.setlist(code, attributes[code])
    return data


def validate(steps, data):
    """Run the wizard's own step forms over the data; returns the answers or raises a 400 that
    names every question that failed."""
    answers, problems, visible = {}, [], []
    for step in steps:
        if not condition_met(step.get("condition"), answers):
            continue
        if step.get("ends_form"):
            raise Open311Error(400, f"This request cannot be filed online: {step['title']}")
        form = StepForm.for_step(step)(data=data, prior=dict(answers))
        if not form.is_valid():
            for spec in step["fields"]:
                for message in form.field_errors(spec):
                    problems.append(f"{spec['key']}: {message}")
            for message in form.non_field_errors():
                problems.append(str(message))
        answers.update(form.answers)
        visible.append(step)
    if problems:
        raise Open311Error(400, "; ".join(problems))
    return answers, visible


FORM_BODIES = ("application/x-www-form-urlencoded", "multipart/form-data")


def post_request(request, fmt):
    if request.content_type not in FORM_BODIES:
        # The standard POSTs a form; a JSON or XML body would otherwise read as "no api_key".
        raise Open311Error(400, "The body is not a form: send application/x-www-form-urlencoded")
    post = request.POST
    key = Open311Key.lookup(post.get("api_key", ""))
    if key is None:
        raise Open311Error(403, "api_key was not provided or is not valid")
    site = current_office(request)
    if key.site_id != site.pk:
        raise Open311Error(403, "api_key is not valid for this office")
    if Office.objects.filter(site=site, archived_at__isnull=False).exists():
        raise Open311Error(403, "This office no longer takes requests")
    code = post.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    service = find_service(code, site)
    for name in ("lat", "long"):
        if post.get(name):
            try:
                number = Decimal(ascii_digits(post[name]).strip())
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():  # Decimal takes NaN and Infinity
                raise Open311Error(400, f"{name} must be a number of degrees, e.g. 18.7883")
    steps = form_steps(service)
    answers, visible = validate(steps, form_data(steps, post))
    form_page = service.online_form.specific
    submission = Submission(
        form_page=form_page,
        form_title=form_page.title,
        form_snapshot={"title": form_page.title, "steps": visible},
        answers=answers,
        language="th",
        channel=Submission.Channel.WEB,
        wizard_token=f"open311-{key.prefix}-{uuid.uuid4().hex}"[:40],
        submitted_at=timezone.now(),
    )
    mapped = standard_fields(steps)
    for field_key, param in mapped.items():
        value = answers.get(field_key)
        if value is None:
            continue
        if param == "name":
            submission.contact_name = value[:255]
        elif param == "phone":
            submission.contact_phone = value
        elif param == "email":
            submission.contact_email = value
        elif param == "location":
            submission.location_text = (value.get("text") or "")[:500]
            submission.latitude, submission.longitude = value.get("lat"), value.get("lng")
    for value in answers.values():
        if isinstance(value, dict) and value.get("agreed"):
            submission.consent_version = value.get("version", "")
    with transaction.atomic():
        submission.save()
        receipt = hand_over(submission)
        submission.reference = receipt.reference
        submission.expected_date = receipt.expected_date
        submission.tracking_url = receipt.tracking_url
        submission.save(update_fields=["reference", "expected_date", "tracking_url"])
        Open311Key.objects.filter(pk=key.pk).update(last_used_at=timezone.now(), requests_filed=F("requests_filed") + 1)
    data = [
        {
            "service_request_id": receipt.reference,
            "service_notice": str(receipt.message or ""),
            "account_id": None,
        }
    ]
    return respond(data, fmt, root="service_requests", item="request", status=201)
