"""A case that follows its service's published steps (issue 20): stages, approvals, the record
of missing documents and the Licensing Facilitation Act's delay notices.

When a case opens for a service whose guide lists steps, the steps are copied onto the case
(`CaseStage`), so editing the guide never rewrites a running case. Officers move the case from
stage to stage; a stage that needs a role's sign-off waits for a holder of that role in the
case's office, who approves (the next stage starts) or sends it back with a reason. Every move
is a line on the timeline, and every move takes the case's optimistic lock like any other
change (`workflow.write`), so two officers cannot move one case twice.

An incomplete application gets a written record of what is missing or wrong: the case waits for
the resident (the SLA clock pauses exactly as "waiting for the resident" always has, see
`services.cases.sla`) until they upload the documents from their tracking page. Services
without steps keep the plain status flow: none of this applies to them.
"""

import datetime
import re
import uuid

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Locale

from forms_builder.models import SubmissionFile
from portal.i18n import ascii_digits
from portal.templatetags.portal_tags import thaidate
from services.cases import workflow
from services.cases.models import (
    OPEN_STATUSES,
    ApprovalRole,
    ApprovalRoleKey,
    Case,
    CaseEvent,
    CaseStage,
    CaseStatus,
    DeficiencyRecord,
    DelayNotice,
    StageStatus,
)
from services.cases.sla import WorkingCalendar, local_date

S = CaseStatus
DAYS = re.compile(r"(\d+)\s*(วันทำการ|วัน|working days?|days?)", re.IGNORECASE)
# Days before an approver's "may I approve anything?" is asked of the database again.
APPROVER_CACHE_SECONDS = 300
# The Licensing Facilitation Act: a notice every 7 days once the published time has passed.
NOTICE_EVERY_DAYS = 7


class NotApprover(workflow.WorkflowError):
    """The person holds no such role in the case's office."""


def step_days(value):
    """A step's working days: `duration_days` when the editor gave it, else read from the
    manual's wording ("7 วัน", "๗ วัน", "2 days"); minutes or hours count as 0."""
    days = value.get("duration_days")
    if days not in (None, ""):
        return max(int(days), 0)
    found = DAYS.search(ascii_digits(value.get("duration") or ""))
    return int(found.group(1)) if found else 0


def _english_steps(service):
    """The English guide's steps, for the stages' English names (a query only for guides with steps)."""
    try:
        english = service.get_translation(Locale.objects.get(language_code="en"))
    except Exception:  # noqa: BLE001 - no English locale or translation: the Thai names stand
        return []
    return list(english.specific.steps.raw_data)


def snapshot(case, service):
    """Copy `service`'s steps onto `case` (called by the intake in the case's transaction). The
    first stage starts when the request was filed. Returns the stages made ([] without steps)."""
    steps = list(service.steps.raw_data) if service is not None else []
    if not steps:
        return []
    english = _english_steps(service)
    calendar = WorkingCalendar(case.site)
    stages = []
    for index, step in enumerate(steps):
        value = step.get("value") or {}
        other = (english[index].get("value") or {}) if index < len(english) else {}
        role = value.get("approval_role") or ""
        stages.append(
            CaseStage(
                case=case,
                order=index + 1,
                name=(value.get("description") or "")[:300],
                name_en=(other.get("description") or "")[:300],
                duration_days=min(step_days(value), 365),
                responsible=(value.get("responsible") or "")[:120],
                approval_role=role if role in ApprovalRoleKey.values else "",
            )
        )
    first = stages[0]
    first.status = StageStatus.CURRENT
    first.started_at = case.submitted_at
    first.expected_date = calendar.add_working_days(local_date(case.submitted_at), first.duration_days)
    return CaseStage.objects.bulk_create(stages)


def current_stage(stages):
    return next((s for s in stages if s.status in (StageStatus.CURRENT, StageStatus.AWAITING_APPROVAL)), None)


def published_days(stages):
    return sum(stage.duration_days for stage in stages)


def paused_days(calendar, records, today):
    """Working days the case waited for the resident's documents (from each record to the upload)."""
    return sum(
        calendar.working_days_between(local_date(r.created_at), local_date(r.resolved_at) if r.resolved_at else today)
        for r in records
    )


def elapsed_days(case, records, calendar, today=None):
    """Working days the office has spent on the case: from filing to today (or to its
    resolution), less the days it waited for the resident's documents."""
    today = today or timezone.localdate()
    end = local_date(case.resolved_at) if case.resolved_at and not case.is_open else today
    spent = calendar.working_days_between(local_date(case.submitted_at), end)
    return max(spent - paused_days(calendar, records, end), 0)


def _start(stage, now, calendar):
    stage.status = StageStatus.CURRENT
    stage.started_at = now
    stage.expected_date = calendar.add_working_days(local_date(now), stage.duration_days)


def _save(*stages):
    for stage in stages:
        stage.save(update_fields=["status", "started_at", "finished_at", "expected_date", "decided_by"])


def _in_thai(text_fn):
    with translation.override("th"):  # the office's record, in its language
        return str(text_fn())


def move(case, user=None, *, expected_version=None):
    """Finish the case's current stage. A stage that needs a role's approval goes to its
    approvers instead; otherwise the next stage starts, and after the last the case is resolved.
    Raises EditConflict for a stale version, WorkflowError when the case cannot move now."""
    now = timezone.now()
    with transaction.atomic():
        stages = list(CaseStage.objects.select_for_update().filter(case=case).order_by("order"))
        stage = current_stage(stages)
        if expected_version is not None and int(expected_version) != Case.objects.get(pk=case.pk).version:
            raise workflow.EditConflict()
        if stage is None:
            raise workflow.WorkflowError(_("This case has no stage left to complete."))
        if stage.status == StageStatus.AWAITING_APPROVAL:
            raise workflow.WorkflowError(_("This stage is waiting for approval: the approver decides first."))
        if case.status == S.WAITING:
            raise workflow.WorkflowError(
                _("The case is waiting for the resident's documents. It moves on once they are received.")
            )
        if not case.is_open:
            raise workflow.WorkflowError(_("This case is finished: its stages can no longer move."))
        fields = {}
        if case.status in (S.RECEIVED, S.ACCEPTED):
            fields["status"] = S.IN_PROGRESS
        if stage.approval_role:
            stage.status = StageStatus.AWAITING_APPROVAL
            role = role_title(case.site_id, stage.approval_role)
            message = _in_thai(
                lambda: _("%(stage)s: sent for approval by %(role)s.") % {"stage": stage.name, "role": role}
            )
            event = CaseEvent(kind=CaseEvent.Kind.STAGE, public=False, actor=user, message=message, created_at=now)
            workflow.write(case, expected_version, fields, [event])
            _save(stage)
            forget_approvers()
            return stage
        events = _finish(stage, stages, now, user, case, fields)
        workflow.write(case, expected_version, fields, events)
        _save(*stages)
    return stage


def _finish(stage, stages, now, user, case, fields, kind=CaseEvent.Kind.STAGE, message_prefix=""):
    """Mark `stage` done and start the next, or after the last resolve the case (a status
    change the resident is told about). Returns the timeline events."""
    stage.status = StageStatus.DONE
    stage.finished_at = now
    following = [s for s in stages if s.order > stage.order]
    if following:
        _start(following[0], now, WorkingCalendar(case.site))
        message = _in_thai(
            lambda: _("%(stage)s: done. Next: %(next)s.") % {"stage": stage.name, "next": following[0].name}
        )
    else:
        fields.update({"status": S.RESOLVED, "resolved_at": now})
        message = _in_thai(lambda: _("%(stage)s: done. All stages are complete.") % {"stage": stage.name})
    events = [CaseEvent(kind=kind, public=True, actor=user, message=(message_prefix + message).strip(), created_at=now)]
    if not following:
        events.append(
            CaseEvent(
                kind=CaseEvent.Kind.STATUS,
                public=True,
                actor=user,
                from_status=case.status,
                to_status=S.RESOLVED,
                created_at=now + datetime.timedelta(microseconds=1),
            )
        )
    return events


# --- approvals ---------------------------------------------------------------------------------


def role_title(site_id, key):
    role = ApprovalRole.objects.filter(site_id=site_id, key=key).first()
    return role.title() if role is not None else str(ApprovalRoleKey(key).label)


def holds(user, site_id, key):
    return (
        user.is_authenticated
        and user.is_active
        and ApprovalRole.objects.filter(site_id=site_id, key=key, members=user).exists()
    )


def is_approver(user):
    """Whether the person holds any approval role (the admin menu asks on every page: cached)."""
    if not user.is_authenticated:
        return False
    key = f"approver:{user.pk}"
    found = cache.get(key)
    if found is None:
        found = ApprovalRole.objects.filter(members=user).exists()
        cache.set(key, found, APPROVER_CACHE_SECONDS)
    return found


def forget_approvers(*user_ids):
    """Roles changed: the menu asks again (m2m_changed receiver, see CasesConfig.ready)."""
    if user_ids:
        cache.delete_many([f"approver:{pk}" for pk in user_ids])


def members_changed(sender, instance, action, pk_set=None, reverse=False, **kwargs):
    """m2m_changed of ApprovalRole.members: whoever gained or lost a role sees the menu change."""
    if not action.startswith("post_"):
        return
    if reverse:
        forget_approvers(instance.pk)
    else:
        forget_approvers(*(pk_set or instance.members.values_list("pk", flat=True)))


def awaiting(user):
    """The stages waiting for a role this person holds, in the offices where they hold it,
    oldest first: two queries whatever the number of offices and cases."""
    held = list(ApprovalRole.objects.filter(members=user).values_list("site_id", "key"))
    if not held:
        return CaseStage.objects.none()
    match = Q(pk__in=[])
    for site_id, key in held:
        match |= Q(case__site_id=site_id, approval_role=key)
    return (
        CaseStage.objects.filter(match, status=StageStatus.AWAITING_APPROVAL)
        .select_related("case", "case__site")
        .order_by("started_at", "pk")
    )


def _decide(stage, user):
    """The stage, locked and re-read, if `user` may decide it now; raises otherwise."""
    fresh = CaseStage.objects.select_for_update().select_related("case__site").get(pk=stage.pk)
    if not holds(user, fresh.case.site_id, fresh.approval_role):
        raise NotApprover(_("Only a holder of this role in the case's office may decide this stage."))
    if fresh.status != StageStatus.AWAITING_APPROVAL:
        raise workflow.WorkflowError(_("This stage has already been decided."))
    return fresh


def approve(stage, user, note=""):
    """Sign the stage off: it is done and the next stage starts. On the public timeline."""
    now = timezone.now()
    with transaction.atomic():
        stage = _decide(stage, user)
        case = Case.objects.select_for_update().get(pk=stage.case_id)
        stages = list(CaseStage.objects.filter(case=case).order_by("order"))
        stage = next(s for s in stages if s.pk == stage.pk)
        who = user.get_full_name() or user.get_username()
        role = role_title(case.site_id, stage.approval_role)
        prefix = (
            _in_thai(lambda: _("Approved by %(who)s (%(role)s).") % {"who": who, "role": role})
            + (f" {note.strip()}" if note.strip() else "")
            + " "
        )
        fields = {}
        events = _finish(stage, stages, now, user, case, fields, kind=CaseEvent.Kind.APPROVED, message_prefix=prefix)
        stage.decided_by = user
        workflow.write(case, None, fields, events)
        _save(*stages)
    forget_approvers()
    return stage


def send_back(stage, user, reason):
    """Return the stage to the officers with a reason (required): it is under way again."""
    reason = (reason or "").strip()
    if not reason:
        raise workflow.WorkflowError(_("Say why the stage is sent back: the officers read it."))
    now = timezone.now()
    with transaction.atomic():
        stage = _decide(stage, user)
        case = stage.case
        who = user.get_full_name() or user.get_username()
        role = role_title(case.site_id, stage.approval_role)
        message = _in_thai(
            lambda: (
                _("%(stage)s: sent back by %(who)s (%(role)s). Reason: %(reason)s")
                % {"stage": stage.name, "who": who, "role": role, "reason": reason}
            )
        )
        stage.status = StageStatus.CURRENT
        stage.decided_by = user
        event = CaseEvent(kind=CaseEvent.Kind.SENT_BACK, public=False, actor=user, message=message, created_at=now)
        workflow.write(case, None, {}, [event])
        _save(stage)
    return stage


# --- incomplete applications ---------------------------------------------------------------------


def guide_documents(case):
    """The names of the documents the case's guide asks for (what the officer ticks)."""
    if case.service_id is None or case.service is None:
        return []
    return [(item.get("value") or {}).get("name", "") for item in case.service.documents.raw_data if item.get("value")]


def deficiency_text(record, language="th"):
    """The record as the resident reads it in a message: one line per document, then the note."""
    with translation.override(language):
        lines = [_("Documents missing or wrong in your application:")]
        lines += [f"- {item['name']} ({record.problem_label(item)})" for item in record.items]
        if record.note:
            lines.append(record.note)
        lines.append(_("Upload them from your tracking page. The time we take is paused until then."))
        return "\n".join(str(line) for line in lines)


def record_deficiencies(case, items, note, user=None, *, expected_version=None):
    """Write the record of missing documents and put the case on hold for the resident: the
    status goes to "waiting for the resident" (the resident is told, with the list, by the
    notifications area like every status change) and the clock pauses until the upload."""
    items = [{"name": str(i["name"])[:200], "problem": i.get("problem") or "missing"} for i in items if i.get("name")]
    if not items:
        raise workflow.WorkflowError(_("Tick at least one document that is missing or wrong."))
    if not case.is_open or case.status == S.WAITING:
        raise workflow.WorkflowError(_("Only a case being worked on can get a record of missing documents."))
    now = timezone.now()
    with transaction.atomic():
        record = DeficiencyRecord.objects.create(
            case=case, items=items, note=(note or "").strip(), created_at=now, created_by=user
        )
        language = "en" if getattr(case.submission, "language", "") == "en" else "th"
        events = [
            CaseEvent(
                kind=CaseEvent.Kind.DEFICIENCY,
                public=False,
                actor=user,
                message=deficiency_text(record, "th"),
                created_at=now,
            ),
            CaseEvent(
                kind=CaseEvent.Kind.STATUS,
                public=True,
                actor=user,
                from_status=case.status,
                to_status=S.WAITING,
                message=deficiency_text(record, language),
                created_at=now + datetime.timedelta(microseconds=1),
            ),
        ]
        workflow.write(case, expected_version, {"status": S.WAITING, "waiting_since": local_date(now)}, events)
    return record


def open_record(case):
    return case.deficiencies.filter(resolved_at__isnull=True).order_by("-created_at", "-pk").first()


def receive_documents(case, record, files):
    """The resident uploaded the documents (already checked, see ResidentReplyForm): keep them
    with their request's files, close the record and restart the clock (the case's due date and
    the current and later stages' expected dates move by the working days it waited, as on every
    way out of waiting: `workflow.resume_clock`)."""
    now = timezone.now()
    with transaction.atomic():
        updated = DeficiencyRecord.objects.filter(pk=record.pk, resolved_at__isnull=True).update(resolved_at=now)
        if not updated:
            raise workflow.WorkflowError(_("These documents have already been received."))
        for clean in files:
            stored = SubmissionFile(
                submission_id=case.submission_id,
                field_key=f"deficiency:{record.pk}",
                original_name=clean.name[:255],
                content_type=clean.content_type,
                size=len(clean.data),
            )
            stored.file.save(f"{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.data), save=False)
            stored.save()
        names = ", ".join(clean.name for clean in files)
        events = [CaseEvent(kind=CaseEvent.Kind.DOCUMENTS_RECEIVED, for_resident=True, message=names, created_at=now)]
        fields, then = {}, None
        if case.status == S.WAITING:
            resumed, then = workflow.resume_clock(case, now)
            fields = {"status": S.IN_PROGRESS, **resumed}
            events.append(
                CaseEvent(
                    kind=CaseEvent.Kind.STATUS,
                    public=True,
                    from_status=S.WAITING,
                    to_status=S.IN_PROGRESS,
                    created_at=now + datetime.timedelta(microseconds=1),
                )
            )
        workflow.write(case, None, fields, events, then)
    return case


# --- the Act's delay notices ----------------------------------------------------------------------


def stage_label(stage, site_id, language):
    """A stage as the resident reads it: its name (in their language), the unit responsible and,
    while it waits for a sign-off, whose."""
    name = stage.name_en if language == "en" and stage.name_en else stage.name
    if stage.responsible:
        name = f"{name} ({stage.responsible})"
    if stage.status == StageStatus.AWAITING_APPROVAL and stage.approval_role:
        name = _("%(stage)s, awaiting approval: %(role)s") % {
            "stage": name,
            "role": role_title(site_id, stage.approval_role),
        }
    return name


def delay_facts(case, today, language):
    """What the Act's delay notice tells the resident, as plain text in `language`: the published
    working days, the days past the deadline, the current stage and the date the office now
    expects to finish. The expected date is the later of the current stage's own expected date
    and the next working day, plus the working days of the stages still to come. The timeline's
    line and the message (services.notifications) both read it from here."""
    stages = list(case.stages.all())
    calendar = WorkingCalendar(case.site)
    stage = current_stage(stages)
    start = calendar.add_working_days(today, 1)
    if stage is not None and stage.expected_date and stage.expected_date > start:
        start = stage.expected_date
    expected = calendar.add_working_days(start, sum(s.duration_days for s in stages if s.status == StageStatus.PENDING))
    with translation.override(language):
        return {
            "days": published_days(stages),
            "days_over": max((today - case.due_date).days, 0) if case.due_date else 0,
            "stage": stage_label(stage, case.site_id, language) if stage is not None else _("(the final decision)"),
            "expected_date": thaidate(expected, "long"),
        }


def delay_notice_text(case, today, language):
    """The timeline's line for a delay notice, in the resident's language."""
    facts = delay_facts(case, today, language)
    with translation.override(language):
        return str(
            _(
                "Your request has passed the published time of %(days)s working days (%(days_over)s days over). "
                "Where it is now: %(stage)s. We now expect to finish by %(expected_date)s. Under the Licensing "
                "Facilitation Act B.E. 2558, section 10, we will tell you again every 7 days until it is decided."
            )
            % facts
        )


def delayed_cases(today=None):
    """Open cases with stages past their published time (not while waiting for the resident)."""
    today = today or timezone.localdate()
    return (
        Case.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today, stages__isnull=False)
        .exclude(status=S.WAITING)
        .distinct()
    )


def send_delay_notices(today=None):
    """Daily: the Act's notice to each resident whose request is past its published time, once
    per 7 days per case. The (case, period) constraint makes running twice, or twice at once,
    send one notice. The notice is its own line on the resident's timeline (`DELAY_NOTICE`), which
    the notifications area sends with its own wording on the resident's channel. Returns the
    number of notices sent."""
    today = today or timezone.localdate()
    sent = 0
    for case in delayed_cases(today).select_related("site", "submission").iterator():
        days_over = (today - case.due_date).days
        period = (days_over - 1) // NOTICE_EVERY_DAYS
        try:
            with transaction.atomic():
                DelayNotice.objects.create(case=case, period=period, sent_on=today, days_over=days_over)
                language = "en" if case.submission.language == "en" else "th"
                CaseEvent.objects.create(
                    case=case,
                    kind=CaseEvent.Kind.DELAY_NOTICE,
                    for_resident=True,
                    message=delay_notice_text(case, today, language),
                )
        except IntegrityError:
            continue  # this week's notice already went out
        sent += 1
    return sent
