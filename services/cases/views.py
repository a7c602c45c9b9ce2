"""The resident's side of the case queue: /t/<REFERENCE> and /<lang>/track/.

Anyone holding the reference sees what the receipt promises — service, status, public timeline,
expected date, replies the officer marked public — and no personal data. Their own answers and
files, the office's other replies, replying, reopening and rating open only with the tracking
link (`/t/<REFERENCE>/<secret>`, on the receipt, its QR code and the first message) or a
one-time code sent to the phone or e-mail on the form (see `services.cases.access`), and stay
open in the session for that case only. The last four phone digits no longer open anything:
from many addresses, four digits are guessed in minutes.

Lookups are rate-limited per IP address in the cache, and an unknown or malformed reference
gets the same neutral page after the same single indexed query as a known one, so neither
timing nor wording tells a guesser anything. Codes are also limited per case, whatever the
address (`access.record_failure`). Pages with personal data are sent `Cache-Control: private,
no-store`, so no shared computer's browser or proxy keeps a copy.
"""

import functools
import io
import logging
import mimetypes
import time
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forms_builder.models import Submission, SubmissionFile
from portal import line_login, ratelimit
from portal.offices import current_office
from services.cases import access, deficiency_pdf, panels, references, stages, workflow
from services.cases import photos as case_photos
from services.cases.forms import (
    CodeRequestForm,
    FixAnswerForm,
    MissingDocumentsForm,
    ReopenForm,
    ResidentReplyForm,
    TrackForm,
    VerifyForm,
)
from services.cases.models import Case, CaseAccess, CaseEvent, CaseStage, CaseStatus
from services.cases.sla import WorkingCalendar
from services.cases.volunteers import masked_name

SESSION_KEY = "verified_cases"
# {"case": id, "at": Unix time}: the resident chose "Get updates in LINE" for that case; the LINE
# sign-in that follows (and only one after it) links the case.
LINE_LINK_KEY = "case_line_link"
LINE_LINK_SECONDS = 900
logger = logging.getLogger(__name__)
# {case id: masked address} of the last code sent, for "we sent a code to 08x-xxx-5678".
CODE_SENT_KEY = "case_code_sent"
PRIVATE = "private, no-store"
# (requests, seconds) per IP address.
LOOKUP_LIMIT = getattr(settings, "CASE_TRACK_RATE", (60, 600))
VERIFY_LIMIT = getattr(settings, "CASE_VERIFY_RATE", (10, 900))
# Code requests per address and case, on top of the per-case throttle in services.cases.access.
CODE_REQUEST_LIMIT = getattr(settings, "CASE_CODE_REQUEST_RATE", (10, 3600))
# (requests, seconds) per signed-in account: a volunteer following up fifty residents' requests
# from the village hall's one address must not be stopped, and an account (created by the
# office, never by a visitor) is a better handle on abuse than an address many people share.
SIGNED_IN_LOOKUP_LIMIT = getattr(settings, "CASE_TRACK_SIGNED_IN_RATE", (1000, 600))


def over_limit(request, bucket, limit):
    count, seconds = limit
    ident = ratelimit.client_ip(request)
    user = getattr(request, "user", None)
    if bucket == "lookup" and user is not None and user.is_authenticated:
        count, seconds = SIGNED_IN_LOOKUP_LIMIT
        ident = f"user:{user.pk}"
    return ratelimit.hit(f"case-{bucket}", ident, count, seconds)


def rate_limited(request):
    return render(request, "services/cases/rate_limited.html", status=429)


def neutral(request, typed=""):
    """The one answer for every reference we cannot show: malformed, mistyped or unknown.

    Status 200, not 404: outside the language prefix, Django's LocaleMiddleware would turn a 404
    into a redirect to /th/t/…, which would make unknown references look different.
    """
    form = TrackForm(initial={"ref": typed[:40]})
    response = render(request, "services/cases/track_form.html", {"form": form, "not_found": True})
    response["X-Robots-Tag"] = "noindex"
    return response


def _lookup(raw):
    """One indexed query whatever the input, so a malformed reference costs what a known one does.

    Other rooms annotate it through the `case_tracking_lookup` hook (payments adds whether the
    case has any invoice, so the page of the many cases without a fee asks for none). The
    submission (the resident's answers and contact details, a large JSON document) is not
    joined: the public page never shows it, and a verified resident's page loads it when needed.
    The case's CaseAccess row (pause, link) comes in the same query.
    """
    reference = references.normalize(raw)
    return _lookup_queryset().filter(reference=reference or "-").first()


@functools.cache
def _lookup_queryset():
    """The lookup, joined and annotated once per process (the hooks are registered at start-up):
    building it afresh, with every room's subqueries, was a tenth of a tracking page's CPU time.
    Each request filters a copy; this one is never evaluated."""
    # A merged case's page links the report it was merged into: its reference, in the same query.
    cases = Case.objects.select_related("site", "access").annotate(
        merged_into=F("duplicate_of__reference"),
        # A case following its service's steps shows them; the many without cost no query.
        has_stages=Exists(CaseStage.objects.filter(case=OuterRef("pk"))),
    )
    return panels.tracking_lookup(cases)


def track_form(request):
    """/<lang>/track/: type a reference (the home page's box submits here)."""
    raw = request.GET.get("ref")
    if raw is None:
        return render(request, "services/cases/track_form.html", {"form": TrackForm()})
    form = TrackForm(request.GET)
    if not form.is_valid():
        return render(request, "services/cases/track_form.html", {"form": form, "error_forms": [form]}, status=400)
    reference = references.normalize(form.cleaned_data["ref"])
    if reference is None:
        if over_limit(request, "lookup", LOOKUP_LIMIT):
            return rate_limited(request)
        _lookup(form.cleaned_data["ref"])
        return neutral(request, form.cleaned_data["ref"])
    return HttpResponseRedirect(reverse("case_track", args=[reference]))


def is_verified(request, case):
    return case.pk in request.session.get(SESSION_KEY, [])


def mark_verified(request, case):
    """Remember in this session that the visitor proved the case is theirs. A new session key
    first, so a session id planted before cannot ride on the proof."""
    request.session.cycle_key()
    verified = [pk for pk in request.session.get(SESSION_KEY, []) if pk != case.pk]
    request.session[SESSION_KEY] = [*verified, case.pk][-20:]


def access_of(case):
    """The case's CaseAccess row loaded with it by `_lookup`, or None (no link or code yet)."""
    try:
        return case.access
    except CaseAccess.DoesNotExist:
        return None


def private(request, case, response):
    """Personal data is never kept by a browser's or a proxy's cache."""
    if is_verified(request, case):
        response["Cache-Control"] = PRIVATE
    return response


def _context(request, case, **forms):
    verified = is_verified(request, case)
    # The (case, public, created_at) index serves both, in timeline order.
    events = list(case.events.for_resident() if verified else case.events.public())
    if getattr(case, "merged_into", None):
        # C merged into B, then B into A: C's resident is sent to A, the report being worked on.
        case.merged_into = workflow.followed_report(case) or case.merged_into
    context = {
        "case": case,
        "events": events,
        "verified": verified,
        "is_finished": case.status in (CaseStatus.RESOLVED, CaseStatus.REJECTED, CaseStatus.CLOSED),
    }
    context["line_login"] = line_login.enabled()
    if getattr(case, "has_stages", False):
        context.update(_stage_context(case, verified, forms.get("missing_form")))
    if verified:
        context.update(
            {
                "line_linked": bool(case.submission.line_user_id),
                "answers": case.submission.display_answers(),
                "files": list(case.submission.files.all()),
                "location": case.location_text,
                "reply_form": (forms.get("reply_form") or ResidentReplyForm()) if case.takes_replies else None,
                "reopen_form": (forms.get("reopen_form") or ReopenForm()) if workflow.can_reopen(case) else None,
                "reopen_deadline": workflow.reopen_deadline(case),
                # Asked once per resolution; a refused second answer shows its message in the form.
                "fix_form": forms.get("fix_form") or (FixAnswerForm() if case.asks_if_fixed() else None),
            }
        )
    else:
        row = access_of(case)
        context.update(
            {
                "verify_form": forms.get("verify_form") or VerifyForm(),
                "code_form": forms.get("code_form") or CodeRequestForm(),
                "code_sent_to": request.session.get(CODE_SENT_KEY, {}).get(str(case.pk), ""),
                "paused_message": access.paused_message(row) if row is not None and row.is_paused() else "",
                "link_refused": request.GET.get("link") == "old",
            }
        )
    if request.user.is_authenticated:
        context["filed_for"] = _filed_for(request.user, case)
    errors = [f for f in forms.values() if f is not None and f.errors]
    context["error_forms"] = errors
    return context


def _stage_context(case, verified, missing_form=None):
    """Every stage (done with its date, current with its expected date, to come), the time
    used against the published time, and an open record of missing documents: two queries."""
    rows = list(case.stages.all())
    records = list(case.deficiencies.all())
    open_record = next((r for r in reversed(records) if r.resolved_at is None), None)
    calendar = WorkingCalendar(case.site)
    context = {
        "stages": rows,
        "stages_elapsed": stages.elapsed_days(case, records, calendar),
        "stages_published": stages.published_days(rows),
        "open_record": open_record,
    }
    if verified and open_record is not None and case.is_open:
        context["missing_form"] = missing_form or MissingDocumentsForm()
    return context


def _filed_for(user, case):
    """The resident's name for a signed-in volunteer or officer: in full to whoever filed the
    request for them, masked for any other account, and never for an anonymous visitor (the
    reference alone is not a key to personal data). One small query, for signed-in users only."""
    filed = Submission.objects.filter(pk=case.submission_id).values("filed_by_id", "contact_name").first()
    if not filed or not filed["contact_name"]:
        return ""
    return filed["contact_name"] if filed["filed_by_id"] == user.pk else masked_name(filed["contact_name"])


def _tracking_url(case, anchor=""):
    return reverse("case_track", args=[case.reference]) + anchor


def elsewhere(request, case, path=None):
    """A redirect to the same address on the case's own office's host when the reference was
    typed on another office's site (a resident on the wrong office's page, an old bookmark), so
    a case is never shown under another office's name and logo; else None."""
    here = current_office(request)
    if here is None or here.pk == case.site_id:
        return None
    return HttpResponseRedirect(case.site.root_url.rstrip("/") + (path or request.get_full_path()))


@require_http_methods(["GET", "POST"])
def case_track(request, reference):
    """/t/<REFERENCE>: the public tracking page; POST checks the one-time code."""
    if over_limit(request, "lookup", LOOKUP_LIMIT):
        return rate_limited(request)
    case = _lookup(reference)
    if case is None:
        return neutral(request, reference)
    if (moved := elsewhere(request, case)) is not None:
        return moved
    if case.reference != reference:
        return HttpResponseRedirect(_tracking_url(case))
    verify_form, status = None, 200
    if request.method == "POST":
        if over_limit(request, f"verify:{case.pk}", VERIFY_LIMIT):
            return rate_limited(request)
        verify_form = VerifyForm(request.POST)
        status = 400
        if verify_form.is_valid():
            outcome = access.check_code(case, verify_form.cleaned_data["code"])
            if outcome.ok:
                mark_verified(request, case)
                return private(request, case, HttpResponseRedirect(_tracking_url(case, "#your-request")))
            verify_form.add_error("code", outcome.message)
            status = 429 if outcome.paused else 400
    response = render(request, "services/cases/track.html", _context(request, case, verify_form=verify_form))
    response.status_code = status
    return private(request, case, response)


@require_GET
def case_link(request, reference, token):
    """/t/<REFERENCE>/<secret>: the tracking link from the receipt, its QR code or the first
    message. Marks the case verified in this session, then redirects to /t/<REFERENCE>, so
    the secret does not stay in the address bar, the history or a Referer header.

    A wrong or replaced link is not counted against the case (128 random bits cannot be
    guessed; counting would let anyone pause a resident's case) but is rate-limited per address
    like every lookup.
    """
    if over_limit(request, "lookup", LOOKUP_LIMIT):
        return rate_limited(request)
    case = _lookup(reference)
    if case is None:
        response = neutral(request, reference)
    elif (moved := elsewhere(request, case)) is not None:
        response = moved  # the link is checked on the office's own host, in its session
    elif access.check_link(case, token):
        mark_verified(request, case)
        response = HttpResponseRedirect(_tracking_url(case, "#your-request"))
    else:
        response = HttpResponseRedirect(_tracking_url(case, "?link=old#your-request"))
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = PRIVATE
    return response


@require_POST
def case_code(request, reference):
    """/t/<REFERENCE>/code: send the resident a one-time code by SMS or e-mail."""
    if over_limit(request, "lookup", LOOKUP_LIMIT):
        return rate_limited(request)
    case = _lookup(reference)
    if case is None:
        return neutral(request, reference)
    if (moved := elsewhere(request, case, _tracking_url(case))) is not None:
        return moved  # codes are asked for on the office's own page
    if over_limit(request, f"code:{case.pk}", CODE_REQUEST_LIMIT):
        return rate_limited(request)
    form = CodeRequestForm(request.POST)
    status = 400
    if form.is_valid():
        outcome = access.request_code(case, form.cleaned_data["via"], (get_language() or "th")[:2])
        if outcome.ok:
            sent = dict(list(request.session.get(CODE_SENT_KEY, {}).items())[-9:])
            request.session[CODE_SENT_KEY] = {**sent, str(case.pk): outcome.sent_to}
            return HttpResponseRedirect(_tracking_url(case, "#your-request"))
        form.add_error("via", outcome.message)
        status = 429 if outcome.paused else 400
    response = render(request, "services/cases/track.html", _context(request, case, code_form=form))
    response.status_code = status
    return private(request, case, response)


def _verified_case(request, reference):
    """403 rather than 404: outside the language prefix a 404 is redirected by LocaleMiddleware."""
    case = _lookup(reference)
    if case is None or not is_verified(request, case) or elsewhere(request, case) is not None:
        raise PermissionDenied
    return case


@require_http_methods(["POST"])
def case_action(request, reference, action):
    """Reply, reopen or answer "Is it fixed?", for a verified resident. Errors come back on the
    same page. (Rating is the satisfaction questionnaire's: services/feedback.)"""
    if over_limit(request, "lookup", LOOKUP_LIMIT):
        return rate_limited(request)
    case = _verified_case(request, reference)
    form_class = {"reply": ResidentReplyForm, "reopen": ReopenForm, "fixed": FixAnswerForm}.get(action)
    if form_class is None:
        raise Http404
    if action == "reply":
        files = request.FILES  # parses the upload first: the capped handler notes what it skipped
        too_big = [name for field, name in getattr(request, "_fb_oversize", []) if field == "files__upload"]
        form = form_class(request.POST, files, too_big=too_big)
    else:
        form = form_class(request.POST)
    if form.is_valid():
        try:
            if action == "reply" and case.takes_replies:
                with transaction.atomic():
                    workflow.resident_reply(case, form.cleaned_data["message"])
                    _keep_reply_files(case, form.cleaned_data["files__upload"])
            elif action == "reopen":
                workflow.reopen(case, form.cleaned_data["reason"])
            elif action == "fixed" and form.cleaned_data["answer"] == "yes":
                workflow.confirm_fix(case)
            elif action == "fixed":
                workflow.dispute_fix(case, form.cleaned_data["comment"])
            else:
                raise workflow.WorkflowError(_("This request is finished: you can no longer reply to it."))
        except workflow.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            if action == "fixed":
                action = "fixed" if form.cleaned_data["answer"] == "yes" else "not-fixed"
            return HttpResponseRedirect(reverse("case_track", args=[case.reference]) + f"?done={action}#your-request")
    case.refresh_from_db()
    forms = {{"reply": "reply_form", "reopen": "reopen_form", "fixed": "fix_form"}[action]: form}
    response = render(request, "services/cases/track.html", _context(request, case, **forms), status=400)
    return private(request, case, response)


def _line_case(request, reference, *, needs_login=True):
    """(case, None) for a verified resident's own case, else (None, the response to give):
    the neutral page, the office's own host, or the tracking page asking them to verify first."""
    if over_limit(request, "lookup", LOOKUP_LIMIT):
        return None, rate_limited(request)
    case = _lookup(reference)
    if case is None:
        return None, neutral(request, reference)
    # Another office's case goes to its own host first, whatever this office has set up.
    if (moved := elsewhere(request, case, _tracking_url(case))) is not None:
        return None, moved
    if needs_login and not line_login.enabled():
        return None, neutral(request, reference)
    if not is_verified(request, case):
        return None, HttpResponseRedirect(_tracking_url(case, "?line=verify#line-updates"))
    return case, None


@require_GET
def case_line(request, reference):
    """/t/<REFERENCE>/line: "Get updates in LINE". Only for the requester, proven as the private
    details require (tracking link or one-time code): knowing a reference must not let anyone
    send a stranger's updates to their own LINE. Always through a fresh LINE sign-in (a LINE user
    left in a shared computer's session is not silently reused), which comes back to
    `case_line_done`. A link, not a form: LINE's page is another site, and the CSP's form-action
    would stop a form's redirect chain there."""
    case, response = _line_case(request, reference)
    if case is None:
        return response
    request.session[LINE_LINK_KEY] = {"case": case.pk, "at": time.time()}
    response = HttpResponseRedirect(line_login.login_url(reverse("case_line_done", args=[case.reference])))
    response["Cache-Control"] = PRIVATE
    return response


@require_GET
def case_line_done(request, reference):
    """Back from LINE: link the case to the LINE user LINE verified, when this session chose to
    for this case and signed in with LINE after choosing."""
    case, response = _line_case(request, reference)
    if case is None:
        return response
    chosen = request.session.pop(LINE_LINK_KEY, None) or {}
    line_user = line_login.verified_line_user(request)
    if (
        line_user is None
        or chosen.get("case") != case.pk
        or line_user["at"] < chosen.get("at", 0)
        or time.time() - chosen.get("at", 0) > LINE_LINK_SECONDS
    ):
        return HttpResponseRedirect(_tracking_url(case, "?line=again#line-updates"))
    Submission.objects.filter(pk=case.submission_id).update(line_user_id=line_user["sub"])
    logger.info("case %s: updates linked to LINE by the verified resident", case.pk)
    return private(request, case, HttpResponseRedirect(_tracking_url(case, "?done=line#line-updates")))


@require_POST
def case_line_stop(request, reference):
    """/t/<REFERENCE>/line/stop: no more updates by LINE for this case (other channels go on).
    Works without LINE Login too: a case reported by LINE chat is linked without it."""
    case, response = _line_case(request, reference, needs_login=False)
    if case is None:
        return response
    Submission.objects.filter(pk=case.submission_id).update(line_user_id="")
    logger.info("case %s: LINE updates stopped by the verified resident", case.pk)
    return private(request, case, HttpResponseRedirect(_tracking_url(case, "?done=line-stop#line-updates")))


def _keep_reply_files(case, files):
    """Store a reply's checked files with the resident's other files (private storage), keyed
    to the reply so the officer's timeline shows them under it. They are the resident's own
    files of this request, so they follow its retention and erasure like the form's uploads."""
    if not files:
        return
    event = case.events.filter(kind=CaseEvent.Kind.RESIDENT_REPLY).order_by("-created_at", "-pk").first()
    for clean in files:
        stored = SubmissionFile(
            submission_id=case.submission_id,
            field_key=f"reply:{event.pk}",
            original_name=clean.name[:255],
            content_type=clean.content_type,
            size=len(clean.data),
        )
        stored.file.save(f"{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.data), save=False)
        stored.save()


def stream_private(file_field, download_name, content_type=""):
    handle = file_field.open("rb")
    content_type = content_type or mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=download_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def case_file(request, reference, file_id):
    """A file the verified resident attached to their own request."""
    case = _verified_case(request, reference)
    upload = case.submission.files.filter(pk=file_id).first()
    if upload is None:
        raise Http404
    return stream_private(upload.file, upload.original_name, upload.content_type)


def case_photo(request, reference):
    case = _verified_case(request, reference)
    if not case.after_photo:
        raise Http404
    return case_photos.serve_inline(case.after_photo, f"{case.reference}-after")  # metadata stripped, inline


@require_POST
def case_missing_documents(request, reference):
    """/t/<REFERENCE>/missing: the verified resident uploads the documents the record of missing
    documents asked for. A refused file is named next to the field, and nothing is kept."""
    if over_limit(request, "lookup", LOOKUP_LIMIT):
        return rate_limited(request)
    case = _verified_case(request, reference)
    record = stages.open_record(case)
    files = request.FILES  # parses the upload first: the capped handler notes what it skipped
    too_big = [name for field, name in getattr(request, "_fb_oversize", []) if field == "files__upload"]
    form = MissingDocumentsForm(request.POST, files, too_big=too_big)
    if record is None or not case.is_open:
        form.is_valid()
        form.add_error(None, _("Nothing is waiting for documents on this request."))
    elif form.is_valid():
        try:
            stages.receive_documents(case, record, form.cleaned_data["files__upload"])
        except workflow.WorkflowError as error:
            form.add_error(None, str(error))
        else:
            return HttpResponseRedirect(_tracking_url(case, "?done=documents#stages"))
    case.refresh_from_db()
    response = render(request, "services/cases/track.html", _context(request, case, missing_form=form), status=400)
    return private(request, case, response)


@require_GET
def case_deficiency_record(request, reference, record_id):
    """The record of missing documents as a PDF, for the verified resident."""
    case = _verified_case(request, reference)
    record = case.deficiencies.filter(pk=record_id).first()
    if record is None:
        raise Http404
    response = FileResponse(
        io.BytesIO(deficiency_pdf.build(record)),
        as_attachment=False,
        filename=f"{case.reference}-record.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = PRIVATE
    return response
