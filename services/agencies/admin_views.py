"""The officer's side: refer a case to one of the office's agencies, or take it back.

The case is fetched the way the case page fetches it (`Case.objects.visible_to`: the officer's
departments, or every department of their offices with "view all cases"), so an officer who
cannot open a case cannot refer it either (404: the admin does not confirm it exists), and the
agencies offered are the case's own office's.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from services.agencies import referrals
from services.agencies.forms import ReferForm, TakeBackForm
from services.agencies.models import Referral
from services.cases import workflow
from services.cases.admin_views import can_use_queue
from services.cases.models import Case, CaseStatus

REFER_LABEL = gettext_lazy("Refer to an outside agency")
REFERRAL_LABEL = gettext_lazy("Outside agency: follow or take back")


def _case(request, pk):
    if not can_use_queue(request):
        raise PermissionDenied
    return get_object_or_404(Case.objects.visible_to(request.user).select_related("site", "department"), pk=pk)


def can_refer(case):
    return case.status in workflow.REFERABLE and case.duplicate_of_id is None


def case_actions(request, case):
    """For the case page's actions (services.cases.admin_views.CASE_ACTIONS_HOOK)."""
    url = reverse("agency_refer", args=[case.pk])
    if case.status == CaseStatus.REFERRED:
        return [(REFERRAL_LABEL, url)]
    if can_refer(case):
        return [(REFER_LABEL, url)]
    return []


def refer(request, pk):
    case = _case(request, pk)
    current = None
    if case.status == CaseStatus.REFERRED:
        current = Referral.objects.open().filter(case=case).select_related("agency", "referred_by").first()
    refer_form = take_back_form = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "take_back" and current is not None:
            take_back_form = TakeBackForm(request.POST)
            if take_back_form.is_valid():
                try:
                    referrals.take_back(current, request.user, expected_version=take_back_form.cleaned_data["version"])
                except workflow.WorkflowError as error:
                    take_back_form.add_error(None, str(error))
                else:
                    messages.success(request, _("The case is back with your department."))
                    return redirect("case_detail", pk=case.pk)
        elif action == "refer" and current is None:
            refer_form = ReferForm(request.POST, site=case.site)
            if refer_form.is_valid():
                data = refer_form.cleaned_data
                try:
                    referral, _token = referrals.refer(
                        case, request.user, data["agency"], note=data["note"], expected_version=data["version"]
                    )
                except workflow.WorkflowError as error:
                    refer_form.add_error(None, str(error))
                else:
                    messages.success(
                        request,
                        _("Passed to %(agency)s. The agency has been sent its link; the resident sees the referral.")
                        % {"agency": referral.agency_name},
                    )
                    return redirect("case_detail", pk=case.pk)
        else:
            messages.error(request, _("The case changed while you were looking at it. Check it and try again."))
            return redirect("agency_refer", pk=case.pk)
        status = 400
        case.refresh_from_db()
    context = {
        "case": case,
        "current": current,
        "can_refer": current is None and can_refer(case),
        "refer_form": refer_form or ReferForm(initial={"version": case.version}, site=case.site),
        "take_back_form": take_back_form or TakeBackForm(initial={"version": case.version}),
        "past": list(Referral.objects.filter(case=case).exclude(pk=getattr(current, "pk", None))),
    }
    return render(request, "services/agencies/admin/refer.html", context, status=status)
