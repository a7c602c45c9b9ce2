"""The staff side of the case queue, inside the Wagtail admin.

Every view starts from ``Case.objects.visible_to(user)``: an officer reaches only their
departments' cases (404 for anything else, so the admin does not even confirm a case exists).
Changes go through ``services.cases.workflow`` (state machine, timeline, optimistic lock).
"""

import csv
import datetime
import io
import os
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from wagtail import hooks
from wagtail.models import Page, Site

from forms_builder.models import FormIndexPage, Submission
from portal.i18n import ascii_digits, is_thai
from portal.offices import current_office, office_ids, office_label, works_for_several
from portal.templatetags.portal_tags import thaidate
from services.cases import access, deficiency_pdf, evidence, nearby, references, stage_views, workflow
from services.cases import photos as case_photos
from services.cases.forms import (
    AssignForm,
    MergeForm,
    NoteForm,
    QueueFilterForm,
    ReplyForm,
    StatusForm,
    UnmergeForm,
)
from services.cases.models import OPEN_STATUSES, Case, CaseSettings, CaseStatus, Channel, Priority, ReplyTemplate
from services.cases.sla import WorkingCalendar
from services.cases.views import stream_private
from services.models.departments import Department
from services.models.guides import ServicePage

PER_PAGE_CHOICES = (20, 50, 100)

# Rooms above cases (the field view, outside agencies) add links to the officer's case page:
# a function registered under this name with Wagtail's `hooks.register` takes
# `(request, case)` and returns a list of `(label, url)`, shown as the case's "More actions".
CASE_ACTIONS_HOOK = "case_admin_actions"


def case_actions(request, case):
    """The links every registered `CASE_ACTIONS_HOOK` function gives for this case."""
    links = []
    for fn in hooks.get_hooks(CASE_ACTIONS_HOOK):
        links.extend(fn(request, case) or [])
    return links


def sees_all(user):
    return user.is_superuser or user.has_perm("cases.view_all_cases")


def visible_departments(user):
    """The departments whose queues this person works: their own, or with "view all cases"
    every department of their offices."""
    if sees_all(user):
        offices = office_ids(user)
        departments = Department.objects.all() if offices is None else Department.objects.filter(site_id__in=offices)
        return departments.select_related("site")
    return Department.objects.filter(members=user).select_related("site")


def departments_for(request):
    """The departments whose queues this user works, evaluated once per request (the menu item
    and the view both ask). For someone who sees every case of many offices use
    `queue_offices` instead: loading every department of 1,000 offices took a third of a second."""
    if not hasattr(request, "_case_departments"):
        user = request.user
        request._case_departments = list(visible_departments(user)) if user.is_authenticated else []
        if user.is_authenticated and not sees_all(user):
            # Their own departments: the offices the catalogue's "office_ids_for_user" hook
            # would query again (services/wagtail_hooks.py).
            user._department_site_ids = {department.site_id for department in request._case_departments}
    return request._case_departments


def queue_offices(request):
    """{site id: Site} of the offices whose cases this person's queue holds, once per request:
    an officer's from their departments (already loaded), a "view all cases" person's from the
    offices that have departments (one query of site rows, whatever the number of departments)."""
    if not hasattr(request, "_case_offices"):
        user = request.user
        if sees_all(user):
            offices = office_ids(user)
            sites = Site.objects.filter(pk__in=Department.objects.values("site_id")).only("site_name", "hostname")
            sites = sites if offices is None else sites.filter(pk__in=offices)
            request._case_offices = {site.pk: site for site in sites}
        else:
            request._case_offices = {department.site_id: department.site for department in departments_for(request)}
    return request._case_offices


def several_offices(request):
    """True when the person's queue holds more than one office's cases: rows are then labelled
    with their office. Read from what is already known, so it costs no query."""
    if not hasattr(request, "_case_several_offices"):
        user = request.user
        request._case_several_offices = works_for_several(user) if sees_all(user) else len(queue_offices(request)) > 1
    return request._case_several_offices


def department_label(department, several):
    return f"{department} · {office_label(department.site)}" if several else str(department)


def can_use_queue(request):
    user = request.user
    return user.is_authenticated and user.is_active and (sees_all(user) or bool(departments_for(request)))


def staff_choices(user, site_id=None):
    """People cases can be assigned to: members of the departments this user can see (of the
    office `site_id` only, when given: a case is assigned within its own office)."""
    User = get_user_model()
    departments = visible_departments(user)
    if site_id is not None:
        departments = departments.filter(site_id=site_id)
    return (
        User.objects.filter(departments__in=departments.values("pk"), is_active=True)
        .distinct()
        .order_by("first_name", "username")
    )


def service_choices(user, departments=None, office=None):
    """Services of the person's offices (or of `office`, a site id, alone) to filter by (Thai
    titles), labelled with their office when there are several. Cached for five minutes per set
    of offices: the list changes rarely and the queue should not pay for the page tree on every
    load."""
    if office is not None:
        offices = frozenset({office})
    elif sees_all(user) or departments is None:
        offices = office_ids(user)
    else:
        offices = frozenset(department.site_id for department in departments)
    key = "case-service-choices:" + ("all" if offices is None else ",".join(map(str, sorted(offices))))
    choices = cache.get(key)
    if choices is None:
        sites = Site.objects.select_related("root_page")
        sites = list(sites if offices is None else sites.filter(pk__in=offices))
        several = len(sites) > 1
        choices = []
        for site in sites:
            services = ServicePage.objects.filter(locale__language_code="th", path__startswith=site.root_page.path)
            label = f" · {office_label(site)}" if several else ""
            choices += [(pk, f"{title}{label}") for pk, title in services.values_list("id", "title")]
        choices.sort(key=lambda choice: choice[1])
        cache.set(key, choices, 300)
    return choices


NAME_MATCH_LIMIT = 500


def search(cases, text):
    """Reference (exact and typo-tolerant, or its beginning), phone (full number or its last
    four digits) or name. Names are matched in the submissions first, capped, and applied as a
    list of ids: joining row by row from a million-case queue ordered by due date would walk the
    whole queue for a rare name.

    The name match is unordered on purpose: on PostgreSQL the trigram index
    (forms_builder 0003) finds the matches, and sorting them by date first would read every
    match of a common name just to keep 500; the queue sorts what it shows anyway."""
    query = ascii_digits(text.strip())  # a phone typed with Thai or full-width digits
    reference = references.normalize(query)
    if reference:
        return cases.filter(reference=reference)
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 4 and len(digits) == len(query.replace("-", "").replace(" ", "")):
        # The indexed last four digits narrow a million cases to a few hundred first.
        cases = cases.filter(contact_phone_last4=digits[-4:])
        return cases.filter(submission__contact_phone__endswith=digits) if len(digits) > 4 else cases
    if len(query) >= 6 and "-" in query:
        return cases.filter(reference__startswith=query.upper())
    matches = Submission.objects.filter(contact_name__icontains=query).order_by()
    ids = list(matches.values_list("pk", flat=True)[:NAME_MATCH_LIMIT])
    return cases.filter(submission_id__in=ids)


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP matches: on a million cases an exact count costs more than the
    page itself, and nobody pages past the 200th page — they refine the filters instead.

    Paginate `queryset.values_list("pk", flat=True)`: both the count and the page's ids then come
    from the queue's indexes alone (index-only scans on PostgreSQL), and `page_cases` fetches the
    page's rows by primary key ("deferred join"), instead of reading and sorting every matching
    row when a filter (a date range) cannot follow an index in the queue's order.
    """

    COUNT_CAP = 10_000

    def __init__(self, object_list, per_page, count_order=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_order = count_order

    @property
    def count(self):
        if not hasattr(self, "_capped_count"):
            # In the page's own order (or `count_order`, an order an index gives for free), on
            # purpose: PostgreSQL then walks that index and stops after COUNT_CAP entries.
            # Unordered, it may pick a sequential scan betting that matches come early (they do
            # not when filters are correlated).
            matches = self.object_list.order_by(*self.count_order) if self.count_order else self.object_list
            self._capped_count = matches[: self.COUNT_CAP + 1].count()
        return self._capped_count

    @property
    def capped(self):
        return self.count > self.COUNT_CAP


def page_cases(ids):
    """The cases with these ids, in this order, with what the queue's rows show (and their
    service's "already reported" radius, for the possible-duplicate flag, in the same query)."""
    cases = Case.objects.select_related("department", "assignee", "site")
    found = cases.annotate(nearby_radius=F("service__nearby_radius")).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


# A queue spanning more offices than this (a platform administrator's, a province's) offers an
# Office filter, and lists departments, services and assignees of the chosen office only: with
# 1,000 offices every department and officer of the install as <option>s made a 780 KB page
# that took a second to render (bench/offices.py).
MANY_OFFICES = 10


def office_filter(request):
    """(office choices, the chosen office's site id) for a queue spanning MANY_OFFICES or more,
    else (None, None)."""
    sites = queue_offices(request)
    if len(sites) < MANY_OFFICES:
        return None, None
    choices = sorted(((pk, office_label(site)) for pk, site in sites.items()), key=lambda choice: choice[1])
    wanted = request.GET.get("office", "")
    return choices, int(wanted) if wanted.isdigit() and int(wanted) in sites else None


def filter_cases(request, site):
    """The queue's queryset for the filters in request.GET, plus the bound filter form."""
    user = request.user
    offices, office = office_filter(request)
    if offices is None:
        departments = departments_for(request)
        people = staff_choices(user)
        services = service_choices(user, departments)
        department_choices = departments
    else:
        # Many offices: only the chosen office's departments are loaded (an officer's own are).
        departments = None if sees_all(user) else departments_for(request)
        people = staff_choices(user, office) if office else []
        services = service_choices(user, office=office) if office else []
        department_choices = list(visible_departments(user).filter(site_id=office)) if office else []
    assignees = [(str(u.pk), u.get_full_name() or u.get_username()) for u in people]
    params = request.GET.copy()
    # Officers work the open cases: the queue opens on them, soonest due first ("Any" shows all).
    if params.get("check") == "flagged":
        params.setdefault("status", "")  # fixes to check are mostly resolved: all statuses, unless chosen
    params.setdefault("status", "open")
    several = several_offices(request)
    department_choices = [(d.pk, department_label(d, several)) for d in department_choices]
    form = QueueFilterForm(params, departments=department_choices, assignees=assignees, offices=offices)
    form.fields["service"].widget.choices = [("", _("Any")), *[(str(pk), title) for pk, title in services]]
    cases = Case.objects.visible_to(user, departments).select_related("department", "assignee")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if office:
            cases = cases.filter(site_id=office)
        today = timezone.localdate()
        if data["q"]:
            cases = search(cases, data["q"])
        # A reference names one case: it is found whatever its status (the queue opens on open ones).
        status = "" if data["q"] and references.normalize(data["q"]) else data["status"]
        if status == "open":
            cases = cases.filter(status__in=OPEN_STATUSES)
        elif status:
            cases = cases.filter(status=status)
        if data["department"]:
            cases = cases.filter(department_id=int(data["department"]))  # a choice: one of theirs
        if data["service"]:
            cases = cases.filter(service_id=int(data["service"]) if data["service"].isdigit() else None)
        if data["assignee"] == "none":
            cases = cases.filter(assignee__isnull=True)
        elif data["assignee"] == "me":
            cases = cases.filter(assignee=user)
        elif data["assignee"]:
            cases = cases.filter(assignee_id=int(data["assignee"]))
        if data["channel"]:
            cases = cases.filter(channel=data["channel"])
        if data["priority"]:
            cases = cases.filter(priority=data["priority"])
        if data["check"] == "flagged":
            cases = cases.filter(fix_flagged=True)
        if data["overdue"] == "overdue":
            cases = cases.overdue(today)
        elif data["overdue"] == "soon":
            horizon = WorkingCalendar(site).add_working_days(today, _settings(request, site).due_soon_days)
            cases = cases.filter(
                status__in=[CaseStatus.RECEIVED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS],
                due_date__gte=today,
                due_date__lte=horizon,
            )
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            cases = cases.filter(submitted_at__gte=datetime.datetime.combine(data["date_from"], datetime.time(), tz))
        if data["date_to"]:
            end = datetime.datetime.combine(data["date_to"] + datetime.timedelta(days=1), datetime.time(), tz)
            cases = cases.filter(submitted_at__lt=end)
        sort = data.get("sort") or "due"
    else:
        sort = "due"
    if (
        sort in ("due", "-due")
        and form.is_bound
        and form.is_valid()
        and (form.cleaned_data["date_from"] or form.cleaned_data["date_to"])
    ):
        # With a date range, PostgreSQL would walk the due-date index from the oldest due date
        # and filter (seconds on a million cases); sorting the range's rows instead is fast
        # (their ids and due dates come from the covering submitted-date index). The count
        # need not sort: see `count_order`.
        direction = "-" if sort == "-due" else ""
        cases = cases.annotate(due_sort=Coalesce("due_date", Value(datetime.date.max)))
        return cases.order_by(f"{direction}due_sort", f"{direction}id"), form
    order = {
        "due": ["due_date", "id"],
        "-due": ["-due_date", "-id"],
        "submitted": ["submitted_at", "id"],
        "-submitted": ["-submitted_at", "-id"],
    }[sort]
    return cases.order_by(*order), form


def count_order(cases):
    """How to count the queue's matches cheaply: a date range's page is sorted, but its count can
    follow the submitted-date index it is filtered on."""
    return ("submitted_at", "id") if "due_sort" in cases.query.annotations else None


def queue(request):
    """The queue: filters, search, sorting, bulk actions, export."""
    if not can_use_queue(request):
        raise PermissionDenied
    site = _site(request)
    cases, form = filter_cases(request, site)
    export = request.GET.get("export")
    several = several_offices(request)
    if export == "csv":
        return export_csv(cases, several)
    if export == "xlsx":
        return export_xlsx(cases, several)
    try:
        per_page = int(request.GET.get("per_page", 50))
    except ValueError:
        per_page = 50
    per_page = per_page if per_page in PER_PAGE_CHOICES else 50
    paginator = CappedPaginator(cases.values_list("pk", flat=True), per_page, count_order=count_order(cases))
    page = paginator.get_page(request.GET.get("p"))
    today = timezone.localdate()
    # Each case's "due soon" by its own office's settings and closures (both cached).
    offices = {site.pk: (_settings(request, site), WorkingCalendar(site))}
    rows = []
    page_rows = page_cases(list(page.object_list))
    # One query for the whole page, and none when no case on it has a point.
    departments = None if sees_all(request.user) else departments_for(request)
    duplicates = nearby.possible_duplicates(page_rows, Case.objects.visible_to(request.user, departments))
    for case in page_rows:
        if case.site_id not in offices:
            offices[case.site_id] = (CaseSettings.cached_for_site(case.site), WorkingCalendar(case.site))
        case_settings, calendar = offices[case.site_id]
        rows.append(
            {
                "case": case,
                "office": office_label(case.site) if several else "",
                "overdue": case.is_overdue(today),
                "due_soon": case.is_due_soon(calendar, case_settings.due_soon_days, today),
                "duplicates": len(duplicates.get(case.pk, ())),
            }
        )
    query = request.GET.copy()
    query.pop("p", None)
    query.pop("export", None)
    return render(
        request,
        "services/cases/admin/queue.html",
        {
            "page_obj": page,
            "rows": rows,
            "form": form,
            "querystring": query.urlencode(),
            "bulk_statuses": CaseStatus.choices,
            "assignees": form.fields["assignee"].choices[3:],
            "per_page": per_page,
            "count_capped": paginator.capped,
            "show_office": several,
            "counter_forms_url": counter_forms_url(request, site),
            "count_cap": paginator.COUNT_CAP,
        },
    )


def counter_forms_url(request, site):
    """Where staff file a request for a walk-in or phone caller: the office's public e-forms,
    which ask a logged-in officer for the channel. Cached: the queue should not query the page
    tree."""
    language = (get_language() or "th")[:2]
    here = current_office(request)
    key = f"case-counter-forms-url:{site.pk}:{here.pk if here else 0}:{language}"
    url = cache.get(key)
    if url is None:
        roots = Site.objects.filter(pk=site.pk).values("root_page__translation_key")
        in_office = Q(pk__in=[])
        for home in Page.objects.filter(translation_key__in=roots).values_list("path", flat=True):
            in_office |= Q(path__startswith=home)
        index = FormIndexPage.objects.filter(in_office, locale__language_code=language).live().first()
        url = (index.get_url(request) or "") if index is not None else ""
        cache.set(key, url, 300)
    return url


def _site(request):
    """The office whose settings the queue uses for its filters: the person's one office, else
    the office of the host the admin was opened on."""
    if not hasattr(request, "_case_site"):
        sites = queue_offices(request)
        if len(sites) == 1 and not several_offices(request):
            site = next(iter(sites.values()))
        else:
            site = current_office(request)
        request._case_site = site
    return request._case_site


def _settings(request, site):
    """Site settings, cached on the request like Wagtail's own `settings` context processor."""
    if not hasattr(request, "_case_settings"):
        request._case_settings = CaseSettings.cached_for_site(site)
    return request._case_settings


EXPORT_FIELDS = [
    "reference",
    "status",
    "service_title",
    "service_title_en",
    "department__name",
    "department__name_en",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
    "priority",
    "channel",
    "submitted_at",
    "due_date",
    "resolved_at",
    "closed_at",
    "rating",
    "site__site_name",
    "site__hostname",
]


def export_table(cases, several=False):
    """(headers, rows) of the export in the admin user's language: labels, not codes, and in
    Thai Buddhist-Era dates as the queue shows them. No personal data beyond what the queue
    itself lists (no names, phones). With `several` offices, the first column names each
    case's office.

    Wagtail activates the user's admin language and time zone only while the view runs, and a
    streamed CSV is written after it returns: the rows are made under the same language and
    zone, taken now.
    """
    language, zone = get_language(), timezone.get_current_timezone()
    thai = is_thai()
    headers = [
        _("Reference"),
        _("Status"),
        _("Service"),
        _("Department"),
        _("Assignee"),
        _("Priority"),
        _("Channel"),
        _("Submitted"),
        _("Due date"),
        _("Resolved on"),
        _("Closed on"),
        _("Rating"),
    ]
    if several:
        headers.insert(0, _("Office"))
    labels = {
        "status": {value: str(label) for value, label in CaseStatus.choices},
        "priority": {value: str(label) for value, label in Priority.choices},
        "channel": {value: str(label) for value, label in Channel.choices},
    }

    def when(value):
        if value is None:
            return ""
        if thai:
            return thaidate(value, "datetime" if isinstance(value, datetime.datetime) else "short")
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return value.isoformat()

    def rows():
        with translation.override(language), timezone.override(zone):
            for row in cases.values_list(*EXPORT_FIELDS).iterator(chunk_size=2000):
                v = dict(zip(EXPORT_FIELDS, row, strict=True))
                assignee = " ".join(filter(None, [v["assignee__first_name"], v["assignee__last_name"]]))
                office = [as_text(v["site__site_name"] or v["site__hostname"])] if several else []
                yield [
                    *office,
                    v["reference"],
                    labels["status"].get(v["status"], v["status"]),
                    as_text((not thai and v["service_title_en"]) or v["service_title"]),
                    as_text((not thai and v["department__name_en"]) or v["department__name"] or ""),
                    as_text(assignee or v["assignee__username"] or ""),
                    labels["priority"].get(v["priority"], v["priority"]),
                    labels["channel"].get(v["channel"], v["channel"]),
                    when(v["submitted_at"]),
                    when(v["due_date"]),
                    when(v["resolved_at"]),
                    when(v["closed_at"]),
                    "" if v["rating"] is None else v["rating"],
                ]

    return headers, rows()


def as_text(value):
    """A typed name as text in a spreadsheet, never a formula (`=HYPERLINK(…)` as a service title)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class _Echo:
    def write(self, value):
        return value


def export_csv(cases, several=False):
    writer = csv.writer(_Echo())
    headers, rows = export_table(cases, several)

    def lines():
        yield "\ufeff"  # a byte-order mark, so Excel opens Thai text as UTF-8
        yield writer.writerow(headers)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{timezone.localdate():%Y%m%d}.csv"'
    return response


def export_xlsx(cases, several=False):
    workbook = Workbook(write_only=True)
    # Excel refuses some characters in a sheet name ("/" is one): a title of our own.
    sheet = workbook.create_sheet(_("Case list"))
    headers, rows = export_table(cases, several)
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="cases-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@require_POST
def bulk(request):
    """Assign or move many cases at once; each case goes through the same rules as one."""
    if not can_use_queue(request):
        raise PermissionDenied
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
    cases = list(Case.objects.visible_to(request.user).filter(pk__in=ids).select_related("site"))
    action = request.POST.get("action")
    done, refused = 0, []
    if not cases:
        messages.error(request, _("Select at least one case."))
    elif action == "assign":
        assignee_id = request.POST.get("assignee", "")
        assignee = staff_choices(request.user).filter(pk=assignee_id).first() if assignee_id.isdigit() else None
        if assignee_id and assignee is None:
            messages.error(request, _("Choose someone from your departments."))
        else:
            # A case is assigned within its own office: a shared officer's selection may hold
            # cases of an office the chosen person does not work for.
            offices = set(assignee.departments.values_list("site_id", flat=True)) if assignee else set()
            for case in cases:
                if assignee is not None and case.site_id not in offices:
                    refused.append(
                        f"{case.reference}: "
                        + _("%(name)s does not work for %(office)s.")
                        % {
                            "name": assignee.get_full_name() or assignee.get_username(),
                            "office": office_label(case.site),
                        }
                    )
                    continue
                workflow.assign(case, assignee, request.user)
                done += 1
    elif action == "status":
        target = request.POST.get("status", "")
        for case in cases:
            try:
                workflow.change_status(
                    case,
                    target,
                    request.user,
                    message=request.POST.get("message", ""),
                    reject_reason=request.POST.get("reject_reason", "cannot_act"),
                )
                done += 1
            except (ValueError, workflow.WorkflowError) as error:
                refused.append(f"{case.reference}: {error}")
    if done:
        messages.success(request, _("%(count)s cases updated.") % {"count": done})
    for line in refused[:20]:
        messages.error(request, line)
    back = request.POST.get("next", "")
    return redirect(reverse("case_queue") + (f"?{back}" if back and "//" not in back else ""))


def _case_for(request, pk):
    if not can_use_queue(request):
        raise PermissionDenied
    return get_object_or_404(
        Case.objects.visible_to(request.user).select_related(
            "submission", "department", "assignee", "site", "duplicate_of"
        ),
        pk=pk,
    )


def detail(request, pk):
    """One case: answers, files, timeline, notes, replies, and the officer's actions."""
    case = _case_for(request, pk)
    forms = {}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "link":
            return _reissue_link(request, case)
        handler = {
            "status": _post_status,
            "assign": _post_assign,
            "note": _post_note,
            "reply": _post_reply,
            "merge": _post_merge,
            "unmerge": _post_unmerge,
            "stage": stage_views.post_move,
            "deficiency": stage_views.post_deficiency,
        }.get(action)
        if handler is None:
            raise Http404
        form = handler(request, case)
        if form is None:
            return redirect("case_detail", pk=case.pk)
        forms[action] = form
        case.refresh_from_db()
    targets = workflow.allowed_targets(case.status)
    candidates = merge_candidates(request, case)
    assignees = staff_choices(request.user, case.site_id)
    if case.department_id:
        assignees = assignees.filter(departments=case.department_id)
    context = {
        "case": case,
        "answers": case.submission.display_answers(),
        "files": list(case.submission.files.all()),
        "events": list(case.events.select_related("actor")),
        "status_form": forms.get("status") or StatusForm(initial={"version": case.version}, targets=targets),
        "assign_form": forms.get("assign")
        or AssignForm(
            initial={"version": case.version, "assignee": case.assignee_id, "priority": case.priority},
            assignees=assignees,
        ),
        "note_form": forms.get("note") or NoteForm(),
        "possible_duplicates": candidates,
        "can_merge": case.is_open and case.duplicate_of_id is None,
        "merge_form": forms.get("merge") or MergeForm(initial={"version": case.version}, candidates=candidates),
        "unmerge_form": forms.get("unmerge") or UnmergeForm(initial={"version": case.version}),
        "merged_here": list(
            Case.objects.visible_to(request.user)
            .filter(duplicate_of=case)
            .only("pk", "reference", "submitted_at")
            .order_by("submitted_at", "pk")
        ),
        "reply_form": forms.get("reply") or ReplyForm(site=case.site),
        "reply_templates": ReplyTemplate.objects.filter(site=case.site),
        "office": office_label(case.site) if several_offices(request) else "",
        "overdue": case.is_overdue(),
        "submission": case.submission,
        "map_tiles": getattr(settings, "FORMS_BUILDER_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        "stage_panel": stage_views.staff_context(case, forms),
        "case_actions": case_actions(request, case),
        "flagged_photos": evidence.flagged_after_photos(case) if case.fix_flagged else [],
    }
    failed = any(form.errors for form in forms.values())
    return render(request, "services/cases/admin/detail.html", context, status=400 if failed else 200)


def _post_status(request, case):
    form = StatusForm(request.POST, request.FILES, targets=workflow.allowed_targets(case.status))
    if not form.is_valid():
        if "status" in form.errors:
            messages.error(request, _("That status change is not allowed from the case's current status."))
        return form
    data = form.cleaned_data
    try:
        # The photo's evidence and the status change stand or fall together.
        with transaction.atomic():
            photo = None
            if data["after_photo"]:
                photo = evidence.record_photo(case, data["after_photo"], role="after", user=request.user)
            workflow.change_status(
                case,
                data["status"],
                request.user,
                message=data["message"],
                reject_reason=data["reject_reason"],
                after_photo=photo,
                expected_version=data["version"],
            )
    except ValidationError as error:
        form.add_error("after_photo", error)
        return form
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        form.add_error(None, str(error))
        return form
    messages.success(request, _("Status changed to “%(status)s”.") % {"status": CaseStatus(data["status"]).label})
    return None


def merge_candidates(request, case):
    """This case's possible duplicates among the cases the officer can work: the same service,
    within its "already reported" radius, filed within 30 days of it, nearest first."""
    if case.duplicate_of_id is not None:
        return []
    found = nearby.possible_duplicates([case], Case.objects.visible_to(request.user))
    return found.get(case.pk, [])[:20]


def _post_merge(request, case):
    """Mark this case (B) a duplicate of a case (A) the officer picked from the possible
    duplicates or typed by reference. A must be a case of the same office the officer can work
    (`visible_to`): an unknown reference, another office's and one they cannot work all get the
    same answer, so the form confirms nothing about cases outside their reach."""
    candidates = merge_candidates(request, case)
    form = MergeForm(request.POST, candidates=candidates)
    seen = request.POST.get("version", "")
    if seen.isdigit() and int(seen) != case.version:
        # Someone changed (or merged) the case since the officer loaded it: say so first, rather
        # than what the other change now makes of their choice (no longer offered, say).
        error = workflow.EditConflict()
        messages.error(request, str(error))
        form.add_error(None, str(error))
        return form
    if not form.is_valid():
        return form
    data = form.cleaned_data
    field = "reference" if data["reference"] else "target"
    workable = Case.objects.visible_to(request.user).filter(site_id=case.site_id)
    if data["reference"]:
        typed = data["reference"]
        into = workable.filter(reference=references.normalize(typed) or "-").first()
        if into is None:
            form.add_error(
                "reference",
                _("No case of this office that you can work on has the reference %(reference)s.")
                % {"reference": typed},
            )
            return form
    else:
        into = workable.filter(pk=data["target"]).first()
        if into is None:
            form.add_error("target", _("That case is no longer one you can work on. Reload the page."))
            return form
    refused = workflow.check_merge(case, into)
    if refused:
        form.add_error(field, refused)
        return form
    try:
        workflow.merge(case, into, request.user, expected_version=data["version"])
    except workflow.EditConflict as error:
        messages.error(request, str(error))
        form.add_error(None, str(error))
        return form
    except workflow.WorkflowError as error:
        form.add_error(field, str(error))
        return form
    messages.success(
        request,
        _("%(case)s is merged into %(into)s and closed; its resident now follows %(into)s.")
        % {"case": case.reference, "into": into.reference},
    )
    return None


def _post_unmerge(request, case):
    """ "Not a duplicate": undo this case's merge. The officer must be able to work the case it
    was merged into too, since its timeline changes."""
    form = UnmergeForm(request.POST)
    if not form.is_valid():
        return form
    into = case.duplicate_of
    if into is None:
        form.add_error(None, _("This case is not merged into another."))
        return form
    if not Case.objects.visible_to(request.user).filter(pk=into.pk).exists():
        form.add_error(
            None,
            _("Only staff who can work on %(reference)s may undo this merge.") % {"reference": into.reference},
        )
        return form
    try:
        workflow.unmerge(case, request.user, expected_version=form.cleaned_data["version"])
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        form.add_error(None, str(error))
        return form
    messages.success(
        request,
        _("%(case)s is no longer merged: it is back to “%(status)s”.")
        % {"case": case.reference, "status": CaseStatus(case.status).label},
    )
    return None


def _post_assign(request, case):
    assignees = staff_choices(request.user, case.site_id)
    form = AssignForm(request.POST, assignees=assignees)
    if not form.is_valid():
        return form
    data = form.cleaned_data
    try:
        version = data["version"]
        if data["assignee"] != case.assignee:
            workflow.assign(case, data["assignee"], request.user, expected_version=version)
            version = case.version
        if data["priority"] != case.priority:
            workflow.set_priority(case, data["priority"], request.user, expected_version=version)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        form.add_error(None, str(error))
        return form
    messages.success(request, _("Saved."))
    return None


def _post_note(request, case):
    form = NoteForm(request.POST)
    if not form.is_valid():
        return form
    workflow.add_note(case, form.cleaned_data["note"], request.user)
    messages.success(request, _("Note added. Residents never see notes."))
    return None


def resident_language(case):
    return "en" if case.submission.language == "en" else "th"


# The case's values a reply template may name, e.g. "เรื่องเลขที่ {reference} ... ภายใน {due_date}".
PLACEHOLDER = re.compile(r"\{(reference|service|due_date|department)\}")


def fill_placeholders(text, case):
    """`text` with the case's values, written in the resident's language (their service title,
    the department's name, a Buddhist-Era due date in Thai). Unknown braces stay as typed."""
    english = resident_language(case) == "en"
    with translation.override(resident_language(case)):
        values = {
            "reference": case.reference,
            "service": (english and case.service_title_en) or case.service_title,
            "due_date": thaidate(case.due_date, "long") if case.due_date else "",
            "department": case.department.tr("name") if case.department_id else "",
        }
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def template_text(template, case):
    """The template's text the resident would read: in their language, with the case's values."""
    body = template.body_en if resident_language(case) == "en" and template.body_en else template.body
    return fill_placeholders(body, case)


def _post_reply(request, case):
    """Publish a reply, or with "Preview" show it filled in and editable first (no JavaScript
    needed: the form comes back with the text the resident would read).

    Previewing a template fills the text box with it; previewing again keeps the officer's
    edits unless they picked another template (`previewed` remembers which one was filled)."""
    form = ReplyForm(request.POST, site=case.site)
    if not form.is_valid():
        return form
    text = (form.cleaned_data["reply"] or "").strip()
    template = form.cleaned_data["template"]
    if "preview" in request.POST:
        previewed = request.POST.get("previewed", "")
        if template is not None and (not text or previewed != str(template.pk)):
            text = template_text(template, case)
        else:
            text = fill_placeholders(text, case)
        data = request.POST.copy()
        data["reply"] = text
        form = ReplyForm(data, site=case.site)
        form.is_valid()
        form.preview = text
        form.previewed = str(template.pk) if template is not None else ""
        form.language = get_language_info(resident_language(case))["name_translated"]
        return form
    text = fill_placeholders(text, case) if text else template_text(template, case)
    workflow.reply(case, text, request.user, public=form.cleaned_data["public"])
    messages.success(request, _("Reply published on the resident's tracking page."))
    return None


def download_file(request, pk, file_id):
    """A resident's upload, for staff of the case's department only; a photo opens in the browser
    (with `?size=thumb`, a reduced copy for a thumbnail: the field view's)."""
    case = _case_for(request, pk)
    upload = get_object_or_404(case.submission.files.all(), pk=file_id)
    if upload.content_type.startswith("image/"):
        stem = os.path.splitext(upload.original_name)[0]
        return case_photos.serve_inline(upload.file, stem, thumb=case_photos.wants_thumb(request))
    return stream_private(upload.file, upload.original_name, upload.content_type)


def download_photo(request, pk):
    case = _case_for(request, pk)
    if not case.after_photo:
        raise Http404
    return case_photos.serve_inline(case.after_photo, f"{case.reference}-after")


def _reissue_link(request, case):
    """A new tracking link (the resident lost the paper, or the link reached the wrong person):
    the old link dies, the timeline records who did it, and the new link is shown this once, on
    a printable receipt with its QR code, to hand over. Never cached: the page holds the secret."""
    token = access.issue_link(case, actor=request.user, reissue=True)
    tracking_url = office_url(request, case, access.link_path(case, token))
    response = render(
        request,
        "services/cases/admin/receipt.html",
        {"case": case, "tracking_url": tracking_url, "thai": is_thai(), "new_link": True},
    )
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def office_url(request, case, path):
    """`path` on the host of the case's office: a receipt printed by a shared officer on another
    office's admin host still sends the resident to their own office's site."""
    here = current_office(request)
    if here is not None and here.pk == case.site_id:
        return request.build_absolute_uri(path)
    return case.site.root_url.rstrip("/") + path


def receipt(request, pk):
    """A printable receipt for a resident at the counter: reference, dates and a QR code that
    opens the tracking page."""
    case = _case_for(request, pk)
    tracking_url = office_url(request, case, reverse("case_track", args=[case.reference]))
    return render(
        request,
        "services/cases/admin/receipt.html",
        {"case": case, "tracking_url": tracking_url, "thai": is_thai()},
    )


def deficiency_record_pdf(request, pk, record_id):
    """The record of missing documents as the resident got it, for the case's officers."""
    case = _case_for(request, pk)
    record = stage_views.record_for(case, record_id)
    response = HttpResponse(deficiency_pdf.build(record), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.reference}-record-{record.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
