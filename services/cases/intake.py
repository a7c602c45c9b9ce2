"""Where a completed form becomes a case: the callable named by settings.FORMS_BUILDER_INTAKE.

The form engine calls `open_case(submission)` inside the transaction that saved the submission,
so a case and its submission are saved together or not at all.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.models import Locale, Page, Site

from forms_builder.intake import IntakeReceipt
from services.areas.routing import has_areas, match_area, named_area, rule_department
from services.cases import access, evidence, references, stages
from services.cases.models import Case, CaseEvent, CaseSettings, Channel
from services.cases.sla import WorkingCalendar, local_date
from services.models.guides import ServicePage

logger = logging.getLogger(__name__)

# A collision needs two equal 5-character random codes in one office and year: retrying a few
# times turns "rare" into "never" without hiding a real bug (which would fail every attempt).
MAX_ATTEMPTS = 8


def office_homes_q(site):
    """A filter on pages for `site`'s trees: its home page and the home page's translations
    (the English home is a sibling of the Thai one, not below it)."""
    homes = Page.objects.filter(translation_key=site.root_page.translation_key).values_list("path", flat=True)
    found = Q(pk__in=[])
    for home in homes:
        found |= Q(path__startswith=home)
    return found


def find_service(form_page, site=None):
    """The service guide whose online form this is, in Thai (the office's record language) when
    there is one, of the form's own office (`site`): a guide of another office that links to
    the same form never routes its requests. Service pages may link to either language's form
    page, so match on the form's translation key."""
    if form_page is None:
        return None
    services = ServicePage.objects.filter(online_form__translation_key=form_page.translation_key)
    if site is not None:
        services = services.filter(office_homes_q(site))
    services = services.select_related("department", "category__department", "locale").order_by("-live", "id")
    services = list(services)
    if not services:
        return None
    for service in services:
        if service.locale.language_code == "th":
            return service
    return services[0]


def route(service, settings, submission=None, area=None):
    """The department whose queue receives the case: the first of the office's routing rules
    for the service that matches the answers and the area (services.areas.routing), else the
    service's, else its category's, else the office's default; never a department of another
    office (a guide copied from another office may still name one of its departments)."""
    site_id = settings.site_id
    ruled = rule_department(site_id, service, submission, area)
    if ruled is not None:
        return ruled

    def ours(department):
        return department if department is not None and department.site_id == site_id else None

    if service is not None:
        if ours(service.department):
            return service.department
        category = service.category
        if category is not None:
            if ours(category.department):
                return category.department
            # The English category row may not carry the department; the Thai one does.
            original = type(category).objects.filter(
                translation_key=category.translation_key, department__site_id=site_id
            )
            original = original.select_related("department").first()
            if original is not None:
                return original.department
    return ours(settings.default_department)


def english_title(service):
    try:
        translation = service.get_translation(Locale.objects.get(language_code="en"))
    except Exception:  # noqa: BLE001 - no English locale or no translation: the Thai title stands
        return ""
    return translation.title


def site_for(submission):
    if submission.form_page_id:
        site = submission.form_page.get_site()
        if site is not None:
            return site
    return Site.objects.get(is_default_site=True)


def phone_last4(phone):
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


def build_case(submission, *, site, settings, calendar, service, rng=None):
    """An unsaved Case for `submission` (also used by the demo data, which bulk-creates), in
    the office's area its point lies in (none when outside them all), or without a point the
    community they picked from a list, so the area's queue, routing rules and public filters
    treat both the same."""
    area = match_area(site.pk, submission.latitude, submission.longitude)
    if area is None and (submission.latitude is None or submission.longitude is None):
        fields = [spec for step in (submission.form_snapshot or {}).get("steps", []) for spec in step.get("fields", [])]
        area = named_area(site.pk, submission.answers, fields)
    department = route(service, settings, submission=submission, area=area)
    processing_days = service.processing_days if service is not None else settings.default_processing_days
    submitted = submission.submitted_at
    return Case(
        site=site,
        reference=references.generate(settings.reference_prefix or "REQ", local_date(submitted).year, rng=rng),
        submission=submission,
        service=service,
        service_title=(service.title if service else submission.form_title)[:255],
        service_title_en=(english_title(service) if service else "")[:255],
        department=department,
        channel=submission.channel if submission.channel in Channel.values else Channel.WEB,
        contact_phone_last4=phone_last4(submission.contact_phone),
        location_text=(submission.location_text or "")[:500],
        latitude=submission.latitude,
        longitude=submission.longitude,
        area=area,
        submitted_at=submitted,
        due_date=calendar.add_working_days(local_date(submitted), processing_days),
    )


def open_case(submission):
    """Open the case for a saved submission and return the receipt the resident sees, with the
    case's tracking link (`private_tracking_url`, never stored in clear).

    The reference is unique by constraint; on a collision the insert is retried with a new code
    inside a savepoint, so the surrounding transaction (the submission's) survives.
    """
    site = site_for(submission)
    settings = CaseSettings.for_site(site)
    calendar = WorkingCalendar(site)
    service = find_service(submission.form_page, site)
    case = build_case(submission, site=site, settings=settings, calendar=calendar, service=service)
    for attempt in range(MAX_ATTEMPTS):
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            break
        except IntegrityError:
            if Case.objects.filter(submission=submission).exists() or attempt == MAX_ATTEMPTS - 1:
                raise
            logger.info("Reference collision on %s; drawing another", case.reference)
            case.pk = None
            case.reference = references.generate(settings.reference_prefix or "REQ", local_date(case.submitted_at).year)
    # The link before the "received" event: its message (written in this transaction by the
    # notifications area) carries the link, the only time the secret is known after this request.
    token = access.issue_link(case)
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.CREATED, public=True, actor=submission.filed_by, created_at=case.submitted_at
    )
    # A service that publishes its steps: the case follows them, as they stand today.
    stages.snapshot(case, service)
    # The resident's photos as they were sent (hash, capture time, position), before cleaning.
    evidence.record_submission_photos(case, submission)
    if case.area_id is None and case.latitude is not None and case.longitude is not None and has_areas(site.pk):
        # Accepted all the same (a resident at the edge of town is still heard) and routed by the
        # default chain; the officers' timeline says so, for them to check the pin or pass it on.
        # Written in Thai, the office's record language, whatever language the resident used.
        with override("th"):
            note = _("Outside our areas: the location is in none of the office's areas (routed by the default rules).")
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.NOTE, public=False, created_at=case.submitted_at, message=note
        )
    return IntakeReceipt(
        reference=case.reference,
        expected_date=case.due_date,
        tracking_url=reverse("case_track", args=[case.reference]),
        message=_("Keep this reference to follow your request."),
        private_tracking_url=access.link_path(case, token),
    )
