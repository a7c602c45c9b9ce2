"""The resident's questionnaire: /<lang>/feedback/case/<REFERENCE>/ after a request is done, and
/<lang>/feedback/visit/ from the counter's QR code.

A request's questionnaire opens for whoever may see the tracking page's private part (the
tracking link or the one-time code, remembered in the session: `services.cases.views`), only once
the request is resolved or closed, and only once: a second answer gets "already answered" and
writes nothing (the answer's unique case and the case's conditional rating update both hold it).
Every other reference — unknown, another office's, not finished — gets a neutral page that says
no more than the public tracking page does.

The answer is also the case's rating (`services.cases.workflow.rate`, overall and comment), so
the dashboard's rating figures and the case's timeline go on as before.

The counter form has no request to tie it to, so it is limited as the project's other public
forms are: per browser session (one visitor cannot fill the figures) and, far higher, per
address (a village's Wi-Fi or a carrier's NAT puts many people behind one address).
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from portal import ratelimit
from portal.offices import current_office
from services.cases import references, workflow
from services.cases import views as case_views
from services.cases.models import Case, CaseStatus
from services.feedback.forms import QuestionnaireForm, VisitForm
from services.feedback.models import Answer, Source
from services.models import Department, ServicePage

FINISHED = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
# (per browser session, per address) counter answers in an hour.
VISITS_PER_SESSION = getattr(settings, "FEEDBACK_VISITS_PER_SESSION", 10)
VISITS_PER_ADDRESS = getattr(settings, "FEEDBACK_VISITS_PER_ADDRESS", 300)


def answered(case):
    """Answered already: a questionnaire row, or a star rating given on the old form."""
    has = getattr(case, "has_feedback", None)
    if has is None:
        has = Answer.objects.filter(case=case).exists()
    return bool(has) or case.rating is not None


def may_answer(case):
    """The questionnaire is for a request that is done and is its own (not merged into another)."""
    return case.status in FINISHED and case.duplicate_of_id is None


def _lookup(raw):
    reference = references.normalize(raw)
    cases = Case.objects.select_related("site").annotate(
        has_feedback=Exists(Answer.objects.filter(case=OuterRef("pk")))
    )
    return cases.filter(reference=reference or "-").first()


def _neutral(request, status=200):
    return render(request, "feedback/neutral.html", status=status)


def _answered_page(request, case=None):
    return render(request, "feedback/already.html", {"case": case})


def save_case_answer(case, data):
    """The answer and the case's rating in one transaction; False if it was answered already
    (another tab, a double post): then nothing is written."""
    try:
        with transaction.atomic():
            Answer.objects.create(
                site_id=case.site_id,
                case=case,
                source=Source.CASE,
                department_id=case.department_id,
                service_id=case.service_id,
                service_title=case.service_title,
                **{name: data[name] for name in ("ease", "speed", "staff", "overall", "comment")},
            )
            workflow.rate(case, data["overall"], data["comment"])
    except (IntegrityError, workflow.WorkflowError):
        return False
    return True


@require_http_methods(["GET", "POST"])
def case_feedback(request, reference):
    if case_views.over_limit(request, "lookup", case_views.LOOKUP_LIMIT):
        return case_views.rate_limited(request)
    case = _lookup(reference)
    if case is None:
        return _neutral(request)
    if (moved := case_views.elsewhere(request, case)) is not None:
        return moved
    if not case_views.is_verified(request, case):
        # The tracking page asks for the link or a code; the questionnaire is shown there after.
        return HttpResponseRedirect(reverse("case_track", args=[case.reference]) + "#your-request")
    if not may_answer(case):
        return case_views.private(request, case, _neutral(request))
    if answered(case):
        return case_views.private(request, case, _answered_page(request, case))
    form = QuestionnaireForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            if not save_case_answer(case, form.cleaned_data):
                return case_views.private(request, case, _answered_page(request, case))
            return render(request, "feedback/thanks.html", {"case": case})
        status = 400
    response = render(
        request,
        "feedback/case_form.html",
        {"case": case, "form": form, "error_forms": [form] if form.errors else []},
        status=status,
    )
    return case_views.private(request, case, response)


def _choices(site):
    thai = (get_language() or "th").startswith("th")

    def name(row):
        return row.name if thai or not row.name_en else row.name_en

    departments = [(d.pk, name(d)) for d in Department.objects.filter(site=site).order_by("name")]
    services = []
    if site is not None:
        pages = (
            ServicePage.objects.live()
            .descendant_of(site.root_page, inclusive=False)
            .filter(locale__language_code=get_language() or "th")
            .only("pk", "title", "department_id")
            .order_by("title")
        )
        services = [(page.pk, page.title) for page in pages]
    return departments, services


def _over_visit_limit(request):
    if not request.session.session_key:
        request.session.save()
    return ratelimit.hit(
        "feedback-visit-session", request.session.session_key, VISITS_PER_SESSION, 3600
    ) or ratelimit.hit("feedback-visit-address", ratelimit.client_ip(request), VISITS_PER_ADDRESS, 3600)


@require_http_methods(["GET", "POST"])
def visit_feedback(request):
    """The counter's QR code: `?department=<code>` preselects the department the poster hangs in."""
    site = current_office(request)
    departments, services = _choices(site)
    initial = {}
    code = request.GET.get("department", "")
    if code and site is not None:
        initial["department"] = (
            Department.objects.filter(site=site, code=code[:40]).values_list("pk", flat=True).first()
        )
    form = VisitForm(request.POST or None, initial=initial, departments=departments, services=services)
    status = 200
    if request.method == "POST":
        if _over_visit_limit(request):
            return render(request, "feedback/rate_limited.html", status=429)
        if form.is_valid():
            data = form.cleaned_data
            service = ServicePage.objects.filter(pk=data["service"]).only("title").first() if data["service"] else None
            Answer.objects.create(
                site=site,
                source=Source.COUNTER,
                department_id=data["department"],
                service=service,
                service_title=service.title if service else "",
                **{name: data[name] for name in ("ease", "speed", "staff", "overall", "comment")},
            )
            return render(request, "feedback/thanks.html", {"visit": True})
        status = 400
    return render(
        request, "feedback/visit_form.html", {"form": form, "error_forms": [form] if form.errors else []}, status=status
    )
