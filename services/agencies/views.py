"""The agency's page: /<lang>/agency/<secret>/, opened from the link in its message, without an
account.

It shows what the agency needs to act and nothing of the resident: the reference, the service,
the officer's note, the place (with a map link), the photos of the place the resident sent
(photo-only questions of the form, as on the public map) and the public timeline. Never the
resident's name, phone, e-mail or other answers.

A secret that opens nothing gets Django's 404 page, the same as any unknown address under the
language prefix: no word on whether the case exists. Every request counts against the address's
limit of lookups, the tracking page's own limiter and limit (services.cases.views.over_limit),
so guessing costs what guessing a tracking link costs. The page and the photos are sent
`private, no-store` and `same-origin` referrers: the secret is in the address, and must not reach the map
site in a Referer header nor stay in a shared cache. (Not `no-referrer`: with it Chromium sends
`Origin: null` with the page's own forms, and Django's CSRF check refuses them.)
"""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from forms_builder.models import Submission, SubmissionFile
from services.agencies import referrals
from services.agencies.forms import DoneForm, ReferenceForm, UpdateForm
from services.agencies.notices import map_url
from services.cases import photos as case_photos
from services.cases import views as case_views
from services.cases import workflow

FORMS = {"update": UpdateForm, "reference": ReferenceForm, "done": DoneForm}


def _protect(response):
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _referral(request, token):
    """(referral, None), or (None, the 429 page); a secret that opens nothing is a 404."""
    if case_views.over_limit(request, "agency", case_views.LOOKUP_LIMIT):
        return None, _protect(case_views.rate_limited(request))
    referral = referrals.find(token)
    if referral is None:
        raise Http404
    return referral, None


def _photos(case):
    """The photos of the place, in the order they were sent: two small queries."""
    snapshot = Submission.objects.filter(pk=case.submission_id).values_list("form_snapshot", flat=True).first()
    keys = case_photos.photo_fields(snapshot)  # the public map's rule
    if not keys:
        return []
    files = SubmissionFile.objects.filter(
        submission_id=case.submission_id, field_key__in=keys, content_type__startswith="image/"
    )
    return list(files.order_by("id"))


def _context(referral, token, forms=None, refused=""):
    case = referral.case
    forms = forms or {}
    writable = referral.is_open
    context = {
        "referral": referral,
        "case": case,
        "token": token,
        "events": list(case.events.public()),
        "photos": _photos(case),
        "map_url": map_url(case),
        "writable": writable,
        "refused": refused,
        "error_forms": [form for form in forms.values() if form.errors],
    }
    if writable:
        context.update(
            {
                "update_form": forms.get("update") or UpdateForm(),
                "reference_form": forms.get("reference")
                or ReferenceForm(initial={"agency_reference": referral.agency_reference}),
                "done_form": forms.get("done") or DoneForm(initial={"agency_reference": referral.agency_reference}),
            }
        )
    return context


@require_http_methods(["GET", "POST"])
def agency_case(request, token):
    referral, refused = _referral(request, token)
    if referral is None:
        return refused
    if request.method == "GET":
        return _protect(render(request, "services/agencies/agency_case.html", _context(referral, token)))
    action = request.POST.get("action", "")
    form_class = FORMS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not referral.is_open:
        form.is_valid()
        context = _context(referral, token, refused=_("This case is no longer with your agency: nothing was saved."))
        return _protect(render(request, "services/agencies/agency_case.html", context, status=409))
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "update":
                referrals.post_update(referral, data["text"])
            elif action == "reference":
                referrals.set_reference(referral, data["agency_reference"])
            else:
                referrals.mark_done(referral, message=data["message"], reference=data["agency_reference"])
        except workflow.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            url = reverse("agency_case", args=[token]) + f"?saved={action}"
            return _protect(HttpResponseRedirect(url))
    referral.case.refresh_from_db()
    context = _context(referral, token, forms={action: form})
    return _protect(render(request, "services/agencies/agency_case.html", context, status=400))


@require_GET
def agency_photo(request, token, file_id):
    """A photo of the place, for the holder of the agency's link only; metadata stripped."""
    referral, refused = _referral(request, token)
    if referral is None:
        return refused
    photo = next((p for p in _photos(referral.case) if p.pk == file_id), None)
    if photo is None:
        raise Http404
    return _protect(case_photos.serve_inline(photo.file, f"{referral.case.reference}-{photo.pk}"))
