"""The public reports of the request's office: /<lang>/reports/ (a paged list with text
locations, and a map drawn over it by static/places/reports_map.js), /<lang>/reports/<REF>/ (one
report and its public updates) and /<lang>/reports.geojson (the reports in the map's box).

Which reports, and which of their details, is `services.places.public`'s one rule. Filters come
from the query string and never fail a page: a value that is not one of the choices is dropped
and named in a message. The GeoJSON refuses a box that is not one (NaN, latitude 91, west east of
east) with a 400 JSON error, clips a world-sized box to `MAX_SPAN_DEGREES` around its centre and
sends at most `MAX_FEATURES` reports, saying so, so no request can make it read a country.
"""

import json
import math

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from portal import inline_styles, pagecache
from portal.i18n import ascii_digits, is_thai
from portal.offices import current_office
from portal.security import public_policy
from services.areas.models import Area
from services.cases import photos, references
from services.cases.models import PUBLIC_LABELS, CaseEvent
from services.models.guides import ServicePage
from services.places import cache, first_view
from services.places.public import (
    PUBLIC_STATUSES,
    REFERENCE_SHAPE,
    coordinate,
    lnglat,
    point,
    public_cases,
    public_cases_in_box,
    resident_photos,
)

PER_PAGE = 20
# In the list page itself (portal.inline_styles): its first paint waits for no other file.
PAGE_STYLESHEETS = ["css/portal.css", "places/reports.css"]
# A box wider or taller than this (about 110 km, a province) is clipped to this around its centre.
MAX_SPAN_DEGREES = 1.0
# At most this many reports per GeoJSON answer, newest first: about 150 KB with Thai names.
MAX_FEATURES = 1000
# The kinds of timeline line a passer-by reads: status changes, the office's public replies and
# the referral ("Passed to <agency> on <date>"), never the resident's own messages (even ones
# an officer made public) nor the agency's free text.
PUBLIC_UPDATE_KINDS = [CaseEvent.Kind.STATUS, CaseEvent.Kind.REPLY, CaseEvent.Kind.REFERRED]
GEOJSON_CACHE = "public, max-age=60"
PAGE_CACHE = "public, max-age=60"
THAI_YEAR_OFFSET = 543
REVERSED_DATES = gettext_lazy("The end date is before the start date, so it was left out.")


def _date(value):
    """A date typed as 2569-11-21 (Buddhist Era, as Thai residents write it) is 2026-11-21."""
    if value and value.year > 2400:
        return value.replace(year=value.year - THAI_YEAR_OFFSET)
    return value


class ReportFilters(forms.Form):
    """The list's, the map's and the GeoJSON's filters. Service and community are ids checked
    against the office's own (an id of another office matches nothing: every query is scoped to
    the request's office first)."""

    service = forms.IntegerField(label=gettext_lazy("Service"), required=False, min_value=1, max_value=2**31 - 1)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    area = forms.IntegerField(label=gettext_lazy("Community"), required=False, min_value=1, max_value=2**31 - 1)
    since = forms.DateField(label=gettext_lazy("Reported from"), required=False)
    until = forms.DateField(label=gettext_lazy("Reported until"), required=False)

    def __init__(self, data, *args, **kwargs):
        data = {key: ascii_digits(data.get(key, "")).strip()[:40] for key in self.base_fields}
        super().__init__(data, *args, **kwargs)
        self.fields["status"].choices = [("", _("Any status"))] + [(s, PUBLIC_LABELS[s]) for s in PUBLIC_STATUSES]

    def clean_since(self):
        return _date(self.cleaned_data.get("since"))

    def clean_until(self):
        return _date(self.cleaned_data.get("until"))

    def clean(self):
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        if since and until and until < since:
            self.add_error("until", REVERSED_DATES)
        return self.cleaned_data

    def values(self):
        """The valid filters only: a bad value is left out, never a reason to fail the page."""
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value not in (None, "")}

    def messages(self):
        """One sentence per filter left out, naming it."""
        self.is_valid()
        unknown = _("%(filter)s: this value is not one we know, so the filter was left out.")
        return [
            str(REVERSED_DATES) if str(REVERSED_DATES) in errors else unknown % {"filter": self.fields[name].label}
            for name, errors in self.errors.items()
        ]

    def apply(self, cases):
        found = self.values()
        if "service" in found:
            cases = cases.filter(service_id=found["service"])
        if "status" in found:
            cases = cases.filter(status=found["status"])
        if "area" in found:
            cases = cases.filter(area_id=found["area"])
        if "since" in found:
            cases = cases.filter(submitted_at__date__gte=found["since"])
        if "until" in found:
            cases = cases.filter(submitted_at__date__lte=found["until"])
        return cases


def service_choices(site):
    """[(id, name)] of the office's public-place services, named in the page's language. Cases
    point at the Thai guide; English names come from its translation."""
    homes = site.root_page.path
    thai = list(
        ServicePage.objects.filter(public_place=True, locale__language_code="th", path__startswith=homes)
        .order_by("title")
        .values_list("pk", "title", "translation_key")
    )
    english = {}
    if thai and not is_thai():
        english = dict(
            ServicePage.objects.filter(
                translation_key__in=[key for _pk, _title, key in thai], locale__language_code="en"
            ).values_list("translation_key", "title")
        )
    return [(pk, english.get(key) or title) for pk, title, key in thai]


def _service_name(case):
    return case.service_title_en if not is_thai() and case.service_title_en else case.service_title


def _latest_updates(cases):
    """{case id: the latest public update with a message}, in one query."""
    events = CaseEvent.objects.filter(
        case_id__in=[case.pk for case in cases], public=True, kind__in=PUBLIC_UPDATE_KINDS
    ).exclude(message="")
    latest = {}
    for event in events.order_by("case_id", "created_at", "id").only("case_id", "message", "created_at", "kind"):
        latest[event.case_id] = event
    return latest


REPORT_COLUMNS = [
    "reference",
    "service_id",
    "service_title",
    "service_title_en",
    "status",
    "referred_to",
    "submitted_at",
    "location_text",
    "latitude",
    "longitude",
    "area__name",
    "area__name_en",
    "submission_id",
    "after_photo",
]


def _annotate(cases):
    """Each case with what its card shows: name, latest update and photo (constant queries)."""
    updates = _latest_updates(cases)
    photos = resident_photos(cases)
    for case in cases:
        case.public_name = _service_name(case)
        case.latest_update = updates.get(case.pk)
        case.has_photo = case.pk in photos
        case.public_point = point(case)
    return cases


@require_GET
def report_list(request):
    """The list (and, with JavaScript, the map above it) of the office's public reports."""
    site = current_office(request)
    filters = ReportFilters(request.GET)
    cases = filters.apply(public_cases(site))
    # How many and where: kept like the GeoJSON (services.places.cache), dropped as soon as a
    # case of the office changes. Each is a pass over all the office's cases (the public rule
    # has no index: 3 × 190 ms at 1M cases), paid once per change, not once per page.
    found = filters.values()
    extent = cache.kept(site.pk, f"extent:{sorted((k, str(v)) for k, v in found.items())}", lambda: _extent(cases))
    paginator = Paginator(cases.select_related("area").only(*REPORT_COLUMNS).order_by("-submitted_at", "-id"), PER_PAGE)
    paginator.count = extent["total"]
    page_obj = paginator.get_page(request.GET.get("page"))
    _annotate(page_obj.object_list)
    map_tiles = getattr(settings, "FORMS_BUILDER_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    first_bbox = _first_box(extent)
    first_query = _first_query(found, first_bbox) if first_bbox else ""
    context = {
        "page_obj": page_obj,
        "filters": filters,
        "selected": found,
        "filter_messages": filters.messages(),
        "services": service_choices(site),
        "areas": Area.objects.filter(site=site).choices(),
        "statuses": [(s, PUBLIC_LABELS[s]) for s in PUBLIC_STATUSES],
        # Around the reports, in published (rounded) coordinates only: whether they fit a town.
        "extent": ",".join(str(coordinate(extent[k])) for k in ("south", "west", "north", "east"))
        if extent["south"] is not None
        else "",
        "geojson_url": reverse("places:geojson"),
        # The reports of the map's first view, asked for in the page's head (a preload) so they
        # arrive with Leaflet instead of a round trip after it ran; reports_map.js asks for this
        # very address first (same string, or the browser fetches it twice). Valid filters
        # only: a value the page left out would make the GeoJSON refuse the request.
        "first_bbox": first_bbox,
        "first_geojson": f"{reverse('places:geojson')}?{first_query}" if first_bbox else "",
        "first_view": _first_view(site, filters, extent, first_bbox, map_tiles) if first_bbox else None,
        "map_tiles": map_tiles,
        "inline_css": inline_styles.stylesheets(*PAGE_STYLESHEETS),
        "map_center": getattr(settings, "FORMS_BUILDER_MAP_CENTER", "18.7883,98.9853"),
    }
    pagecache.depends_on(request, pagecache.CASES)
    response = render(request, "places/report_list.html", context, status=400 if filters.errors else 200)
    # The one inline stylesheet this page has, allowed by its hash (kept with the page in caches).
    response["Content-Security-Policy"] = public_policy(styles=[inline_styles.style_hash(context["inline_css"])])
    return _shared_cache(request, response)


# Where the map opens (reports_map.js): around the reports when they fit a town, otherwise their
# middle at zoom 14, where a phone's map (360 × 450 px) shows about 0.031° × 0.036°. Its first
# box is this much either side of the middle; a wider screen asks for the rest once drawn.
TOWN_DEGREES = 0.05
FIRST_HALF_SPAN = 0.02
ROUNDING_MARGIN = 0.0005


def _extent(cases):
    """{total, south, west, north, east} of the reports, in one pass (the paginator would count
    them again), and their median point ("middle", stored coordinates) when they spread wider
    than a town."""
    extent = cases.aggregate(
        total=Count("id"), south=Min("latitude"), north=Max("latitude"), west=Min("longitude"), east=Max("longitude")
    )
    extent["middle"] = None
    if extent["south"] is not None and (
        coordinate(extent["north"]) - coordinate(extent["south"]) > TOWN_DEGREES
        or coordinate(extent["east"]) - coordinate(extent["west"]) > TOWN_DEGREES
    ):
        # The reports' median point, not the middle of their extent: one report far from the
        # rest (a pin dropped in another district) left the middle on empty land.
        half = extent["total"] // 2
        extent["middle"] = (
            cases.order_by("latitude").values_list("latitude", flat=True)[half],
            cases.order_by("longitude").values_list("longitude", flat=True)[half],
        )
    return extent


def _first_box(extent):
    """ "west,south,east,north" of the map's first view, in published coordinates; "" without
    reports (the map then opens at the office's centre and asks as it moves)."""
    if extent["south"] is None:
        return ""
    south, west, north, east = (coordinate(extent[k]) for k in ("south", "west", "north", "east"))
    if extent["middle"] is not None:
        middle_lat, middle_lng = (coordinate(value) for value in extent["middle"])
        south, north = middle_lat - FIRST_HALF_SPAN, middle_lat + FIRST_HALF_SPAN
        west, east = middle_lng - FIRST_HALF_SPAN, middle_lng + FIRST_HALF_SPAN
    else:
        # The extent is in published (rounded) degrees, the GeoJSON's box compares stored ones:
        # half a rounding step more on each side keeps the outermost reports inside.
        south, west = south - ROUNDING_MARGIN, west - ROUNDING_MARGIN
        north, east = north + ROUNDING_MARGIN, east + ROUNDING_MARGIN
    return ",".join(f"{value:.5f}" for value in (west, south, east, north))


def _first_query(found, bbox):
    """The page's valid filters (not its page number) and the first box, as the GeoJSON takes them."""
    query = QueryDict(mutable=True)
    for key, value in found.items():
        query[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    query["bbox"] = bbox
    return query.urlencode()


def _first_view(site, filters, extent, bbox, tiles):
    """The map's first view drawn by the server (services.places.first_view), from the very
    GeoJSON answer the page preloads (kept: the preload then costs no query)."""
    box, clipped = parse_bbox(bbox)
    features = json.loads(_kept_geojson(site, filters, box, clipped))["features"]
    if extent["middle"] is None:  # a town: all of it, as fitBounds would show it
        view = first_view.town_view(*box)
        size = first_view.CANVAS
    else:  # wider: the first box, around the reports' median point, at street level
        view = first_view.box_view(*box)
        size = first_view.size_of(*box, view[2])
    return first_view.drawing(features, view, size, tiles)


def _shared_cache(request, response):
    """A minute in shared caches for what is the same for everybody; never a page that carries a
    signed-in person's name or a CSRF token (the header's account bar, a form)."""
    personal = request.user.is_authenticated or request.META.get("CSRF_COOKIE_USED")
    response["Cache-Control"] = "private, no-cache" if personal else PAGE_CACHE
    return response


def _public_case(request, reference):
    site = current_office(request)
    # Letters, digits and dashes only reach the database (PostgreSQL refuses NUL, and a lone
    # surrogate cannot be encoded); then as linked, or as a person typed it (look-alikes).
    if not REFERENCE_SHAPE.fullmatch(reference):
        raise Http404
    wanted = {reference, references.normalize(reference) or reference}
    case = public_cases(site).filter(reference__in=wanted).select_related("area").only(*REPORT_COLUMNS).first()
    if case is None:
        raise Http404
    return case


@require_GET
def report_detail(request, reference):
    """One public report and its public updates; not found unless it is public in this office."""
    case = _public_case(request, reference)
    _annotate([case])
    events = list(
        case.events.filter(public=True, kind__in=[CaseEvent.Kind.CREATED, *PUBLIC_UPDATE_KINDS]).only(
            "kind", "to_status", "message", "created_at"
        )
    )
    pagecache.depends_on(request, pagecache.CASES)
    response = render(request, "places/report_detail.html", {"case": case, "events": events})
    return _shared_cache(request, response)


def _serve_image(request, upload, stem):
    """The photo, cleaned of any metadata, for an `<img>`; not found if it is no image. The
    list's cards ask for `?size=thumb` (services.cases.photos): a card shows 160 pixels, and a
    phone's photo of 4 MB would otherwise take the slow link the map's own files need."""
    with upload.open("rb") as handle:
        data = handle.read()
    try:
        data, content_type = photos.shown(data, thumb=photos.wants_thumb(request))
    except ValidationError:
        raise Http404 from None
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{stem}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = PAGE_CACHE
    return response


@require_GET
def report_photo(request, reference):
    """The resident's first photo of the place, for a public report only."""
    case = _public_case(request, reference)
    upload = resident_photos([case]).get(case.pk)
    if upload is None:
        raise Http404
    return _serve_image(request, upload.file, f"{case.reference}-photo")


@require_GET
def report_after_photo(request, reference):
    """The officer's photo of the finished work, for a public report only."""
    case = _public_case(request, reference)
    if not case.after_photo:
        raise Http404
    return _serve_image(request, case.after_photo, f"{case.reference}-after")


class BadBox(ValueError):
    pass


def parse_bbox(raw):
    """(west, south, east, north) from "west,south,east,north", clipped to MAX_SPAN_DEGREES
    around its centre; returns (box, clipped). Raises BadBox with a sentence for the client."""
    parts = ascii_digits(raw or "").split(",")
    if len(parts) != 4:
        raise BadBox(_("bbox must be four numbers: west,south,east,north."))
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        raise BadBox(_("bbox must be four numbers: west,south,east,north.")) from None
    if not all(math.isfinite(value) for value in (west, south, east, north)):
        raise BadBox(_("bbox must be four finite numbers."))
    if not (-90 <= south <= 90 and -90 <= north <= 90):
        raise BadBox(_("Latitudes must be between -90 and 90."))
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise BadBox(_("Longitudes must be between -180 and 180."))
    if west > east or south > north:
        raise BadBox(_("bbox is reversed: give west,south,east,north with west < east and south < north."))
    clipped = False
    if east - west > MAX_SPAN_DEGREES:
        middle = (east + west) / 2
        west, east, clipped = middle - MAX_SPAN_DEGREES / 2, middle + MAX_SPAN_DEGREES / 2, True
    if north - south > MAX_SPAN_DEGREES:
        middle = (north + south) / 2
        south, north, clipped = middle - MAX_SPAN_DEGREES / 2, middle + MAX_SPAN_DEGREES / 2, True
    return (west, south, east, north), clipped


def _json_error(message):
    response = JsonResponse({"error": message}, status=400, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@gzip_page  # a thousand features are ~150 KB, ~20 KB compressed: no secret in them to guess at (BREACH)
def reports_geojson(request):
    """A FeatureCollection of the office's public reports in the box, newest first. Properties
    are small: reference, service name, status (code and, in `statuses`, its label), date and
    the report page's address. The same answer for everybody, so kept a minute per office,
    language, box and filters (services.places.cache), dropped when a case of the office changes."""
    try:
        box, clipped = parse_bbox(request.GET.get("bbox"))
    except BadBox as problem:
        return _json_error(str(problem))
    filters = ReportFilters(request.GET)
    if filters.errors:
        return _json_error(" ".join(filters.messages()))
    body = _kept_geojson(current_office(request), filters, box, clipped)
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = GEOJSON_CACHE
    return response


def _kept_geojson(site, filters, box, clipped):
    """The answer's bytes, kept (services.places.cache) per office, language, box and filters."""
    found = filters.values()
    key = f"{get_language()}:{','.join(repr(v) for v in box)}:{sorted((k, str(v)) for k, v in found.items())}"
    return cache.kept(site.pk, key, lambda: _geojson(site, filters, box, clipped))


def _geojson(site, filters, box, clipped):
    """The answer's bytes. Rows are written straight into the JSON text: the constant parts of a
    feature once, each row's values escaped by the encoder, no dict per feature."""
    west, south, east, north = box
    rows = list(
        filters.apply(public_cases_in_box(site, west, south, east, north))
        .order_by("-submitted_at", "-id")
        .values_list(
            "reference", "service_title", "service_title_en", "status", "submitted_at", "latitude", "longitude"
        )[: MAX_FEATURES + 1]
    )
    capped = len(rows) > MAX_FEATURES
    thai = is_thai()
    page_url = reverse("places:report", args=["REF"])
    encode = ENCODER.encode
    features = [
        FEATURE
        % (
            *lnglat(latitude, longitude),
            encode(reference),
            encode(title if thai or not title_en else title_en),
            encode(status),
            timezone.localdate(submitted).isoformat(),
            encode(page_url.replace("REF", reference)),
        )
        for reference, title, title_en, status, submitted, latitude, longitude in rows[:MAX_FEATURES]
    ]
    head = {
        "type": "FeatureCollection",
        "bbox": [round(west, 6), round(south, 6), round(east, 6), round(north, 6)],
        "clipped": clipped,
        "capped": capped,
        "limit": MAX_FEATURES,
        "statuses": {status: str(PUBLIC_LABELS[status]) for status in PUBLIC_STATUSES},
    }
    return f'{encode(head)[:-1]},"features":[{",".join(features)}]}}'.encode()


ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# One feature, as json.dumps wrote it for the dict it used to build per row (same keys, same
# order): [longitude, latitude], then the properties, each string already encoded.
FEATURE = (
    '{"type":"Feature","geometry":{"type":"Point","coordinates":[%r,%r]},'
    '"properties":{"ref":%s,"service":%s,"status":%s,"date":"%s","url":%s}}'
)
