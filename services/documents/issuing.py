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
import time

from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import sqlite_writers
from services.cases import workflow
from services.cases.models import CaseEvent
from services.documents import render, signing
from services.documents.models import (
    LETTER_TEXT_FIELDS,
    DocumentKind,
    DocumentRegister,
    DocumentStatus,
    DocumentTemplate,
    IssuedDocument,
    LetterTemplate,
    OfficialLetter,
    SigningSettings,
)
from services.pdf_fonts import office_for

logger = logging.getLogger(__name__)

CODE_BYTES = 18  # secrets.token_urlsafe(18): 24 characters, 144 random bits
# How long an issue tries again on SQLite when another writer keeps the database (see `_in_turn`).
SQLITE_QUEUE_SECONDS = 300


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


def _in_turn(write):
    """`write()` in a transaction, in line with the database's other writers
    (`portal.sqlite_writers`: an issuing transaction holds SQLite's one write lock while the PDF
    is rendered and signed, so a hundred issues at once would otherwise pass the busy timeout).
    PostgreSQL queues on the register row's lock. On SQLite a BEGIN still refused after the
    busy timeout (another long writer) is tried again until SQLITE_QUEUE_SECONDS have passed: a refused BEGIN did nothing, so no number is skipped."""
    deadline = time.monotonic() + SQLITE_QUEUE_SECONDS
    with sqlite_writers.in_turn():
        while True:
            try:
                with transaction.atomic():
                    return write()
            except OperationalError as error:
                waiting = connection.vendor == "sqlite" and "locked" in str(error)
                if not waiting or time.monotonic() > deadline or connection.in_atomic_block:
                    raise
                time.sleep(0.05 + secrets.randbelow(100) / 1000)


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
    now = timezone.now()

    def write():
        # The office's settings row is made on first use (a write): inside the transaction,
        # so it queues with the issue rather than on its own (see _in_turn).
        office = office_for(case.site)
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

        def then():
            if supersedes is not None:
                _set_status(supersedes, DocumentStatus.SUPERSEDED, user, reason, now, superseded_by=document)
            if document.draft:  # not valid: the resident is not told
                workflow.add_note(case, _note(document, supersedes, reason), user)
            else:
                kind = CaseEvent.Kind.DOCUMENT_REISSUED if supersedes is not None else CaseEvent.Kind.DOCUMENT_ISSUED
                workflow.document_event(case, kind, lambda: _note(document, supersedes, reason), user)

        return _sign_and_store(
            document, render.build_pdf(document, case, template), signer, template.title, office, then
        )

    return _in_turn(write)


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

        def text():
            return _("Revoked %(title)s no. %(number)s. Reason: %(reason)s") % {
                "title": document.title,
                "number": document.number_display or _("draft"),
                "reason": reason,
            }

        if document.draft:
            workflow.add_note(document.case, text(), user)
        else:
            workflow.document_event(document.case, CaseEvent.Kind.DOCUMENT_REVOKED, text, user)
    return document


def reissue(document, user, reason, *, draft=False):
    """A new document from the same template replacing `document`, which becomes superseded."""
    reason = (reason or "").strip()
    if not reason:
        raise IssueError(_("Give the reason for re-issuing."))
    if document.status != DocumentStatus.VALID:
        raise IssueError(_("Only a valid document can be re-issued."))
    if OfficialLetter.objects.filter(document=document).exists():
        raise IssueError(_("A letter is not re-issued: cancel it (revoke, with the reason) and write a new one."))
    if document.template is None:
        raise IssueError(_("The template of this document was deleted; issue a new document instead."))
    return issue(document.case, document.template, user, draft=draft, supersedes=document, reason=reason)


# Official letters ------------------------------------------------------------------------------


def letter_templates_for(case):
    """The letter templates an officer may start from on `case`: its office's, for its service
    or for any service."""
    return LetterTemplate.objects.filter(site_id=case.site_id).filter(
        Q(service__isnull=True) | Q(service_id=case.service_id)
    )


def letter_start(case, template):
    """The parts of a new letter from `template`, with what the case already knows filled in.
    {number} and {issued_date} stay placeholders until the letter is issued."""
    values = render.values_for(IssuedDocument(site=case.site, issued_at=None), case)
    for later in ("number", "issued_date", "valid_until"):
        values.pop(later)
    answers = case.submission.answers or {}
    parts = {field: render.fill(getattr(template, field), values, answers) for field in LETTER_TEXT_FIELDS}
    return {**parts, "office_code": template.office_code, "closing": template.closing, "contact": template.contact}


def issue_letter(case, template, parts, user=None, *, draft=False):
    """Number, render, sign and store an official letter on `case`; returns its IssuedDocument.

    `parts` are the letter's fields as the officer left them (LETTER_TEXT_FIELDS, office_code,
    closing, contact); placeholders still in them are filled now, the number and date included.
    Numbers come from the office's letter register, as any document's do (next_number)."""
    if template is None or template.site_id != case.site_id:
        raise IssueError(_("Choose a letter template of this office."))
    if template.service_id is not None and template.service_id != case.service_id:
        raise IssueError(_("This template belongs to another service."))
    signer = _signer(case.site, draft)
    now = timezone.now()

    def write():
        office = office_for(case.site)  # inside the transaction, as in issue()
        year = buddhist_year(now)
        number = None if draft else next_number(case.site, DocumentKind.LETTER, year)
        document = IssuedDocument(
            case=case,
            site=case.site,
            kind=DocumentKind.LETTER,
            title=template.name,
            year=year,
            number=number,
            number_prefix=parts["office_code"].strip(),
            code=secrets.token_urlsafe(CODE_BYTES),
            draft=draft,
            issued_at=now,
            issued_by=user,
        )
        values = render.values_for(document, case)
        answers = case.submission.answers or {}
        letter = OfficialLetter(
            document=document,
            template=template,
            office_code=document.number_prefix,
            closing=parts.get("closing") or "",
            contact=render.fill(parts.get("contact") or "", values, answers),
            **{field: render.fill(parts.get(field) or "", values, answers) for field in LETTER_TEXT_FIELDS},
        )

        def then():
            letter.document = document
            letter.save()
            workflow.add_note(case, _letter_note(document, letter), user)

        data = render.build_letter_pdf(document, letter, case)
        return _sign_and_store(document, data, signer, template.name, office, then)

    return _in_turn(write)


def _sign_and_store(document, data, signer, title, office, then):
    """Sign the rendered PDF (unless a draft), keep its SHA-256 and file, save the row and run
    `then` (the timeline, the superseded one, the letter); a failure removes the file, as the
    transaction removes the row."""
    if signer is not None:
        data = signing.sign(
            data, signer, reason=f"{title} {document.number_display}", location=office.name if office else ""
        )
    document.sha256 = hashlib.sha256(data).hexdigest()
    document.file.save(f"{document.code}.pdf", ContentFile(data), save=False)
    try:
        document.save()
        then()
    except Exception:
        document.file.delete(save=False)  # the row is rolled back: keep no orphan file
        raise
    return document


def _letter_note(document, letter):
    if document.draft:
        return _("Draft letter: %(subject)s, to %(recipient)s (not numbered, not signed).") % {
            "subject": letter.subject,
            "recipient": letter.recipient,
        }
    return _("Official letter no. %(number)s sent: %(subject)s, to %(recipient)s.") % {
        "number": document.number_display,
        "subject": letter.subject,
        "recipient": letter.recipient,
    }


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
