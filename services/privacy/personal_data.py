"""PDPA tools: anonymise a case, find/export/erase everything about a person, log who opened what.

Anonymising keeps every figure the dashboard and reports compute (status, service, department,
channel, dates, due date, rating) and removes what identifies the person: names, contact
details, answers, typed location, uploads and reply files, the after photo, free text of the
timeline, the messages sent about the case, the officers' invoice descriptions and the payment
slips. The pin is coarsened to about 1 km so a map of requests still shows where streetlights
fail without pointing at a house. Invoices and payments stay as financial records (number,
amount, receipt number, dates): only what names the person goes.

Erasing a person (a data-subject request) anonymises their cases and also reaches what is not
tied to a case: saved drafts and their uploads, browser sessions holding half-filled answers,
messages sent to them (a draft's resume link), and the access log's lines that quote them. The
fact of the erasure is kept (DataSubjectRequest, PersonalDataAccess), never the data.

On SQLite every connection runs with `secure_delete` (portal/settings/base.py), so removed
text is overwritten with zeros, and an erasure ends with a WAL checkpoint that truncates the
write-ahead log, where the old pages would otherwise survive (`settle_on_disk`).

Offices (issue 17): each office is its own data controller. A search, export or erasure is
given the offices it may reach (`offices`: a set of site ids, or None for every office — a
platform administrator): it finds and touches only those offices' submissions (through their
cases, or the form's page tree for a submission without one), cases, invoices, messages, drafts,
access-log lines and register notes, and timeline lines of those offices' cases. Browser
sessions are the exception: a half-filled form in a resident's browser is no office's record,
and an erasure clears the person's sessions whatever office asked.

Timeline events are append-only (a database trigger refuses changes, see the migration
services/0xxx_audit_append_only): the one change it allows is replacing an event's message
with REDACTED, leaving who/when/what-kind untouched — a redaction, not a rewrite.
"""

import io
import json
import logging
import os
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import CharField, Q, TextField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from wagtail import hooks
from wagtail.models import Site

from forms_builder.models import Draft, PendingUpload, Submission
from portal.i18n import ascii_digits
from portal.offices import current_office, office_ids
from services.cases.models import OPEN_STATUSES, Case, CaseEvent, CasePhoto
from services.feedback.models import Answer
from services.line.models import Conversation, LineEvent
from services.notifications.models import LineContact, Notification
from services.payments.models import Invoice, Payment
from services.places.models import Follower, FollowOrigin
from services.privacy.audit_sql import REDACTED
from services.privacy.models import (
    Anonymisation,
    DataSubjectRequest,
    PersonalDataAccess,
    PrivacySettings,
    RetentionRule,
)

logger = logging.getLogger(__name__)

# Personal data kept by areas above this one (the help box's volunteers), which privacy may not
# import: each registers its functions with these Wagtail hooks. ERASE_HOOK: (person, offices)
# -> rows erased, run inside the erasure's transaction; EXPORT_HOOK: (person, offices) -> a dict
# of lists added to person.json. `person` is a `Person`; `offices` as everywhere here.
ERASE_HOOK = "privacy_erase_person"
EXPORT_HOOK = "privacy_export_person"

COARSE = Decimal("0.01")


# -- Anonymisation ----------------------------------------------------------------------------


def _coarse(value):
    return None if value is None else Decimal(value).quantize(COARSE)


def anonymise(case, reason=Anonymisation.Reason.RETENTION):
    """Remove the personal data of one case and its submission. Safe to run twice."""
    with transaction.atomic():
        case = type(case).objects.select_for_update().get(pk=case.pk)
        if Anonymisation.objects.filter(case=case).exists():
            return False
        submission = Submission.objects.select_for_update().get(pk=case.submission_id)
        for upload in list(submission.files.all()):
            upload.file.delete(save=False)
            upload.delete()
        Submission.objects.filter(pk=submission.pk).update(
            answers={},
            contact_name="",
            contact_phone="",
            contact_email="",
            line_user_id="",
            location_text="",
            latitude=_coarse(submission.latitude),
            longitude=_coarse(submission.longitude),
        )
        if case.after_photo:
            case.after_photo.delete(save=False)
        _erase_photo_evidence(case)
        # The questionnaire's comment is the resident's own words (the scores stay for figures).
        Answer.objects.filter(case=case).exclude(comment="").update(comment="")
        # A queryset update: Case.save() is the workflow's (optimistic lock, timeline events).
        type(case).objects.filter(pk=case.pk).update(
            location_text="",
            latitude=_coarse(case.latitude),
            longitude=_coarse(case.longitude),
            rating_comment="",
            public_reason="",
            after_photo="",
            **_case_search_fields(case),
        )
        with connection.cursor() as cursor:
            # The one change the append-only trigger allows (see the module docstring).
            cursor.execute(
                "UPDATE services_caseevent SET message = %s WHERE case_id = %s AND message <> ''",
                [REDACTED, case.pk],
            )
        _anonymise_notifications(case)
        _anonymise_fees(case)
        _forget_followers(case)
        Anonymisation.objects.create(case=case, reason=reason)
    return True


def _erase_photo_evidence(case):
    """The case's photos and what their cameras recorded (issue 21): the files go, and with them
    the device, the position and the original's hash (which would recognise the resident's
    picture wherever it turned up). Role, times and flags stay: the figures of checked fixes
    count them, and they say nothing of the person."""
    for photo in CasePhoto.objects.filter(case=case).exclude(file=""):
        photo.file.delete(save=False)
    CasePhoto.objects.filter(case=case).update(file="", sha256="", device="", latitude=None, longitude=None)


def _case_search_fields(case):
    """Copies of contact details the case queue keeps for searching (the phone's last digits)."""
    names = {field.name for field in type(case)._meta.get_fields()}
    return {"contact_phone_last4": ""} if "contact_phone_last4" in names else {}


def _forget_followers(case):
    """A public report's followers are kept for that report only: when its records go, they go.
    The case's resident, made a follower of another report when this one was merged into it,
    goes too (that row is a copy of their contact details)."""
    Follower.objects.filter(Q(case=case) | Q(came_from=case, origin=FollowOrigin.MERGED_RESIDENT)).delete()


def _anonymise_notifications(case):
    """Messages already sent hold the resident's phone or e-mail and the reply text."""
    _redact_notifications(Notification.objects.filter(case=case))


def _redact_notifications(notifications):
    """The delivery record stays (event, channel, status, dates: staff and the figures count
    them); who it went to and what it said go. The idempotency key is derived from the recipient
    (hashed by the notifications area, but a hash of a phone number is still a pseudonym of the
    person), so it becomes the row's own id: still unique, and nothing is ever sent again for an
    anonymised case or an erased draft."""
    return notifications.update(
        recipient="",
        subject="",
        body=REDACTED,
        last_error="",
        idempotency_key=Concat(Value("erased:"), Cast("pk", CharField())),
    )


def _anonymise_fees(case):
    """Invoices and payments are financial records and stay (number, amount, status, receipt
    number, dates). What an officer typed about the person goes: the invoice's description
    becomes the service it was for. The transfer slip (a bank's image with the payer's name and
    account) is deleted, and a rejection's reason, which may quote the person, is redacted."""
    invoices = Invoice.objects.filter(case=case)
    invoices.update(description=(case.service_title or REDACTED)[:300])
    for payment in Payment.objects.filter(invoice__in=invoices).exclude(slip=""):
        payment.slip.delete(save=False)
    Payment.objects.filter(invoice__in=invoices).update(slip="", slip_name="")
    Payment.objects.filter(invoice__in=invoices).exclude(reason="").update(reason=REDACTED)


def retention_days_for(case, rules=None, default=None):
    if rules is None:
        rules = dict(RetentionRule.objects.values_list("service_id", "retention_days"))
    if default is None:
        default = default_retention_days(case.site)
    return rules.get(case.service_id, default)


def default_retention_days(site):
    setting = PrivacySettings.objects.filter(site=site).first()
    return setting.default_retention_days if setting else settings.PDPA_RETENTION_DAYS


def expired_cases(now=None):
    """Closed cases whose retention period has ended and which still hold personal data."""
    now = now or timezone.now()
    rules = dict(RetentionRule.objects.values_list("service_id", "retention_days"))
    defaults = {}
    shortest = min(
        [
            *rules.values(),
            settings.PDPA_RETENTION_DAYS,
            *PrivacySettings.objects.values_list("default_retention_days", flat=True),
        ]
    )
    candidates = (
        Case.objects.exclude(status__in=OPEN_STATUSES)
        .filter(anonymisation__isnull=True)
        .filter(
            Q(closed_at__lte=now - timezone.timedelta(days=shortest))
            | Q(closed_at__isnull=True, resolved_at__lte=now - timezone.timedelta(days=shortest))
        )
        .select_related("site")
        .order_by("id")
    )
    for case in candidates.iterator(chunk_size=500):
        if case.site_id not in defaults:
            defaults[case.site_id] = default_retention_days(case.site)
        ended = case.closed_at or case.resolved_at
        if ended and ended <= now - timezone.timedelta(days=retention_days_for(case, rules, defaults[case.site_id])):
            yield case


# -- Finding a person -------------------------------------------------------------------------


def classify(query):
    """('national_id' | 'email' | 'phone', normalised value), or None for anything else."""
    query = ascii_digits(query or "").strip()
    if "@" in query and len(query) <= 254:
        return "email", query.casefold()
    digits = re.sub(r"[^0-9]", "", query)
    if len(digits) == 13:
        return "national_id", digits
    if digits.startswith("66") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) in (9, 10) and digits.startswith("0"):
        return "phone", digits
    return None


def mask_identifier(kind, value):
    if kind == "email":
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"{'*' * (len(value) - 4)}{value[-4:]}"


def _values(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from _values(value)
    elif isinstance(data, list):
        for value in data:
            yield from _values(value)
    elif data is not None:
        yield str(data)


def _matches(submission, kind, value):
    if kind == "email":
        return submission.contact_email.casefold() == value or any(
            v.strip().casefold() == value for v in _values(submission.answers)
        )
    if kind == "phone" and re.sub(r"\D", "", submission.contact_phone) == value:
        return True
    return any(re.sub(r"\D", "", v) == value for v in _values(submission.answers))


def page_trees(offices, field=""):
    """Q: a page (`field` is the lookup to it, e.g. "form_page"; "" for a page queryset) inside
    the page tree of one of `offices`."""
    roots = Site.objects.filter(pk__in=offices).values_list("root_page__path", flat=True)
    lookup = f"{field}__path__startswith" if field else "path__startswith"
    condition = Q(pk__in=[])
    for root in roots:
        condition |= Q(**{lookup: root})
    return condition


def office_submissions(offices):
    """Q on Submission: those of `offices` (None: every office). A submission with a case belongs
    to the case's office; one without (never opened as a case) to the office of its form's page."""
    if offices is None:
        return Q()
    return Q(case__site__in=offices) | (Q(case__isnull=True) & page_trees(offices, "form_page"))


def find_submissions(query, offices=None):
    """Every submission about the person the identifier names (national ID, phone or e-mail),
    within `offices` (None: every office)."""
    classified = classify(query)
    if classified is None:
        return []
    kind, value = classified
    needle = value if kind != "phone" else value[-8:]
    candidates = Submission.objects.annotate(answers_text=Cast("answers", TextField())).filter(
        Q(answers_text__icontains=needle) | Q(contact_email__iexact=value) | Q(contact_phone__contains=needle)
    )
    candidates = candidates.filter(office_submissions(offices))
    return [s for s in candidates.prefetch_related("files").select_related("case") if _matches(s, kind, value)]


# What else the person left behind, beyond their submissions: drafts, sessions, messages.

# Separators people type inside numbers: "081-234 5678", "1 1017 00230 70 5", "(081) 234.5678".
_SEPARATORS = re.compile(r"[\s\-.()\u200b]")


def _compact(text):
    """Text as the search compares it: Thai and full-width digits as ASCII, no separators inside
    numbers, case folded."""
    return _SEPARATORS.sub("", ascii_digits(text)).casefold()


@dataclass
class Person:
    """What identifies the person of a data-subject request: the identifier the officer typed,
    and the phone numbers, e-mail addresses and national IDs their own submissions give (so
    erasing by national ID also reaches the resume link sent to their phone). Other submissions
    that share a phone (a family's) are not erased by this widening: only the person's drafts,
    sessions and messages are. Names only match whole, and only in what officers typed about
    the person (the access log's searches, notes on other cases)."""

    numbers: set = field(default_factory=set)  # phones (0XXXXXXXXX and 66XXXXXXXXX) and national IDs
    emails: set = field(default_factory=set)
    names: set = field(default_factory=set)
    line_users: set = field(default_factory=set)  # LINE user IDs LINE verified on their submissions

    @classmethod
    def of(cls, query, submissions=()):
        person = cls()
        classified = classify(query)
        if classified:
            person.add(*classified)
        for submission in submissions:
            for number in _national_ids(submission):
                person.add("national_id", number)
            if submission.contact_phone:
                person.add("phone", submission.contact_phone)
            if submission.contact_email:
                person.add("email", submission.contact_email)
            if submission.line_user_id:
                person.line_users.add(submission.line_user_id)
            if len(submission.contact_name.split()) >= 2:  # a whole name, never one common first name
                person.names.add(submission.contact_name.strip().casefold())
        return person

    def add(self, kind, value):
        if kind == "email":
            self.emails.add(value.strip().casefold())
            return
        digits = re.sub(r"[^0-9]", "", ascii_digits(value))
        if kind == "phone":
            if digits.startswith("66") and len(digits) == 11:
                digits = "0" + digits[2:]
            if len(digits) < 9:
                return
            self.numbers.add("66" + digits[1:])
        self.numbers.add(digits)

    @property
    def addresses(self):
        """Where messages to the person went: their phone numbers, e-mail addresses and LINE users
        (also what they follow public reports by)."""
        return {n for n in self.numbers if n.startswith("0") and len(n) in (9, 10)} | self.emails | self.line_users

    def mentioned_in(self, text, names=False):
        if not text:
            return False
        compact = _compact(text)
        if any(number in compact for number in self.numbers) or any(email in compact for email in self.emails):
            return True
        folded = ascii_digits(text).casefold()
        return names and any(name in folded for name in self.names)


def _national_ids(submission):
    """The national IDs the person typed on their own form (fields of the national ID type)."""
    keys = {"national_id"}
    for step in (submission.form_snapshot or {}).get("steps", []):
        keys |= {spec.get("key") for spec in step.get("fields", []) if spec.get("type") == "national_id"}
    answers = submission.answers or {}
    return [str(answers[key]) for key in keys if isinstance(answers.get(key), (str, int))]


def _as_text(data):
    return json.dumps(data, ensure_ascii=False, default=str)


def _draft_owner(draft):
    """The wizard token a draft's uploads are kept under (forms_builder.submissions.PendingUpload)."""
    extra = (draft.data or {}).get("extra_data") or {}
    return extra.get("token") or ""


def find_drafts(person, offices=None):
    """Saved drafts (expired or not) whose answers name the person, or whose resume link was sent
    to them, on the forms of `offices` (None: every office). Drafts live at most
    FORMS_BUILDER_DRAFT_DAYS, so reading them all is a small table, and the answers are read as
    typed (Thai digits, spaces), which no database filter matches."""
    sent = " ".join(notifications_to(person, offices=offices).values_list("body", flat=True))
    drafts = Draft.objects.select_related("form_page")
    if offices is not None:
        drafts = drafts.filter(page_trees(offices, "form_page"))
    return [
        draft
        for draft in drafts.iterator()
        if person.mentioned_in(_as_text(draft.data)) or (sent and (draft.token in sent or draft.code in sent))
    ]


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def find_sessions(person):
    """(session key, decoded data, expiry) of every stored browser session whose data names the person:
    django-formtools keeps a form's half-filled answers in the session, expired or not until the
    purge job removes it. Sessions are encoded and signed, so each is decoded to be read."""
    if not settings.SESSION_ENGINE.endswith(("sessions.backends.db", "sessions.backends.cached_db")):
        return []  # no session rows in the database (cookie or cache sessions expire by themselves)
    store = _session_store()()
    found = []
    rows = Session.objects.values_list("session_key", "session_data", "expire_date")
    for key, encoded, expires in rows.iterator():
        data = store.decode(encoded)
        if data and person.mentioned_in(_as_text(data)):
            found.append((key, data, expires))
    return found


def _wizard_owners(session_data):
    """The wizard tokens of the fillings in one session, under which its uploads are kept."""
    owners = set()
    for key, value in session_data.items():
        if key.startswith("wizard_") and isinstance(value, dict):
            token = (value.get("extra_data") or {}).get("token")
            if token:
                owners.add(token)
    return owners


def notifications_to(person, drafts=(), offices=None):
    """Messages sent to the person's phone or e-mail, whether or not tied to one of their cases
    (a saved draft's resume link is tied to none), and those naming one of `drafts` by its
    token or code; sent by `offices` (None: every office)."""
    query = Q(recipient__in=sorted(person.addresses))
    for email in person.emails:
        query |= Q(recipient__iexact=email)
    for draft in drafts:
        query |= Q(body__contains=draft.token) | Q(body__contains=draft.code)
    rows = Notification.objects.filter(query)
    return rows if offices is None else rows.filter(site__in=offices)


def follows_of(person, offices=None):
    """The public reports the person follows, by their e-mail addresses and mobile numbers (kept
    normalised: lower case, ten ASCII digits) or LINE user, on `offices`' reports (None: every
    office)."""
    rows = Follower.objects.filter(address__in=sorted(person.addresses))
    return rows if offices is None else rows.filter(case__site__in=offices)


def _case_of(submission):
    try:
        return submission.case
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: a submission without a case
        return None


def export_person(query, offices=None):
    """A ZIP with person.json and the person's files. person.json holds every submission (its
    answers, its case, timeline, invoices and payments), the saved drafts that name the person,
    and the messages sent to them; the archive holds the uploads and reply files (files/), the
    after photos (photos/), the transfer slips (slips/) and the drafts' uploads (drafts/).
    Only what `offices` hold (None: every office). Returns (bytes, submissions found)."""
    submissions = find_submissions(query, offices)
    person = Person.of(query, submissions)
    drafts = find_drafts(person, offices)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        records = [_submission_record(archive, submission) for submission in submissions]
        payload = {
            "exported_at": timezone.now().isoformat(),
            "submissions": records,
            "drafts": [_draft_record(archive, draft) for draft in drafts],
            "notifications": [
                _notification_record(message)
                for message in Notification.objects.filter(
                    Q(case__submission__in=submissions, recipient__in=sorted(person.addresses))
                    | Q(pk__in=notifications_to(person, drafts, offices).values("pk"))
                )
                .select_related("case")
                .order_by("created_at", "id")
            ],
            "follows": [
                {
                    "report": follow.case.reference,
                    "address": follow.address,
                    "language": follow.language,
                    "since": follow.created_at.isoformat(),
                }
                for follow in follows_of(person, offices).select_related("case").order_by("created_at", "id")
            ],
        }
        for hook in hooks.get_hooks(EXPORT_HOOK):
            payload.update(hook(person, offices))
        archive.writestr("person.json", json.dumps(payload, ensure_ascii=False, indent=2))
    return buffer.getvalue(), len(submissions)


def _add_file(archive, file_field, arcname):
    """Copy a stored file into the archive; the name it has there, or "" if it is missing."""
    if not file_field:
        return ""
    try:
        with file_field.open("rb") as handle:
            archive.writestr(arcname, handle.read())
    except FileNotFoundError:
        return ""
    return arcname


def _submission_record(archive, submission):
    case = _case_of(submission)
    files = []
    for upload in submission.files.all():
        arcname = f"files/{submission.pk}/{upload.pk}-{_safe_name(upload.original_name)}"
        files.append(
            {
                "field": upload.field_key,
                "name": upload.original_name,
                "type": upload.content_type,
                "in_archive": _add_file(archive, upload.file, arcname),
            }
        )
    return {
        "form": submission.form_title,
        "submitted_at": submission.submitted_at.isoformat(),
        "channel": submission.channel,
        "language": submission.language,
        "contact": {
            "name": submission.contact_name,
            "phone": submission.contact_phone,
            "email": submission.contact_email,
            "line_user_id": submission.line_user_id,
        },
        "location": {
            "text": submission.location_text,
            "latitude": str(submission.latitude) if submission.latitude is not None else None,
            "longitude": str(submission.longitude) if submission.longitude is not None else None,
        },
        "privacy_notice_version": submission.consent_version,
        "answers": [
            {
                "step": str(title),
                "answers": [{"question": str(label), "answer": str(value)} for label, value in rows],
            }
            for title, rows in submission.display_answers()
        ],
        "files": files,
        "case": _case_record(archive, case),
    }


def _safe_name(name):
    return re.sub(r"[^\w.\-]+", "_", name or "file")[:100]


def _extension(name):
    return os.path.splitext(name or "")[1][:10]


def _case_record(archive, case):
    if case is None:
        return None
    photo = f"photos/{_safe_name(case.reference)}-after{_extension(case.after_photo.name)}"
    return {
        "reference": case.reference,
        "service": case.service_title,
        "status": case.status,
        "submitted_at": case.submitted_at.isoformat(),
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "rating": case.rating,
        "rating_comment": case.rating_comment,
        "public_reason": case.public_reason,
        "after_photo": _add_file(archive, case.after_photo, photo),
        "timeline": [
            {"at": event.created_at.isoformat(), "kind": event.kind, "public": event.public, "message": event.message}
            for event in case.events.all()
        ],
        "invoices": [_invoice_record(archive, invoice) for invoice in case.invoices.order_by("created_at", "id")],
    }


def _invoice_record(archive, invoice):
    return {
        "number": invoice.number,
        "description": invoice.description,
        "amount": str(invoice.amount),
        "status": invoice.status,
        "issued_at": invoice.created_at.isoformat(),
        "paid_at": invoice.paid_at.isoformat() if invoice.paid_at else None,
        "receipt_number": invoice.receipt_number,
        "payments": [
            {
                "method": payment.method,
                "status": payment.status,
                "sent_at": payment.created_at.isoformat(),
                "checked_at": payment.decided_at.isoformat() if payment.decided_at else None,
                "reason": payment.reason,
                "slip": _add_file(
                    archive,
                    payment.slip,
                    f"slips/{_safe_name(invoice.number)}-{payment.pk}{_extension(payment.slip.name)}",
                ),
            }
            for payment in invoice.payments.all()
        ],
    }


def _draft_record(archive, draft):
    data = draft.data or {}
    extra = data.get("extra_data") or {}
    owner = _draft_owner(draft)
    files = []
    for upload in PendingUpload.objects.filter(owner=owner) if owner else ():
        arcname = f"drafts/{draft.pk}/{upload.pk}-{_safe_name(upload.original_name)}"
        files.append(
            {
                "field": upload.field_key,
                "name": upload.original_name,
                "in_archive": _add_file(archive, upload.file, arcname),
            }
        )
    return {
        "form": draft.form_page.title,
        "saved_at": draft.updated_at.isoformat(),
        "answers": extra.get("answers") or {},
        "as_typed": data.get("step_data") or {},
        "files": files,
    }


def _notification_record(message):
    return {
        "at": message.created_at.isoformat(),
        "case": message.case.reference if message.case_id else None,
        "event": message.event,
        "channel": message.channel,
        "recipient": message.recipient,
        "subject": message.subject,
        "message": message.body,
        "status": message.status,
        "sent_at": message.sent_at.isoformat() if message.sent_at else None,
    }


@dataclass
class Erasure:
    """What one erasure removed, for the officer's message and the register."""

    submissions: int = 0
    cases: int = 0
    drafts: int = 0
    sessions: int = 0
    notifications: int = 0
    log_lines: int = 0
    events: int = 0  # timeline lines of other cases that quoted the person
    follows: int = 0  # public reports the person followed (services.places)
    elsewhere: int = 0  # rows of the areas registered with ERASE_HOOK (volunteers in the help box)


def erase_person(query, offices=None):
    """Remove the person's personal data from every place the portal keeps it: anonymise their
    cases (with the messages, invoices, slips and files of each), blank submissions without a
    case, delete the drafts and browser sessions that hold their answers (with the drafts' and
    fillings' uploads), redact the other messages sent to them and the access log's lines that
    quote them. Only what `offices` hold (None: every office), except browser sessions (see the
    module docstring). The checkpoint afterwards leaves no copy in SQLite's write-ahead log."""
    submissions = find_submissions(query, offices)
    person = Person.of(query, submissions)
    result = Erasure(submissions=len(submissions))
    for submission in submissions:
        case = _case_of(submission)
        if case is not None:
            result.cases += anonymise(case, reason=Anonymisation.Reason.ERASURE)
            continue
        with transaction.atomic():
            for upload in list(submission.files.all()):
                upload.file.delete(save=False)
                upload.delete()
            Submission.objects.filter(pk=submission.pk).update(
                answers={}, contact_name="", contact_phone="", contact_email="", line_user_id="", location_text=""
            )
    with transaction.atomic():
        drafts = find_drafts(person, offices)
        # Before the drafts go: a resume link is found by its draft's token and code.
        result.notifications = _redact_notifications(notifications_to(person, drafts, offices))
        owners = {_draft_owner(draft) for draft in drafts}
        result.drafts, _ = Draft.objects.filter(pk__in=[draft.pk for draft in drafts]).delete()
        for key, data, expires in find_sessions(person):
            owners |= _wizard_owners(data)
            _erase_session(key, data, expires, person)
            result.sessions += 1
        _delete_uploads(PendingUpload.objects.filter(owner__in=owners - {""}))
        result.log_lines = _redact_logs(person, offices)
        result.events = _redact_events_quoting(person, offices)
        result.follows, _ = follows_of(person, offices).delete()
        _forget_line_users(person.line_users, offices)
        for hook in hooks.get_hooks(ERASE_HOOK):
            result.elsewhere += hook(person, offices)
    settle_on_disk()
    return result


def _forget_line_users(user_ids, offices=None):
    """What the office keeps by the person's LINE user ID (from their own submissions): a report
    by chat in progress (with its photo, unless it became a request, whose files went with it),
    the events LINE delivered (their messages as sent) and whether they follow the account."""
    if not user_ids:
        return
    where = Q(user_id__in=user_ids) & (Q() if offices is None else Q(site__in=offices))
    for conversation in Conversation.objects.filter(where).exclude(status=Conversation.Status.FILED).exclude(photo=""):
        conversation.photo.delete(save=False)
    Conversation.objects.filter(where).delete()
    LineEvent.objects.filter(where).delete()
    LineContact.objects.filter(where).delete()


def _erase_session(key, data, expires, person):
    """A resident's session is deleted (through the session engine, so a cached copy goes too).
    A signed-in volunteer's or officer's live session loses only what names the person, so
    filing for a resident or having searched for them does not sign the staff member out."""
    store = _session_store()(session_key=key)
    if "_auth_user_id" not in data or expires <= timezone.now():
        store.delete()
        return
    for name, value in data.items():
        if not name.startswith("_auth") and person.mentioned_in(_as_text({name: value})):
            del store[name]
    store.save()


def _delete_uploads(uploads):
    for upload in list(uploads):
        upload.file.delete(save=False)
        upload.delete()


def access_lines(offices):
    """Q on PersonalDataAccess: the lines of `offices` (None: every office). A line about a case
    belongs to the case's office; one without a case to the office it was written for."""
    if offices is None:
        return Q()
    return Q(case__site__in=offices) | Q(case__isnull=True, site__in=offices)


def _redact_logs(person, offices=None):
    """The access log keeps who opened or exported what, and when; a queue export's search
    ("?q=0812345678") or a register note that quotes the person loses its text. Append-only
    records refuse save() and delete(); a redaction is a queryset update, as for the timeline."""
    lines = [
        pk
        for pk, detail in PersonalDataAccess.objects.filter(access_lines(offices))
        .exclude(detail="")
        .values_list("pk", "detail")
        .iterator()
        if person.mentioned_in(unquote_plus(detail), names=True)
    ]
    notes = [
        pk
        for pk, note in DataSubjectRequest.objects.filter(Q() if offices is None else Q(site__in=offices))
        .exclude(note="")
        .values_list("pk", "note")
        .iterator()
        if person.mentioned_in(note, names=True)
    ]
    PersonalDataAccess.objects.filter(pk__in=lines).update(detail=REDACTED)
    DataSubjectRequest.objects.filter(pk__in=notes).update(note=REDACTED)
    return len(lines) + len(notes)


def _redact_events_quoting(person, offices=None):
    """Timeline lines of other cases that quote the person (an officer's note on a neighbour's
    request: "called Khun Wilaiwan, 086…"): redacted, as on their own cases. The database
    narrows the search by the last digits of their numbers, their e-mail or whole name; each
    candidate is then read as typed."""
    narrow = Q()
    for number in person.numbers:
        narrow |= Q(message__contains=number[-4:])
    for text in person.emails | person.names:
        narrow |= Q(message__icontains=text)
    if not narrow:
        return 0
    candidates = CaseEvent.objects.filter(narrow).exclude(message=REDACTED)
    if offices is not None:
        candidates = candidates.filter(case__site__in=offices)
    candidates = candidates.values_list("pk", "message")
    quoting = [pk for pk, message in candidates.iterator() if person.mentioned_in(message, names=True)]
    if quoting:
        with connection.cursor() as cursor:
            # The one change the append-only trigger allows (see the module docstring).
            placeholders = ", ".join(["%s"] * len(quoting))
            cursor.execute(
                f"UPDATE services_caseevent SET message = %s WHERE id IN ({placeholders})",  # noqa: S608 - placeholders only
                [REDACTED, *quoting],
            )
    return len(quoting)


def settle_on_disk(using="default"):
    """Make removed data leave the database files, not only the tables: once the current
    transaction commits (at once outside one), checkpoint SQLite's write-ahead log.

    SQLite (with `secure_delete`, set for every connection in portal/settings/base.py) zeroes
    removed text in the pages it writes, but in WAL mode the pages as they were stay in the
    write-ahead log until a checkpoint copies the new ones back and truncates it. A checkpoint
    cannot pass a reader still holding an older snapshot (a long request, the task worker): it
    then reports busy, is logged, and the next one (every erasure, the nightly jobs) finishes it.
    PostgreSQL: nothing to do here; dead row versions stay in the data files until VACUUM reuses
    their space (README, "Personal data").
    """
    if connections[using].vendor == "sqlite":
        transaction.on_commit(lambda: _checkpoint(using), using=using)


def _checkpoint(using):
    try:
        with connections[using].cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()[0]
    except DatabaseError:
        busy = True
    if busy:
        logger.warning("PDPA: the write-ahead log could not be emptied yet (a reader was busy); the next run will")
    return not busy


# -- The access log ---------------------------------------------------------------------------

LOGGED_VIEWS = {
    "case_detail": PersonalDataAccess.Action.VIEW,
    "case_admin_file": PersonalDataAccess.Action.FILE,
    "case_admin_photo": PersonalDataAccess.Action.PHOTO,
    "case_receipt": PersonalDataAccess.Action.RECEIPT,
}


def acting_office(request):
    """The office a staff member acts for on a page that is about no one case: the only office
    they work for, else the office whose host this is when they work for it; None (every office,
    or undecided) otherwise."""
    ids = office_ids(request.user)
    if ids is not None and len(ids) == 1:
        return next(iter(ids))
    office = current_office(request)
    if office is not None and (ids is None or office.pk in ids):
        return office.pk
    return None


def log_access(request, action, case=None, reference="", detail="", site=None):
    """One line of the access log. A line about a case belongs to the case's office (read
    through the foreign key, no lookup here); one about no case to `site`, by default the office
    the person acts for (acting_office)."""
    user = request.user
    case_id = getattr(case, "pk", case)
    if site is None and case_id is None:
        site = acting_office(request)
    PersonalDataAccess.objects.create(
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        site_id=getattr(site, "pk", site),
        case_id=case_id,
        reference=reference or getattr(case, "reference", ""),
        action=action,
        detail=detail[:255],
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )


class CaseAccessLogMiddleware:
    """Writes a PersonalDataAccess line for every successful hit on a staff case page, file,
    photo, receipt or queue export — by URL name, so the case views need no change. Only 200
    responses count: a 404 for another department's case exposed nothing. A POST on the case
    page (an officer acting) is the same officer already logged on the GET before it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or response.status_code != 200 or request.method != "GET":
            return response
        if match.url_name in LOGGED_VIEWS:
            # One INSERT, no lookup: the case is never deleted (only anonymised), so the log
            # reads its reference through the foreign key.
            detail = f"file {match.kwargs['file_id']}" if "file_id" in match.kwargs else ""
            log_access(request, LOGGED_VIEWS[match.url_name], case=match.kwargs.get("pk"), detail=detail)
        elif match.url_name == "case_queue" and request.GET.get("export"):
            query = request.GET.copy()
            query.pop("export", None)
            log_access(request, PersonalDataAccess.Action.EXPORT, detail=f"{request.GET['export']} {query.urlencode()}")
        return response
