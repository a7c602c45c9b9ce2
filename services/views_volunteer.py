"""/<lang>/accounts/my-cases/: the requests a volunteer (or counter officer) filed for residents.

Only what they filed themselves (`Submission.filed_by`), and only what they need to follow up
with the resident — form, date, reference and public status — not the answers: a volunteer's
phone is not a case file (issue 9: volunteers see only the cases they filed).
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from forms_builder.models import Submission


@login_required
def my_cases(request):
    submissions = (
        Submission.objects.filter(filed_by=request.user)
        .select_related("case")
        .only("form_title", "submitted_at", "reference", "case__status", "case__reference")
        .order_by("-submitted_at")
    )
    page = Paginator(submissions, 50).get_page(request.GET.get("p"))
    return render(request, "services/privacy/my_cases.html", {"page": page})
