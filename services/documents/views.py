"""Issued documents, both sides.

Public (under /<lang>/v/, the short /v/<code> of the QR code redirected there by the language
middleware): a document's status page, which anyone holding the paper may read and which shows
no personal data beyond the holder's initials; the page where anyone drops a PDF to check it;
the download of a document by its verified resident.

Staff (in the admin, wired in wagtail_hooks.py): issue, revoke and re-issue from the case page,
and the download, for the officers who may act on the case (the case queue's scoping within
their offices, as payments does)."""

import hashlib
import re

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal import ratelimit
from portal.offices import current_office, scope
from services.cases.models import Case
from services.cases.views import is_verified, rate_limited, stream_private
from services.documents import issuing
from services.documents.forms import MAX_VERIFY_BYTES, IssueForm, ReasonForm, VerifyForm
from services.documents.models import IssuedDocument, OfficialLetter, SigningSettings
from services.documents.panels import staff_panel
from services.documents.signing import check_signatures

CODE_RE = re.compile(r"[A-Za-z0-9_\-]{16,64}")
# (requests, seconds) per address: reading a status page is cheap, checking a PDF is not.
STATUS_LIMIT = (120, 600)
VERIFY_LIMIT = (20, 600)
# Only what the status page shows: the row alone, no join (the page answers in one query).
STATUS_FIELDS = (
    "code",
    "kind",
    "title",
    "year",
    "number",
    "number_prefix",
    "draft",
    "issued_at",
    "valid_until",
    "holder_initials",
    "sha256",
    "status",
    "status_changed_at",
    "site_id",
    "case_id",
)


def _document(request, code):
    """The document of `code` issued by the office whose host this is, or 404: a malformed,
    unknown or other office's code all look alike."""
    if not CODE_RE.fullmatch(code or ""):
        raise Http404
    document = IssuedDocument.objects.filter(code=code, site_id=current_office(request).pk).only(*STATUS_FIELDS).first()
    if document is None:
        raise Http404
    return document


@never_cache
def status(request, code):
    """/<lang>/v/<code>: what the document is and whether it still stands. Never kept by the
    anonymous page cache (portal/pagecache.py) or a browser: a revocation shows at once."""
    if ratelimit.hit("document-status", ratelimit.client_ip(request), *STATUS_LIMIT):
        return rate_limited(request)
    document = _document(request, code)
    response = render(request, "services/documents/status.html", {"document": document})
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def verify(request):
    """/<lang>/v/: anyone uploads a PDF; the portal hashes it and, when no issued document has
    that hash, looks for a signature by this office that still validates. Nothing is kept."""
    form = VerifyForm()
    result = None
    status_code = 200
    if request.method == "POST":
        if ratelimit.hit("document-verify", ratelimit.client_ip(request), *VERIFY_LIMIT):
            return rate_limited(request)
        form = VerifyForm(request.POST, request.FILES)
        if _content_length(request) > MAX_VERIFY_BYTES + 64 * 1024:
            form = VerifyForm()
            form.add_error("file", _("This file is larger than 10 MB: an issued document is much smaller."))
        if form.is_valid():
            result = _check(request, form.cleaned_data["file"].read())
        else:
            status_code = 400
    context = {"form": form, "result": result, "error_forms": [form] if form.errors else []}
    return render(request, "services/documents/verify.html", context, status=status_code)


def _content_length(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _check(request, data):
    office = current_office(request)
    digest = hashlib.sha256(data).hexdigest()
    document = IssuedDocument.objects.filter(sha256=digest, site=office).only(*STATUS_FIELDS).first()
    if document is not None:
        return {"outcome": "match", "document": document, "sha256": digest}
    pem = SigningSettings.for_site(office).certificate_pem
    return {"outcome": check_signatures(data, pem), "sha256": digest}


def resident_download(request, code):
    """The resident's copy, for the requester who proved the case is theirs (the tracking page's
    verification); anyone else is sent to that page's check first."""
    document = _document(request, code)
    if document.draft or OfficialLetter.objects.filter(document_id=document.pk).exists():
        raise Http404  # a letter goes to its addressee, not through the tracking page
    case = Case.objects.only("pk", "reference").get(pk=document.case_id)
    if not is_verified(request, case):
        return HttpResponseRedirect(reverse("case_track", args=[case.reference]) + "#your-request", status=303)
    full = IssuedDocument.objects.get(pk=document.pk)
    return stream_private(full.file, full.download_name, "application/pdf")


# Staff ---------------------------------------------------------------------------------------


def visible_cases(user):
    """Cases this user may act on: the case queue's scoping, within their offices."""
    return scope(Case.objects.visible_to(user), user)


def _staff_case(request, pk):
    return get_object_or_404(visible_cases(request.user).select_related("site", "submission"), pk=pk)


def _case_page(case):
    return redirect(reverse("case_detail", args=[case.pk]) + "#documents")


@require_http_methods(["GET", "POST"])
def staff_action(request, pk):
    """Issue, revoke or re-issue on a case; the outcome comes back as a message on the case page.
    GET shows the case's documents alone (the same panel as on the case page), for a link or a
    bookmark to the documents of one case."""
    case = _staff_case(request, pk)
    if request.method == "GET":
        panel = staff_panel(case, request)
        return render(request, "services/documents/admin_case_documents.html", {"case": case, "panel": panel})
    action = request.POST.get("action")
    try:
        if action == "issue":
            form = IssueForm(request.POST, templates=issuing.templates_for(case))
            if not form.is_valid():
                messages.error(request, _("Choose a document to issue."))
                return _case_page(case)
            document = issuing.issue(
                case, form.cleaned_data["template"], request.user, draft=form.cleaned_data["draft"]
            )
            messages.success(request, _issued_message(document))
        elif action in ("revoke", "reissue"):
            document = _case_document(case, request.POST.get("document"))
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the reason, without control characters."))
                return _case_page(case)
            if action == "revoke":
                issuing.revoke(document, request.user, form.cleaned_data["reason"])
                messages.success(request, _("The document is revoked; its verification page says so."))
            else:
                new = issuing.reissue(document, request.user, form.cleaned_data["reason"])
                messages.success(request, _issued_message(new))
        else:
            raise Http404
    except issuing.IssueError as error:
        messages.error(request, str(error))
    return _case_page(case)


def _issued_message(document):
    if document.draft:
        return _("Draft issued. It is not signed and not valid.")
    return _("Issued no. %(number)s, signed.") % {"number": document.number_display}


def _case_document(case, raw):
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
        raise Http404  # a tampered hidden field finds nothing rather than raising
    return get_object_or_404(IssuedDocument.objects.select_related("template", "case"), pk=int(raw), case=case)


def staff_download(request, pk):
    """An issued document's PDF, for staff who may see its case."""
    document = get_object_or_404(IssuedDocument, pk=pk, case__in=visible_cases(request.user).values("pk"))
    return stream_private(document.file, document.download_name, "application/pdf")
