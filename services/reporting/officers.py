"""Officers' figures (issue 21 §4), for the head of a department, never public: per officer and
department over a period, the jobs they marked done, the median time from the case's (latest)
assignment to that fix, and how many of their after photos were flagged "check this fix".

Who reads which department: its head; staff who see every department's cases (the permission
"view all cases") read every department of the offices they work for; superusers and platform
administrators every office's (`portal.offices.office_ids`). An officer who heads nothing and
sees only their own queue reads nothing here (403), and a head never sees another department.
"""

import datetime
from collections import defaultdict

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.offices import office_ids
from services.cases.admin_views import sees_all
from services.cases.models import CaseEvent, CasePhoto, CaseStatus
from services.models.departments import Department
from services.reporting import stats

PERIODS = (1, 3, 6, 12)
DEFAULT_MONTHS = 3


class OfficerPeriodForm(forms.Form):
    months = forms.TypedChoiceField(label=_("Period"), coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request: the labels are in the reader's language.
        self.fields["months"].choices = [(n, gettext("the last %(n)s months") % {"n": n}) for n in PERIODS]

    def chosen_months(self):
        if self.is_valid() and self.cleaned_data.get("months"):
            return self.cleaned_data["months"]
        return DEFAULT_MONTHS


def readable_departments(user):
    """The departments whose officers' figures `user` may read (a queryset, maybe empty)."""
    if not user.is_authenticated or not user.is_active:
        return Department.objects.none()
    if user.is_superuser or sees_all(user):
        offices = office_ids(user)
        everything = Department.objects.all()
        return everything if offices is None else everything.filter(site_id__in=sorted(offices))
    return Department.objects.filter(head=user)


def can_read(user):
    """Whether the Reports menu shows the figures to `user`. Kept on the request's user object:
    the admin menu asks twice per page (whether Reports has items, then to draw them)."""
    if not hasattr(user, "_reads_officer_figures"):
        user._reads_officer_figures = readable_departments(user).exists()
    return user._reads_officer_figures


def _who(user):
    return (user.get_full_name() or user.get_username()) if user is not None else "–"


def officer_rows(departments, since):
    """[{department, officer, done, median_hours, flagged}] for fixes since `since`."""
    department_ids = [d.pk for d in departments]
    by_id = {d.pk: d for d in departments}
    fixes = list(
        CaseEvent.objects.filter(
            case__department_id__in=department_ids,
            case__duplicate_of__isnull=True,
            kind=CaseEvent.Kind.STATUS,
            to_status=CaseStatus.RESOLVED,
            actor__isnull=False,
            created_at__gte=since,
        ).values_list("case_id", "case__department_id", "actor_id", "created_at")
    )
    # The latest assignment before each fix: one query for every case of the period.
    assigned = defaultdict(list)
    for case_id, at in (
        CaseEvent.objects.filter(case_id__in={f[0] for f in fixes}, kind=CaseEvent.Kind.ASSIGNED)
        .order_by("created_at", "id")
        .values_list("case_id", "created_at")
    ):
        assigned[case_id].append(at)
    table = defaultdict(lambda: {"done": 0, "hours": [], "flagged": 0})
    for case_id, department_id, actor_id, fixed_at in fixes:
        row = table[(department_id, actor_id)]
        row["done"] += 1
        before = [at for at in assigned.get(case_id, []) if at <= fixed_at]
        if before:
            row["hours"].append((fixed_at - before[-1]).total_seconds() / 3600)
    photos = CasePhoto.objects.filter(
        case__department_id__in=department_ids,
        role=CasePhoto.Role.AFTER,
        uploaded_by__isnull=False,
        uploaded_at__gte=since,
    ).values_list("case__department_id", "uploaded_by_id", "flags")
    for department_id, user_id, flags in photos:
        if flags:
            table[(department_id, user_id)]["flagged"] += 1
    people = get_user_model().objects.in_bulk({key[1] for key in table})
    rows = []
    for (department_id, user_id), row in table.items():
        median = stats.median(row["hours"])
        rows.append(
            {
                "department": by_id[department_id].tr("name"),
                "officer": _who(people.get(user_id)),
                "done": row["done"],
                "median_days": None if median is None else round(median / 24, 1),
                "flagged": row["flagged"],
            }
        )
    rows.sort(key=lambda r: (r["department"], -r["done"], r["officer"]))
    return rows


def officers_view(request):
    """The report page (Reports menu → Officers' figures)."""
    departments = list(readable_departments(request.user).order_by("name"))
    if not departments:
        raise PermissionDenied
    form = OfficerPeriodForm(request.GET or None)
    months = form.chosen_months()
    today = timezone.localdate()
    start = stats.add_months(stats.month_start(today), -(months - 1))
    since = datetime.datetime.combine(start, datetime.time(), timezone.get_current_timezone())
    return TemplateResponse(
        request,
        "reporting/admin_officers.html",
        {"form": form, "rows": officer_rows(departments, since), "start": start, "departments": departments},
    )
