"""The case pages' document panels: the officer's documents of a case (issue, revoke, re-issue)
and the resident's issued documents on the tracking page. The case room offers the slots
(services/cases/panels.py); this room fills them from its wagtail_hooks.py."""

from django.db.models import Exists, OuterRef

from portal.offices import current_office
from services.cases.panels import CasePanel
from services.documents import issuing
from services.documents.forms import IssueForm, ReasonForm
from services.documents.models import IssuedDocument, SigningSettings

# After the fee panels (100): a document is usually issued once the fee is paid.
ORDER = 120


def annotate_lookup(queryset):
    """The tracking page's lookup also says whether the case has an issued (non-draft) document,
    so the page of the many cases without one asks for none."""
    return queryset.annotate(has_documents=Exists(resident_documents().filter(case=OuterRef("pk"))))


def resident_documents():
    """What a case's resident gets: its issued documents, not drafts, not the office's letters
    (correspondence between offices about a case is the staff's)."""
    return IssuedDocument.objects.filter(draft=False, letter__isnull=True)


def staff_panel(case, request):
    """The case's documents and letters, newest first, with issue / revoke / re-issue and
    "write an official letter"; nothing for a case whose service has no document or letter
    template and that has no document."""
    templates = issuing.templates_for(case)
    letter_templates = list(issuing.letter_templates_for(case).only("pk", "name"))
    documents = list(IssuedDocument.objects.filter(case=case).select_related("letter").order_by("-issued_at", "-id"))
    if not documents and not letter_templates and not templates.exists():
        return None
    context = {
        "documents": documents,
        "letter_templates": letter_templates,
        "issue_form": IssueForm(templates=templates, auto_id="id_document_%s"),
        "reason_form": ReasonForm(auto_id=False),
        "signing_ready": SigningSettings.for_site(case.site).configured,
    }
    return CasePanel("services/documents/admin_case_panel.html", context, order=ORDER)


def tracking_panel(case, request):
    """The documents issued on this case: their number and status for anyone holding the
    reference, the download for the verified requester only."""
    if not getattr(case, "has_documents", True):
        return None
    if case.site_id != current_office(request).pk:
        return None  # only on the case's own office's site, as the fee panel
    documents = list(resident_documents().filter(case=case).order_by("-issued_at", "-id"))
    if not documents:
        return None
    return CasePanel("services/documents/tracking_panel.html", {"documents": documents}, order=ORDER)
