"""Staff views of stages, approvals and missing documents (see services.cases.stages).

The case page's stage panel and its two actions (complete the current stage, record missing
documents) are called from `admin_views.detail`, which already scoped the case to the officer.
Approvers work from their own list ("Awaiting my approval"): an approver (the mayor, the clerk)
need not work any department's queue, so the list and the decision page are scoped by the
roles the person holds in each office, never by the case queue's departments.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from services.cases import stages, workflow
from services.cases.forms import DecisionForm, DeficiencyForm, StageMoveForm
from services.cases.models import CaseStage
from services.cases.sla import WorkingCalendar


def staff_context(case, forms):
    """What the case page's stage panel shows: None for a case without stages (one query)."""
    rows = list(case.stages.all())
    if not rows:
        return None
    records = list(case.deficiencies.all())
    calendar = WorkingCalendar(case.site)
    current = stages.current_stage(rows)
    can_record = case.is_open and case.status != "waiting"
    return {
        "stages": rows,
        "current": current,
        "records": records,
        "open_record": next((r for r in records if r.resolved_at is None), None),
        "elapsed": stages.elapsed_days(case, records, calendar),
        "published": stages.published_days(rows),
        "move_form": forms.get("stage") or StageMoveForm(initial={"version": case.version}, auto_id="id_stage_%s"),
        "deficiency_form": (
            forms.get("deficiency")
            or DeficiencyForm(
                initial={"version": case.version}, documents=stages.guide_documents(case), auto_id="id_def_%s"
            )
        )
        if can_record
        else None,
    }


def post_move(request, case):
    form = StageMoveForm(request.POST, auto_id="id_stage_%s")
    if not form.is_valid():
        return form
    try:
        stage = stages.move(case, request.user, expected_version=form.cleaned_data["version"])
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        form.add_error(None, str(error))
        return form
    if stage.status == "awaiting":
        messages.success(request, _("“%(stage)s” is sent for approval.") % {"stage": stage.name})
    else:
        messages.success(request, _("“%(stage)s” is done.") % {"stage": stage.name})
    return None


def post_deficiency(request, case):
    form = DeficiencyForm(request.POST, documents=stages.guide_documents(case), auto_id="id_def_%s")
    if not form.is_valid():
        return form
    try:
        stages.record_deficiencies(
            case, form.items(), form.cleaned_data["note"], request.user, expected_version=form.cleaned_data["version"]
        )
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        form.add_error(None, str(error))
        return form
    messages.success(
        request, _("The record of missing documents is sent to the resident; the case waits for their upload.")
    )
    return None


def approvals(request):
    """ "Awaiting my approval": the stages waiting for a role this person holds, oldest first."""
    waiting = list(stages.awaiting(request.user))
    return render(request, "services/cases/admin/approvals.html", {"waiting": waiting})


def decide(request, pk):
    """One stage's decision page: the case in short, its stages, and approve / send back.
    Only a holder of the stage's role in the case's office sees it (403 for anyone else)."""
    stage = get_object_or_404(
        CaseStage.objects.select_related("case__site", "case__department").prefetch_related(
            Prefetch("case__stages", queryset=CaseStage.objects.order_by("order"))
        ),
        pk=pk,
    )
    if not stages.holds(request.user, stage.case.site_id, stage.approval_role):
        raise PermissionDenied
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if stage.status != "awaiting":
            form.is_valid()
            form.add_error(None, _("This stage has already been decided."))
        elif form.is_valid():
            try:
                if form.cleaned_data["decision"] == "approve":
                    stages.approve(stage, request.user, form.cleaned_data["reason"])
                    messages.success(request, _("Approved: %(reference)s.") % {"reference": stage.case.reference})
                else:
                    stages.send_back(stage, request.user, form.cleaned_data["reason"])
                    messages.success(request, _("Sent back: %(reference)s.") % {"reference": stage.case.reference})
                return redirect("case_approvals")
            except stages.NotApprover as error:
                raise PermissionDenied from error
            except workflow.WorkflowError as error:
                form.add_error(None, str(error))
        status = 400
    context = {
        "stage": stage,
        "case": stage.case,
        "role": stages.role_title(stage.case.site_id, stage.approval_role),
        "form": form,
        "decided": stage.status != "awaiting",
    }
    return render(request, "services/cases/admin/decide.html", context, status=status)


def record_for(case, record_id):
    record = case.deficiencies.filter(pk=record_id).first()
    if record is None:
        raise Http404
    return record
