"""The volunteers an office shows, by community, as the help box and the public list read them,
and what a data-subject request does to a volunteer's row (services.privacy's hooks).

Cost: the help box is on every e-form step and tracking page, so an office's shown volunteers
are read with one query and kept with `portal.pagecache.memo` under the "content" version. A
volunteer or a community saved or deleted (both are snippets: portal.pagecache's content
models), or an erasure, makes a new version, so an added or withdrawn volunteer shows (or goes) on the next view, in
every process, and the public list kept whole for anonymous visitors is rendered again; a kept
copy never outlives `CACHE_SECONDS` (what the signals cannot see: a linked account made
inactive). What is kept holds both names of each community, so one copy serves every language.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal import pagecache
from portal.i18n import is_thai
from services.help.models import Volunteer

CACHE_SECONDS = 600
# The box names a few volunteers of the case's community, not a directory (the list page is).
MAX_IN_BOX = 3


@dataclass
class Person:
    name: str
    phone: str  # digits, as stored

    @property
    def phone_shown(self):
        """Grouped as Thai numbers are written: 081-234-5678, 053-123-456."""
        digits = self.phone
        if len(digits) in (9, 10) and digits.isdigit():
            return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
        return digits


@dataclass
class Community:
    """One community's shown volunteers, in both languages' names."""

    pk: int
    name: str
    name_en: str = ""
    volunteers: list = field(default_factory=list)

    @property
    def display_name(self):
        return self.name if is_thai() or not self.name_en else self.name_en


def _read(site_id):
    rows = (
        Volunteer.objects.shown()
        .filter(site_id=site_id, community__site_id=site_id)
        .values_list("community_id", "community__name", "community__name_en", "name", "phone")
        .order_by("community__name", "name", "pk")
    )
    communities = {}
    for area_id, area_name, area_name_en, name, phone in rows:
        community = communities.setdefault(area_id, Community(area_id, area_name, area_name_en or ""))
        community.volunteers.append(Person(name, phone))
    return list(communities.values())


def communities(site_id, request=None):
    """The office's communities that have shown volunteers, each with them, by Thai name (the
    caller sorts by the page's language). No query once kept (see the module docstring)."""
    return pagecache.memo(f"help:volunteers:{site_id}", lambda: _read(site_id), request, timeout=CACHE_SECONDS)


def by_language(found):
    """`found` in the order of the names the page shows (Thai: as kept)."""
    return found if is_thai() else sorted(found, key=lambda community: community.display_name.casefold())


def for_community(site_id, area_id, turn=0, request=None):
    """(community, at most MAX_IN_BOX of its volunteers) for the case's area, or (None, []).
    `turn` (the case's number) rotates who is named first, so a community's first volunteer is
    not the one called for every case."""
    if area_id is None:
        return None, []
    for community in communities(site_id, request):
        if community.pk == area_id:
            people = community.volunteers
            start = turn % len(people)
            return community, (people[start:] + people[:start])[:MAX_IN_BOX]
    return None, []


# -- Personal data (registered with services.privacy's hooks in wagtail_hooks.py) -------------


def _rows_of(person, offices):
    """The volunteer rows of the person of a data-subject request: by their phone numbers, or
    by their account's e-mail address; in `offices` (None: every office)."""
    phones = sorted(number for number in person.numbers if number.startswith("0"))
    match = Q(phone__in=phones)
    if person.emails:
        match |= Q(user__email__in=sorted(person.emails))
    rows = Volunteer.objects.filter(match)
    return rows if offices is None else rows.filter(site__in=offices)


def export_person(person, offices=None):
    """Their listings, for the person's export ("volunteer_listings" in person.json)."""
    listings = [
        {
            "office": row.site.site_name or row.site.hostname,
            "name": row.name,
            "phone": row.phone,
            "community": row.community.name if row.community_id else "",
            "agreed": row.opted_in_at.isoformat() if row.opted_in_at else None,
            "how_they_agreed": row.consent_note,
            "withdrew": row.withdrawn_at.isoformat() if row.withdrawn_at else None,
        }
        for row in _rows_of(person, offices).select_related("site", "community").order_by("pk")
    ]
    return {"volunteer_listings": listings}


def erase_person(person, offices=None):
    """Erase the person's name, phone and account link from their listings; the dates stay
    (that someone agreed and withdrew, no longer who). Never shown again. Returns the count."""
    with transaction.atomic():
        rows = Volunteer.objects.filter(pk__in=list(_rows_of(person, offices).values_list("pk", flat=True)))
        now = timezone.now()
        count = rows.filter(withdrawn_at__isnull=True).update(
            name="", phone="", user=None, consent_note="", withdrawn_at=now
        )
        count += rows.exclude(name="", phone="").update(name="", phone="", user=None, consent_note="")
    if count:
        pagecache.invalidate(pagecache.CONTENT)  # an update() sends no signal: the box forgets them now
    return count
