"""PDPA tools: anonymise a case, find/export/erase everything about a person, log who opened what.

Anonymising keeps every figure the dashboard and reports compute (status, service, department,
channel, dates, due date, rating) and removes what identifies the person: names, contact
details, answers, typed location, uploads, the after photo, free text of the timeline. The
pin is coarsened to about 1 km so a map of requests still shows where streetlights fail
without pointing at a house.

Timeline events are append-only (a database trigger refuses changes, see the migration
services/0xxx_audit_append_only): the one change it allows is replacing an event's message
with REDACTED, leaving who/when/what-kind untouched — a redaction, not a rewrite.
"""

import io
import json
import re
import zipfile
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from forms_builder.models import Submission
from services.cases.models import OPEN_STATUSES, Case
from services.notifications.models import Notification
from services.privacy.audit_sql import REDACTED
from services.privacy.models import Anonymisation, PersonalDataAccess, PrivacySettings, RetentionRule

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
            location_text="",
            latitude=_coarse(submission.latitude),
            longitude=_coarse(submission.longitude),
        )
        if case.after_photo:
            case.after_photo.delete(save=False)
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
        Anonymisation.objects.create(case=case, reason=reason)
    return True


def _case_search_fields(case):
    """Copies of contact details the case queue keeps for searching (the phone's last digits)."""
    names = {field.name for field in type(case)._meta.get_fields()}
    return {"contact_phone_last4": ""} if "contact_phone_last4" in names else {}


def _anonymise_notifications(case):
    """Messages already sent hold the resident's phone or e-mail and the reply text."""
    Notification.objects.filter(case=case).update(recipient="", subject="", body=REDACTED)


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
    query = (query or "").strip()
    if "@" in query and len(query) <= 254:
        return "email", query.casefold()
    digits = re.sub(r"\D", "", query)
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


def find_submissions(query):
    """Every submission about the person the identifier names (national ID, phone or e-mail)."""
    classified = classify(query)
    if classified is None:
        return []
    kind, value = classified
    needle = value if kind != "phone" else value[-8:]
    candidates = Submission.objects.annotate(answers_text=Cast("answers", TextField())).filter(
        Q(answers_text__icontains=needle) | Q(contact_email__iexact=value) | Q(contact_phone__contains=needle)
    )
    return [s for s in candidates.prefetch_related("files").select_related("case") if _matches(s, kind, value)]


def _case_of(submission):
    try:
        return submission.case
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: a submission without a case
        return None


def export_person(query):
    """A ZIP with person.json (every submission, its answers, its case and timeline) and the
    person's uploaded files. Returns (bytes, submissions found)."""
    submissions = find_submissions(query)
    records = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for submission in submissions:
            case = _case_of(submission)
            files = []
            for upload in submission.files.all():
                arcname = f"files/{submission.pk}/{upload.pk}-{_safe_name(upload.original_name)}"
                try:
                    with upload.file.open("rb") as handle:
                        archive.writestr(arcname, handle.read())
                except FileNotFoundError:
                    arcname = ""
                files.append(
                    {
                        "field": upload.field_key,
                        "name": upload.original_name,
                        "type": upload.content_type,
                        "in_archive": arcname,
                    }
                )
            records.append(
                {
                    "form": submission.form_title,
                    "submitted_at": submission.submitted_at.isoformat(),
                    "channel": submission.channel,
                    "language": submission.language,
                    "contact": {
                        "name": submission.contact_name,
                        "phone": submission.contact_phone,
                        "email": submission.contact_email,
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
                    "case": _case_record(case),
                }
            )
        payload = {"exported_at": timezone.now().isoformat(), "submissions": records}
        archive.writestr("person.json", json.dumps(payload, ensure_ascii=False, indent=2))
    return buffer.getvalue(), len(submissions)


def _safe_name(name):
    return re.sub(r"[^\w.\-]+", "_", name or "file")[:100]


def _case_record(case):
    if case is None:
        return None
    return {
        "reference": case.reference,
        "service": case.service_title,
        "status": case.status,
        "submitted_at": case.submitted_at.isoformat(),
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "rating": case.rating,
        "rating_comment": case.rating_comment,
        "public_reason": case.public_reason,
        "timeline": [
            {"at": event.created_at.isoformat(), "kind": event.kind, "public": event.public, "message": event.message}
            for event in case.events.all()
        ],
    }


def erase_person(query):
    """Anonymise every case of the person and blank submissions without a case.
    Returns (submissions found, cases anonymised)."""
    submissions = find_submissions(query)
    cases = 0
    for submission in submissions:
        case = _case_of(submission)
        if case is not None:
            cases += anonymise(case, reason=Anonymisation.Reason.ERASURE)
            continue
        for upload in list(submission.files.all()):
            upload.file.delete(save=False)
            upload.delete()
        Submission.objects.filter(pk=submission.pk).update(
            answers={}, contact_name="", contact_phone="", contact_email="", location_text=""
        )
    return len(submissions), cases


# -- The access log ---------------------------------------------------------------------------

LOGGED_VIEWS = {
    "case_detail": PersonalDataAccess.Action.VIEW,
    "case_admin_file": PersonalDataAccess.Action.FILE,
    "case_admin_photo": PersonalDataAccess.Action.PHOTO,
    "case_receipt": PersonalDataAccess.Action.RECEIPT,
}


def log_access(request, action, case=None, reference="", detail=""):
    user = request.user
    PersonalDataAccess.objects.create(
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        case_id=getattr(case, "pk", case),
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
