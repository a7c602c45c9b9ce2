"""Following a report from its page or from "already reported here", and unfollowing from the
link in a message. Plain forms that work without JavaScript; bad input gets a page that says
what went wrong, never a 500.
"""

import logging

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from portal import ratelimit
from portal.typed_text import TypedTextField
from services.cases.models import Case
from services.places import following
from services.places.models import Follower, FollowOrigin
from services.places.public import REFERENCE_SHAPE

logger = logging.getLogger(__name__)


def follow_limits():
    """(per browser session, per internet address, per followed address) in an hour. A village's
    Wi-Fi or a carrier's NAT puts many people on one address, so that ceiling is high; what tells
    abuse apart is one browser following many reports, or one e-mail or phone being signed up to
    many reports (a way to flood someone's inbox)."""
    return settings.PLACES_FOLLOWS_PER_SESSION, settings.PLACES_FOLLOWS_PER_ADDRESS, settings.PLACES_FOLLOWS_PER_CONTACT


class FollowForm(forms.Form):
    """An e-mail address or a mobile number, and the resident's agreement to keep it for this."""

    contact = TypedTextField(
        label=_("E-mail or mobile number"),
        max_length=254,
        help_text=_(
            "We send each change of this report there, by e-mail or SMS. LINE will come later. "
            "Every message has a link to stop."
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the office keeps this e-mail or number only to tell me about this report, "
            "until I stop following it or the report's records are deleted."
        ),
        error_messages={"required": _("Tick the box to agree, or we cannot send you updates.")},
    )
    # "This is my problem too" on the already-reported screen: the follower counts as reporting it.
    reported = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # Where "No, it's a different problem" goes back to: the resident's form, answers kept.
    back = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def clean_contact(self):
        try:
            return following.normalise_address(self.cleaned_data["contact"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages[0]) from None


def safe_back(request, value):
    """A link back into this site (the resident's form), or ""."""
    value = (value or "").strip()
    if value.startswith("/") and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return ""


def followable(request, reference):
    """The public report of this office with this reference, or 404 (an unknown, private, merged
    or another office's report looks the same: not found)."""
    if not REFERENCE_SHAPE.fullmatch(reference or ""):
        raise Http404
    site = Site.find_for_request(request)
    case = (
        Case.objects.filter(reference=(reference or "").upper()[:20], site=site)
        .select_related("service", "area")
        .first()
    )
    if not following.can_follow(case, site):
        raise Http404
    return case


def too_many(request, address):
    per_session, per_address, per_contact = follow_limits()
    ip = ratelimit.client_ip(request)
    if not request.session.session_key:
        # A browser's first follow opens its session, so the per-browser count has something to
        # count against; a client that drops cookies still meets the per-address ceiling.
        request.session.save()
    return (
        ratelimit.hit("places-follow-session", request.session.session_key, per_session, 3600)
        or ratelimit.hit("places-follow-ip", ip, per_address, 3600)
        or ratelimit.hit("places-follow-contact", following.address_tag(address), per_contact, 3600)
    )


@require_http_methods(["GET", "POST"])
def follow_report(request, reference):
    """GET: the report and the follow form (also where the already-reported screen's form lands
    when something in it was wrong). POST: follow, and say so on the page."""
    case = followable(request, reference)
    back = safe_back(request, request.POST.get("back") or request.GET.get("back"))
    form = FollowForm(initial={"back": back, "reported": bool(request.GET.get("reported"))})
    status = 200
    if request.method == "POST":
        form = FollowForm(request.POST)
        if form.is_valid():
            channel, address = form.cleaned_data["contact"]
            if too_many(request, address):
                logger.warning("follow limit reached for report %s", case.pk)
                form.add_error(
                    "contact",
                    _("Many follow requests came from here in the last hour. Please wait an hour and try again."),
                )
                status = 429
            else:
                origin = FollowOrigin.ALREADY_REPORTED if form.cleaned_data["reported"] else FollowOrigin.REPORT_PAGE
                follower, created = following.follow(case, channel, address, get_language(), origin=origin)
                return TemplateResponse(
                    request,
                    "places/followed.html",
                    {
                        "case": case,
                        "follower": follower,
                        "created": created,
                        "back": back,
                        "report_url": following.report_path(case),
                        "reported_count": following.reported_count(case),
                    },
                )
        else:
            status = 400
    return TemplateResponse(
        request,
        "places/follow.html",
        {
            "case": case,
            "form": form,
            "back": back,
            "report_url": following.report_path(case),
            "reported_count": following.reported_count(case),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def unfollow(request, token):
    """The link in every message. GET asks to confirm with one button (mail scanners open links
    by themselves, and must not unfollow anyone); POST stops the messages. A forged or cut link
    is refused (400), an expired one says so (410)."""
    try:
        follower_id, case_id = following.read_token(token)
    except following.BadLink as bad:
        return TemplateResponse(
            request,
            "places/unfollow.html",
            {"state": "expired" if bad.expired else "forged"},
            status=410 if bad.expired else 400,
        )
    follower = Follower.objects.filter(pk=follower_id, case_id=case_id).select_related("case").first()
    if follower is None:
        return TemplateResponse(request, "places/unfollow.html", {"state": "gone"})
    case = follower.case
    if request.method == "POST":
        follower.delete()
        return TemplateResponse(request, "places/unfollow.html", {"state": "done", "case": case})
    return TemplateResponse(request, "places/unfollow.html", {"state": "confirm", "case": case, "follower": follower})
