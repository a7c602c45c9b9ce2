"""Staff's side of the questionnaire: the counter's QR posters to print, and the office's answers
(a view-only listing with filters by service, department and month, and a spreadsheet export).

Both are for whoever works the case queue (`can_use_queue`, memoised per request, so the menu
items cost no query of their own) and are scoped to the offices the person works for: another
office's departments, answers and posters are never listed."""

import django_filters
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView

from portal import qr
from portal.admin_listings import ViewOnlyViewSet, view_only
from portal.offices import current_office, offices_for, scope
from portal.templatetags.portal_tags import thaidate
from services.cases.admin_views import can_use_queue, sees_all
from services.feedback.models import Answer, Source
from services.models import Department


def _require(request):
    if not can_use_queue(request):
        raise PermissionDenied


def counter_qr(request):
    """One poster per department of the chosen office (and one for the whole office): the QR of
    /th/feedback/visit/?department=<code> on the office's own host, to print for the counter."""
    _require(request)
    offices = list(offices_for(request.user))
    if not offices:
        raise PermissionDenied
    wanted = request.GET.get("office", "")
    here = current_office(request)
    office = next((o for o in offices if str(o.pk) == wanted), None) or next(
        (o for o in offices if here is not None and o.pk == here.pk), offices[0]
    )
    with translation.override("th"):
        base = office.root_url.rstrip("/") + reverse("feedback_visit")
    posters = [{"title": _("Whole office"), "url": base}]
    for department in Department.objects.filter(site=office).order_by("name"):
        posters.append({"title": department.name, "url": f"{base}?department={department.code}"})
    for poster in posters:
        poster["qr"] = qr.svg(poster["url"], border=2, label=_("QR code of %(url)s") % {"url": poster["url"]})
    return render(
        request,
        "feedback/admin/counter_qr.html",
        {"office": office, "offices": offices, "several": len(offices) > 1, "posters": posters},
    )


# --- the answers ----------------------------------------------------------------------------


def can_read_answers(user):
    """Who works a queue of some office: "view all cases", or a member of a department (one
    query, kept on the user for the request by the view-only policy)."""
    return sees_all(user) or Department.objects.filter(members=user).exists()


view_only(Answer, can_read_answers)


class AnswerFilterSet(WagtailFilterSet):
    department = django_filters.ModelChoiceFilter(label=gettext_lazy("Department"), queryset=Department.objects.none())
    service_title = django_filters.ChoiceFilter(label=gettext_lazy("Service"), choices=[])
    source = django_filters.ChoiceFilter(label=gettext_lazy("Source"), choices=Source.choices)
    created_at = django_filters.DateFromToRangeFilter(label=gettext_lazy("Answered"), widget=DateRangePickerWidget)

    class Meta:
        model = Answer
        fields = ["department", "service_title", "source", "created_at"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request is not None else None
        if user is not None:
            self.filters["department"].queryset = scope(Department.objects.all(), user).order_by("name")
            titles = (
                scope(Answer.objects.exclude(service_title=""), user)
                .order_by("service_title")
                .values_list("service_title", flat=True)
                .distinct()
            )
            self.filters["service_title"].extra["choices"] = [(title, title) for title in titles]


class AnswerIndexView(IndexView):
    def get_base_queryset(self):
        return scope(super().get_base_queryset(), self.request.user).select_related("department", "site")


def _score(name):
    return Column(name, label=Answer._meta.get_field(name).verbose_name, accessor=lambda row: getattr(row, name) or "–")


class AnswerViewSet(ViewOnlyViewSet):
    """The office's questionnaire answers, newest first."""

    model = Answer
    icon = "pick"
    menu_label = gettext_lazy("Satisfaction answers")
    add_to_admin_menu = False
    index_view_class = AnswerIndexView
    filterset_class = AnswerFilterSet
    list_display = [
        Column(
            "created_at",
            label=gettext_lazy("Answered"),
            accessor=lambda row: thaidate(row.created_at, "datetime"),
            sort_key="created_at",
        ),
        Column("source", label=gettext_lazy("Source"), accessor=lambda row: row.get_source_display()),
        Column("department", label=gettext_lazy("Department"), accessor=lambda row: row.department or "–"),
        Column("service_title", label=gettext_lazy("Service"), accessor=lambda row: row.service_title or "–"),
        _score("ease"),
        _score("speed"),
        _score("staff"),
        _score("overall"),
        Column("comment", label=gettext_lazy("Comment"), accessor=lambda row: row.comment[:200]),
    ]
    list_export = [
        "created_at",
        "source",
        "department",
        "service_title",
        "ease",
        "speed",
        "staff",
        "overall",
        "comment",
    ]
