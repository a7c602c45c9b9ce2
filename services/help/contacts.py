"""Who helps a resident with a service: the phone and hours of the responsible unit, where its
counter is, and who else can help (volunteers). Read by the e-form's help box (through
settings.FORMS_BUILDER_HELP) and by the tracking page (the `need_help_for_case` tag).

The unit is the service guide's department, else its category's; without one, or without a
phone, the office's own phone from its site settings. The counters are the guide's service
channels (where, which days, which hours), else the office's address; hours are the office's.

Volunteers: only those who agreed to be named, and have not withdrawn (services.help.models.
Volunteer), each listed for one community or village of the office. The tracking page knows the
case's community (`case.area`, matched from its pin when it was filed) and names up to three of
its volunteers with their phones, rotated by the case's number; an e-form step does not know the
resident's community yet, so its box links to the list of volunteers by community
(/<lang>/help/volunteers/). Without a named volunteer the box says volunteers help and how to
reach one through the office (its phone and counter).

Languages: the counters come from the guide in the page's language (an editor translates its
channels with the rest of the guide, else they read as the Thai guide's). The department's name
and the office's hours are kept by the office in Thai and English only; on a Burmese, Khmer or
Lao page the English shows (a migrant reader is likelier to read it than Thai script), and the
department's Thai name beside it, the one to say on the phone or show at the counter.

Cost: the box is on every step and every tracking page, so what it reads from guides and
departments is kept in the cache for `CACHE_SECONDS` per office, form (or service and unit) and
language: after the first view it adds no query at all, whatever the form's size. The office's
details come from `OfficeSettings.for_site`, itself cached and cleared when they are saved; a
guide's changed counter shows within `CACHE_SECONDS`. The volunteers are read once per office
and kept until any content (a volunteer, a community) changes (services.help.volunteers): an
added or withdrawn volunteer shows, or goes, on the next view.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.models import Site

from forms_builder.help import HelpBox
from home.models import OfficeSettings
from services.cases.intake import office_homes_q
from services.help import volunteers
from services.models.guides import ServicePage

TEMPLATE = "services/includes/need_help.html"
# The languages an office writes its own details in (the Thai fields and their English twins).
OFFICE_LANGUAGES = ("th", "en")
CACHE_SECONDS = 600
# A guide lists a few counters at most; the box shows the first ones, not a directory.
MAX_COUNTERS = 3


@dataclass
class Counter:
    place: str
    days: str = ""
    hours: str = ""
    note: str = ""


@dataclass
class Unit:
    """What the guide and its department say, in one language: kept in the cache."""

    name: str = ""
    phone: str = ""
    counters: list = field(default_factory=list)


@dataclass
class Help:
    """What the box shows. `unit` is the department's name ("" when the office answers)."""

    unit: str = ""
    phone: str = ""
    hours: str = ""
    counters: list = field(default_factory=list)
    address: str = ""
    office_name: str = ""
    office_phone: str = ""
    line_url: str = ""
    line_id: str = ""
    community: str = ""  # the case's community, in the page's language, when it has volunteers
    volunteers: list = field(default_factory=list)  # of volunteers.Person: named in the box
    volunteer_list: bool = False  # the office shows volunteers: link to the list by community


def _language():
    return (get_language() or "th").split("-")[0]


def _pick(services):
    """The guide in the page's language, else the Thai one (the office's record language)."""
    for code in (_language(), "th"):
        for service in services:
            if service.locale.language_code == code:
                return service
    return services[0] if services else None


def _department(services, site_id):
    """The responsible unit: a guide's department, else its category's, of this office only."""
    for service in services:
        if service.department is not None and service.department.site_id == site_id:
            return service.department
    for service in services:
        category = service.category
        if category is not None and category.department is not None and category.department.site_id == site_id:
            return category.department
    return None


def unit_of(services, site_id, department=None):
    services = list(services)
    service = _pick(services)
    if department is None:
        department = _department(services, site_id)
    counters = []
    if service is not None:
        for block in list(service.channels)[:MAX_COUNTERS]:
            value = block.value
            counters.append(
                Counter(place=value["place"], days=value["days"], hours=value["hours"], note=value.get("note") or "")
            )
    if department is None:
        return Unit(counters=counters)
    return Unit(name=unit_name(department), phone=department.phone, counters=counters)


def unit_name(department):
    """The department's name in the page's language; on a page in a language the office does not
    write in, the English with the Thai beside it: "Public Works (กองช่าง)"."""
    name = department.tr("name")
    if _language() not in OFFICE_LANGUAGES and name != department.name:
        return f"{name} ({department.name})"
    return name


def with_office(unit, site, **extra):
    office = OfficeSettings.for_site(site)
    return Help(
        unit=unit.name if unit.phone else "",
        phone=unit.phone or office.phone,
        hours=office.tr("opening_hours"),
        counters=unit.counters,
        address=office.tr("address"),
        office_name=office.tr("name"),
        office_phone=office.phone,
        line_url=office.line_url,
        line_id=office.line_id,
        **extra,
    )


def cached_unit(key, compute):
    unit = cache.get(key)
    if unit is None:
        unit = compute()
        cache.set(key, unit, CACHE_SECONDS)
    return unit


def form_unit(page, site):
    """Two queries: the office's home pages, then its guides linking to the form (any language)."""
    services = (
        ServicePage.objects.filter(online_form__translation_key=page.translation_key)
        .filter(office_homes_q(site))
        .select_related("department", "category__department", "locale")
        .order_by("-live", "id")
    )
    return unit_of(services, site.pk)


def form_help(request, page):
    """settings.FORMS_BUILDER_HELP: the help box under every step of `page`."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    key = f"help:form:{site.pk}:{page.translation_key}:{_language()}"
    unit = cached_unit(key, lambda: form_unit(page, site))
    shown = bool(volunteers.communities(site.pk, request))
    return HelpBox(TEMPLATE, {"help": with_office(unit, site, volunteer_list=shown)})


def case_unit(case):
    """The case's own department (where it was routed, perhaps by area), and its service's
    counters in the page's language."""
    department = case.department if case.department_id else None
    services = []
    if case.service_id:
        services = ServicePage.objects.filter(
            translation_key__in=ServicePage.objects.filter(pk=case.service_id).values("translation_key")
        ).select_related("locale")
    return unit_of(services, case.site_id, department=department)


def case_help(request, case):
    key = f"help:case:{case.site_id}:{case.service_id}:{case.department_id}:{_language()}"
    unit = cached_unit(key, lambda: case_unit(case))
    site = Site.find_for_request(request) if request is not None else None
    if site is None or site.pk != case.site_id:
        site = case.site
    community, people = volunteers.for_community(case.site_id, case.area_id, turn=case.pk or 0, request=request)
    return with_office(
        unit,
        site,
        community=community.display_name if community else "",
        volunteers=people,
        volunteer_list=bool(volunteers.communities(case.site_id, request)),
    )
