"""Issuing, revoking and re-issuing documents: the only code that writes IssuedDocument rows.

Issuing takes the number, renders, signs and stores in one transaction, so a failure (the
certificate, the disk) rolls the register back: no number is skipped or used twice. The
register row is locked for that time; issues of one office's kind and year queue behind each
other (a second or so each), which an office issuing a few documents a day never notices.

Each step writes a line on the case's timeline (an internal note until the case room has a kind
of its own for documents), with who and why."""

import datetime
import hashlib
import logging
import secrets

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from services.cases import workflow
from services.documents import render, signing
from services.documents.models import (
    DocumentRegister,
    DocumentStatus,
    DocumentTemplate,
    IssuedDocument,
    SigningSettings,
)
from services.pdf_fonts import office_for

logger = logging.getLogger(__name__)

CODE_BYTES = 18  # secrets.token_urlsafe(18): 24 characters, 144 random bits


class IssueError(Exception):
    """Issuing or changing a document was refused; the message says what to do."""


def buddhist_year(when):
    return timezone.localtime(when).year + 543


def next_number(site, kind, year):
    """The register's next number. Call inside a transaction: the row stays locked until it ends.

    The row is created on first use in its own savepoint; when two issues create it at once, the
    unique constraint refuses the second, which then locks the row the first made."""
    if not DocumentRegister.objects.filter(site=site, kind=kind, year=year).exists():
        try:
            with transaction.atomic():
                DocumentRegister.objects.create(site=site, kind=kind, year=year)
        except IntegrityError:
            pass  # made by a concurrent issue meanwhile: lock that one
    register = DocumentRegister.objects.select_for_update().get(site=site, kind=kind, year=year)
    register.last_number += 1
    register.save(update_fields=["last_number"])
    return register.last_number


def templates_for(case):
    """The document templates an officer may issue on `case`: its office's, for its service."""
    if case.service_id is None:
        return DocumentTemplate.objects.none()
    return DocumentTemplate.objects.filter(site_id=case.site_id, service_id=case.service_id).order_by("title")


def _signer(site, draft):
    """The office's signer, or None for a draft; IssueError saying what to do when it has none."""
    if draft:
        return None
    settings = SigningSettings.for_site(site)
    if not settings.configured:
        raise IssueError(
            _(
                "This office has no signing certificate yet, so the document cannot be signed. An administrator "
                "uploads the office's certificate (PKCS#12) in Settings, Document signing (see the README, "
                "Issued documents). Meanwhile you can issue a draft, which is not valid."
            )
        )
    try:
        with settings.pkcs12.open("rb") as handle:
            data = handle.read()
        return signing.signer_for(data, settings.passphrase)
    except (OSError, ValueError, signing.SigningError) as error:
        logger.warning("Office %s: the signing certificate cannot be loaded", site.pk, exc_info=True)
        raise IssueError(
            _("The office's signing certificate could not be loaded. An administrator checks it in Settings.")
        ) from error


def issue(case, template, user=None, *, draft=False, supersedes=None, reason=""):
    """Render, number, sign and store a document of `template` on `case`; returns it."""
    if template is None or template.site_id != case.site_id:
        raise IssueError(_("Choose a document template of this office."))
    if template.service_id is not None and template.service_id != case.service_id:
        raise IssueError(_("This template belongs to another service."))
    signer = _signer(case.site, draft)
    office = office_for(case.site)
    now = timezone.now()
    with transaction.atomic():
        year = buddhist_year(now)
        number = None if draft else next_number(case.site, template.kind, year)
        document = IssuedDocument(
            case=case,
            site=case.site,
            template=template,
            kind=template.kind,
            title=template.title,
            year=year,
            number=number,
            code=secrets.token_urlsafe(CODE_BYTES),
            draft=draft,
            issued_at=now,
            issued_by=user,
            valid_until=timezone.localdate(now) + datetime.timedelta(days=template.validity_days)
            if template.validity_days
            else None,
            holder_initials=render.initials(case.submission.contact_name),
        )
        data = render.build_pdf(document, case, template)
        if signer is not None:
            data = signing.sign(
                data,
                signer,
                reason=f"{template.title} {document.number_display}",
                location=office.name if office else "",
            )
        document.sha256 = hashlib.sha256(data).hexdigest()
        document.file.save(f"{document.code}.pdf", ContentFile(data), save=False)
        try:
            document.save()
            if supersedes is not None:
                _set_status(supersedes, DocumentStatus.SUPERSEDED, user, reason, now, superseded_by=document)
            workflow.add_note(case, _note(document, supersedes, reason), user)
        except Exception:
            document.file.delete(save=False)  # the row is rolled back: keep no orphan file
            raise
    return document


def _note(document, supersedes, reason):
    what = (
        _("Draft issued: %(title)s (not valid).") % {"title": document.title}
        if document.draft
        else _("Issued %(title)s no. %(number)s.") % {"title": document.title, "number": document.number_display}
    )
    if supersedes is not None:
        what += " " + _("Replaces no. %(number)s. Reason: %(reason)s") % {
            "number": supersedes.number_display or _("draft"),
            "reason": reason,
        }
    return what


def _set_status(document, status, user, reason, when, superseded_by=None):
    locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if locked.status != DocumentStatus.VALID:
        raise IssueError(_("This document is already %(status)s.") % {"status": locked.get_status_display()})
    locked.status = status
    locked.status_reason = reason
    locked.status_changed_at = when
    locked.status_changed_by = user if user is not None and user.is_authenticated else None
    locked.superseded_by = superseded_by
    locked.save(update_fields=["status", "status_reason", "status_changed_at", "status_changed_by", "superseded_by"])
    document.__dict__.update({key: getattr(locked, key) for key in ("status", "status_reason", "status_changed_at")})
    return locked


def revoke(document, user, reason):
    """Revoke a document: its verification page says "revoked" with the date from now on."""
    reason = (reason or "").strip()
    if not reason:
        raise IssueError(_("Give the reason for revoking."))
    with transaction.atomic():
        _set_status(document, DocumentStatus.REVOKED, user, reason, timezone.now())
        workflow.add_note(
            document.case,
            _("Revoked %(title)s no. %(number)s. Reason: %(reason)s")
            % {"title": document.title, "number": document.number_display or _("draft"), "reason": reason},
            user,
        )
    return document


def reissue(document, user, reason, *, draft=False):
    """A new document from the same template replacing `document`, which becomes superseded."""
    reason = (reason or "").strip()
    if not reason:
        raise IssueError(_("Give the reason for re-issuing."))
    if document.status != DocumentStatus.VALID:
        raise IssueError(_("Only a valid document can be re-issued."))
    if document.template is None:
        raise IssueError(_("The template of this document was deleted; issue a new document instead."))
    return issue(document.case, document.template, user, draft=draft, supersedes=document, reason=reason)


def install_certificate(site, data, passphrase, *, demo=False):
    """Keep `data` (PKCS#12 bytes) as the office's signing certificate, as the settings form does
    for an upload: checked with its passphrase first (SigningError otherwise)."""
    certificate, subject, expires = signing.read_pkcs12(data, passphrase)
    settings = SigningSettings.for_site(site)
    if settings.pkcs12:
        settings.pkcs12.delete(save=False)
    settings.pkcs12.save(f"office-{site.pk}.p12", ContentFile(data), save=False)
    settings.passphrase = passphrase
    settings.certificate_pem = signing.certificate_pem(certificate)
    settings.certificate_subject = subject[:500]
    settings.certificate_expires = expires
    settings.demo = demo
    settings.save()
    return settings
