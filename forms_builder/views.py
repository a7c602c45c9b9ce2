"""The screens of a form page around the wizard (saved, resume, confirmation), which FormPage's
routes serve, and the sign-in for staff and volunteers who file forms for residents.

The URLs that reach a form page by id or printed code, not through the page tree, are in
forms_builder.links (they look the page up, and the page routes here).
"""

from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forms_builder.fields import MOBILE_RE, normalise_phone
from forms_builder.signals import draft_link_requested
from forms_builder.submissions import Draft, Submission
from portal import qr, ratelimit
from portal.typed_text import TypedTextField


def draft_expiry_days():
    return int(getattr(settings, "FORMS_BUILDER_DRAFT_DAYS", 30))


def live_drafts():
    return Draft.objects.filter(updated_at__gte=timezone.now() - timezone.timedelta(days=draft_expiry_days()))


def _wizard_prefix(page):
    return f"wizard_fb_{page.translation_key.hex[:16]}"


class DraftLinkForm(forms.Form):
    """Optional: send the resume link to the resident's email or mobile (the notifications room
    delivers it through the `draft_link_requested` signal)."""

    contact = TypedTextField(
        label=_("Email or mobile number"),
        help_text=_("We send the link to continue there. Optional."),
        max_length=254,
    )

    def clean_contact(self):
        value = self.cleaned_data["contact"]
        if "@" in value:
            try:
                validate_email(value)
            except forms.ValidationError:
                value = ""
            else:
                return value
        digits = normalise_phone(value)  # Thai and full-width digits, +66, spaces and dashes
        if MOBILE_RE.match(digits):
            return digits
        raise forms.ValidationError(
            _("Enter an email address or a Thai mobile number (10 digits starting 06, 08 or 09).")
        )


def _link_requests_exceeded(request, draft):
    """An SMS costs the office money: a few links per draft and per address an hour."""
    return ratelimit.hit("fb-link-draft", draft.pk, 3, 3600) or ratelimit.hit(
        "fb-link-ip", ratelimit.client_ip(request), 10, 3600
    )


def saved(request, page):
    """The resume link and short code, on screen; on request (POST) also sent by email or SMS:
    the `draft_link_requested` signal hands it to the notifications room (services.notify)."""
    draft = live_drafts().filter(pk=request.session.get("fb_saved"), form_page__translation_key=page.translation_key)
    draft = draft.first()
    if draft is None:
        return HttpResponseRedirect(page.get_url(request))
    resume_url = request.build_absolute_uri(page.subpage_url("resume", request, token=draft.token))
    link_form = DraftLinkForm()
    status = 200
    if request.method == "POST":
        link_form = DraftLinkForm(request.POST)
        if link_form.is_valid():
            if _link_requests_exceeded(request, draft):
                link_form.add_error("contact", _("Too many attempts. Please wait an hour and try again."))
            else:
                with transaction.atomic():
                    draft_link_requested.send(
                        sender=Draft,
                        draft=draft,
                        resume_url=resume_url,
                        contact=link_form.cleaned_data["contact"],
                        language=page.locale.language_code,
                    )
                return HttpResponseRedirect(page.subpage_url("saved", request) + "?sent=1")
        status = 400
    return TemplateResponse(
        request,
        "forms_builder/saved.html",
        {
            "page": page,
            "draft": draft,
            "resume_url": resume_url,
            "expires": draft.updated_at + timezone.timedelta(days=draft_expiry_days()),
            "link_form": link_form,
            "link_sent": request.method == "GET" and request.GET.get("sent") == "1",
        },
        status=status,
    )


def _resume(request, page, draft):
    request.session[_wizard_prefix(page)] = draft.data
    request.session["fb_saved"] = draft.pk
    return HttpResponseRedirect(page.get_url(request))


def resume_by_token(request, page, token):
    draft = live_drafts().filter(token=token, form_page__translation_key=page.translation_key).first()
    if draft is None:
        return TemplateResponse(request, "forms_builder/resume.html", {"page": page, "not_found": True}, status=404)
    return _resume(request, page, draft)


def resume_by_code(request, page):
    """The short code typed from a note or an SMS; rate-limited like a password."""
    code = (request.GET.get("code") or "").strip().upper().replace("-", "").replace(" ", "")[:12]
    context = {"page": page, "code": code}
    if code:
        if ratelimit.hit("fb-resume", ratelimit.client_ip(request), 30, 3600):
            context["too_many"] = True
            return TemplateResponse(request, "forms_builder/resume.html", context, status=429)
        draft = live_drafts().filter(code=code, form_page__translation_key=page.translation_key).first()
        if draft is not None:
            return _resume(request, page, draft)
        context["not_found"] = True
    return TemplateResponse(request, "forms_builder/resume.html", context, status=404 if code else 200)


def tracking_path(reference):
    """The public tracking page of a reference: its path is printed on receipts (the intake
    behind it is not this app's business, only where residents follow a request)."""
    return f"/t/{quote(reference, safe='')}"


def confirmation(request, page, reference):
    """Only the browser that sent the form sees its receipt (the reference is not a secret key).

    Anyone else (the same resident once the session ended, a bookmarked or shared receipt link)
    is sent to the public tracking page, which shows the request without personal data and asks
    for the second factor before more; a 404 there made a receipt look lost.
    """
    if reference not in request.session.get("fb_sent", []):
        return HttpResponseRedirect(tracking_path(reference))
    submission = get_object_or_404(Submission.objects.prefetch_related("files"), reference=reference)
    base = getattr(settings, "BASE_URL", "").rstrip("/") or request.build_absolute_uri("/").rstrip("/")
    # The intake's private link (it opens the resident's details) when it gave one; it lives in
    # this browser's session only, like the receipt itself.
    track_url = f"{base}{request.session.get('fb_receipt_links', {}).get(reference) or tracking_path(reference)}"
    response = TemplateResponse(
        request,
        "forms_builder/confirmation.html",
        {
            "page": page,
            "submission": submission,
            "track_url": track_url,
            "qr": qr.svg(track_url, border=2),
            "message": request.session.get("fb_receipt_message", ""),
            "answers": submission.display_answers(),
        },
    )
    response["Cache-Control"] = "private, no-store"  # the resident's answers and tracking link
    response["Referrer-Policy"] = "no-referrer"
    return response


class LoginView(auth_views.LoginView):
    """Sign-in for counter staff and volunteers who file forms for residents."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return f"/{get_language()}/"


class LogoutView(auth_views.LogoutView):
    def get_success_url(self):
        return f"/{get_language()}/"
