"""The case state machine and every change an officer or resident makes to a case.

All writes go through here so that three rules hold everywhere:

1. only the transitions in ``TRANSITIONS`` happen (anything else raises ``IllegalTransition``
   with a message for the person who tried);
2. every change appends a ``CaseEvent`` (the timeline is the audit trail);
3. a change is written only if the case's ``version`` is still the one the officer saw
   (optimistic locking: a conditional UPDATE, so it also holds across processes); otherwise
   ``EditConflict`` is raised and nothing is written.
"""

import datetime
import hashlib

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.templatetags.portal_tags import thaidate
from services.cases import evidence
from services.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CasePhoto,
    CaseSettings,
    CaseStage,
    CaseStatus,
    Priority,
    StageStatus,
)
from services.cases.signals import case_merged, case_unmerged
from services.cases.sla import WorkingCalendar, local_date

S = CaseStatus

# from-status → statuses an officer may move a case to.
TRANSITIONS = {
    S.RECEIVED: [S.ACCEPTED, S.REJECTED],
    S.ACCEPTED: [S.IN_PROGRESS, S.WAITING, S.RESOLVED, S.REJECTED],
    S.IN_PROGRESS: [S.WAITING, S.RESOLVED, S.REJECTED],
    S.WAITING: [S.IN_PROGRESS, S.RESOLVED, S.REJECTED],
    S.RESOLVED: [S.CLOSED],
    S.REJECTED: [S.CLOSED],
    S.CLOSED: [],
    # Back from an outside agency through the status form too (`take_back` and `agency_done`
    # are the named paths); a case is referred only by `refer`, which names the agency.
    S.REFERRED: [S.IN_PROGRESS, S.RESOLVED, S.REJECTED],
}
# Statuses whose SLA clock is paused (`waiting_since`): leaving them resumes it (`resume_clock`).
PAUSED = {S.WAITING, S.REFERRED}
# From where an officer may pass a case to an outside agency.
REFERABLE = {S.ACCEPTED, S.IN_PROGRESS, S.WAITING}
# The resident tells us what they need to hear; closing and rejecting without a reason is refused.
REASON_REQUIRED = {S.REJECTED, S.CLOSED}
# Where a reopened case goes back to.
REOPEN_TO = S.IN_PROGRESS


class WorkflowError(Exception):
    """A refused change; `str(error)` is a message for the person who tried."""


class IllegalTransition(WorkflowError):
    pass


class EditConflict(WorkflowError):
    def __init__(self, message=None):
        super().__init__(
            message
            or _(
                "Someone else changed this case while you were editing it. Your change was not saved: check the case and try again."
            )
        )


def allowed_targets(status):
    return list(TRANSITIONS.get(status, []))


def can_transition(status, target):
    return target in TRANSITIONS.get(status, [])


def _write(case, expected_version, fields, events, then=None):
    """Write `fields` only if the case is still at `expected_version`, then append `events`
    (and call `then()`, in the same transaction, for rows that move with the case).

    The conditional UPDATE is the lock: whoever saves second matches no row and gets a conflict.
    """
    expected = case.version if expected_version is None else int(expected_version)
    fields = {**fields, "updated_at": timezone.now()}
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, version=expected).update(version=F("version") + 1, **fields)
        if not updated:
            raise EditConflict()
        for event in events:
            event.case = case
            event.save()
        if then is not None:
            then()
    for name, value in fields.items():
        setattr(case, name, value)
    case.version = expected + 1
    return case


# The optimistic-locked write, for the case room's other writers (services.cases.stages).
write = _write


def _settings(case):
    return CaseSettings.for_site(case.site)


def change_status(case, target, user=None, *, message="", reject_reason="", after_photo=None, expected_version=None):
    """Move `case` to `target` as an officer. Raises IllegalTransition / EditConflict.

    `after_photo`: a `CasePhoto` already recorded (`services.cases.evidence.record_photo`), whose
    stored file becomes the case's after photo; or a cleaned file (ContentFile), stored as
    before and recorded as an after photo whose facts are whatever the file still carries."""
    target = CaseStatus(target)
    if not can_transition(case.status, target):
        raise IllegalTransition(
            _("A case that is “%(current)s” cannot be moved to “%(target)s”.")
            % {"current": CaseStatus(case.status).label, "target": target.label}
        )
    message = (message or "").strip()
    if target in REASON_REQUIRED and not message:
        raise WorkflowError(_("Give the reason the resident will read."))
    if target == S.REJECTED and not reject_reason:
        raise WorkflowError(_("Choose why the request is rejected."))
    now = timezone.now()
    fields = {"status": target}
    then = None
    if case.status in PAUSED:
        # The clock was paused: push the deadline (and the stages' dates) by the days spent waiting.
        resumed, then = resume_clock(case, now)
        fields.update(resumed)
    if target == S.WAITING:
        fields["waiting_since"] = local_date(now)
    if target == S.RESOLVED:
        fields["resolved_at"] = now
    if target in (S.REJECTED, S.CLOSED):
        fields["public_reason"] = message
        fields["closed_at"] = now if target == S.CLOSED else case.closed_at
    if target == S.REJECTED:
        fields["reject_reason"] = reject_reason
    if case.status == S.REFERRED:
        fields["referred_to"] = ""
    if isinstance(after_photo, CasePhoto):
        fields["after_photo"] = after_photo.file.name
    elif after_photo is not None:
        # The file must be stored before the row points at it.
        name = case.after_photo.field.generate_filename(case, after_photo.name)
        fields["after_photo"] = case.after_photo.storage.save(name, after_photo)
        then = _also(then, lambda: _record_stored_after_photo(case, fields["after_photo"], user, now))
    event = CaseEvent(
        kind=CaseEvent.Kind.STATUS,
        public=True,
        actor=user,
        from_status=case.status,
        to_status=target,
        message=message,
        created_at=now,
    )
    return _write(case, expected_version, fields, [event], then)


def _also(first, second):
    """Two `then` callbacks as one."""
    if first is None:
        return second

    def both():
        first()
        second()

    return both


def _record_stored_after_photo(case, name, user, now):
    """An after photo given to `change_status` as a file (already cleaned, so it carries no
    capture data any more): recorded like any other, flagged as the facts say."""
    with case.after_photo.storage.open(name, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    photo = evidence.photo_from_facts(
        case, {"sha256": digest}, role=CasePhoto.Role.AFTER, file_name=name, user=user, now=now
    )
    photo.save()
    Case.objects.filter(pk=case.pk).update(fix_flagged=bool(photo.flags))
    case.fix_flagged = bool(photo.flags)


def resume_clock(case, now):
    """The case leaves "waiting for the resident", whichever way (the officer's status form, the
    resident's reply, their uploaded documents): the clock restarts. Returns `(fields, then)`:
    the case's fields (the deadline moved by the working days spent waiting) and, for the write
    to call in its transaction, the move of the current and later stages' expected dates by the
    same days (None when nothing moves). The one rule for every path out of waiting."""
    if not case.waiting_since or not case.due_date:
        return {"waiting_since": None}, None
    calendar = WorkingCalendar(case.site)
    waited = calendar.working_days_between(case.waiting_since, local_date(now))
    if not waited:
        return {"waiting_since": None}, None

    def move_stages():
        running = CaseStage.objects.filter(case=case, expected_date__isnull=False).exclude(status=StageStatus.DONE)
        for stage in running:
            stage.expected_date = calendar.add_working_days(stage.expected_date, waited)
            stage.save(update_fields=["expected_date"])

    return {"waiting_since": None, "due_date": calendar.add_working_days(case.due_date, waited)}, move_stages


def assign(case, assignee, user=None, *, expected_version=None):
    event = CaseEvent(kind=CaseEvent.Kind.ASSIGNED, public=False, actor=user, message=str(assignee or "-"))
    return _write(case, expected_version, {"assignee": assignee}, [event])


def set_priority(case, priority, user=None, *, expected_version=None):
    event = CaseEvent(kind=CaseEvent.Kind.PRIORITY, public=False, actor=user, message=str(priority))
    return _write(case, expected_version, {"priority": int(priority)}, [event])


def add_note(case, text, user=None):
    """An internal note: never shown to the resident. Notes do not conflict with other edits."""
    return CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.NOTE, public=False, actor=user, message=text.strip())


DOCUMENT_KINDS = (
    CaseEvent.Kind.DOCUMENT_ISSUED,
    CaseEvent.Kind.DOCUMENT_REVOKED,
    CaseEvent.Kind.DOCUMENT_REISSUED,
)


def document_event(case, kind, text_fn, user=None):
    """A document issued, revoked or re-issued (issue 20): a line of the resident's verified
    timeline, `text_fn()` written in the language they filed in (the number, and the reason
    for a revocation or a new issue), never on the open timeline (a permit is the applicant's
    business). Does not touch the case row, so it never conflicts with an edit."""
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"not a document event: {kind}")
    return CaseEvent.objects.create(
        case=case, kind=kind, public=False, for_resident=True, actor=user, message=_in_language(case, text_fn).strip()
    )


def reply(case, text, user=None, *, public=False):
    """A reply the resident reads on their tracking page once verified (link or code), and is
    told about. Anyone holding only the reference sees it too only when the officer ticked
    "public": a reply about a person's request is that person's business by default."""
    return CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.REPLY, public=public, for_resident=True, actor=user, message=text.strip()
    )


def resident_reply(case, text):
    """The resident answered. If we were waiting for them, the clock restarts. Their message is
    theirs: shown on their verified page and to staff, never on the open timeline."""
    text = text.strip()
    if case.status == S.WAITING:
        now = timezone.now()
        resumed, then = resume_clock(case, now)
        fields = {"status": S.IN_PROGRESS, **resumed}
        events = [
            CaseEvent(kind=CaseEvent.Kind.RESIDENT_REPLY, for_resident=True, message=text, created_at=now),
            CaseEvent(
                kind=CaseEvent.Kind.STATUS,
                public=True,
                from_status=S.WAITING,
                to_status=S.IN_PROGRESS,
                created_at=now + datetime.timedelta(microseconds=1),
            ),
        ]
        return _write(case, None, fields, events, then)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.RESIDENT_REPLY, for_resident=True, message=text)
    return case


def reopen_deadline(case):
    """The last moment the resident may reopen, or None if the case is not reopenable."""
    finished = case.closed_at if case.status == S.CLOSED else case.resolved_at
    if case.status not in (S.RESOLVED, S.CLOSED) or finished is None:
        return None
    return finished + datetime.timedelta(days=_settings(case).reopen_days)


def can_reopen(case, now=None):
    # A merged case is followed through the case it was merged into; only staff undo a merge.
    if case.duplicate_of_id is not None:
        return False
    deadline = reopen_deadline(case)
    return deadline is not None and (now or timezone.now()) <= deadline


def reopen(case, reason):
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Tell us why the request should be reopened."))
    if not can_reopen(case):
        raise IllegalTransition(_("This request can no longer be reopened. Please file a new request."))
    now = timezone.now()
    settings = _settings(case)
    calendar = WorkingCalendar(case.site)
    processing = case.service.processing_days if case.service_id and case.service else settings.default_processing_days
    if not processing:
        processing = settings.default_processing_days
    fields = {
        "status": REOPEN_TO,
        "resolved_at": None,
        "closed_at": None,
        "due_date": calendar.add_working_days(local_date(now), processing),
    }
    event = CaseEvent(
        kind=CaseEvent.Kind.REOPENED,
        public=True,
        from_status=case.status,
        to_status=REOPEN_TO,
        message=reason,
        created_at=now,
    )
    return _write(case, None, fields, [event])


def rate(case, rating, comment=""):
    """Once per case, after it is resolved or closed. The conditional update makes "once" hold
    even if the resident double-submits."""
    rating = int(rating)
    if not 1 <= rating <= 5:
        raise WorkflowError(_("Choose from 1 to 5 stars."))
    if not case.can_be_rated():
        raise WorkflowError(_("This request cannot be rated now."))
    now = timezone.now()
    with transaction.atomic():
        updated = Case.objects.filter(pk=case.pk, rating__isnull=True).update(
            rating=rating, rating_comment=(comment or "").strip(), rated_at=now
        )
        if not updated:
            raise WorkflowError(_("This request has already been rated. Thank you."))
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.RATED, public=False, message=str(rating), created_at=now
        )
    case.rating, case.rating_comment, case.rated_at = rating, (comment or "").strip(), now
    return case


# --- merging duplicates ------------------------------------------------------------------------


class MergeRefused(WorkflowError):
    """A merge or an undo that cannot be done; the message says why, for the officer."""


def _resident_language(case):
    """The language the resident filed in: what they read on their tracking page is in it."""
    return "en" if getattr(case.submission, "language", "") == "en" else "th"


# A chain longer than this is a data error (merges are refused into a merged case); stop there.
LONGEST_CHAIN = 20


def followed_report(case):
    """The reference of the report a merged case's resident should follow: the end of its chain
    (C merged into B, then B into A: A, the one being worked on), as `case.duplicate_of` keeps
    pointing at the case it was merged into (see `merge`). One query per link beyond the first;
    None when `case` is not merged."""
    reference, next_id = None, case.duplicate_of_id
    for _step in range(LONGEST_CHAIN):
        if next_id is None:
            break
        row = Case.objects.filter(pk=next_id).values_list("reference", "duplicate_of_id").first()
        if row is None:
            break
        reference, next_id = row
    return reference


def check_merge(case, into):
    """Why `case` cannot be merged into `into`, or None. The view shows it next to the field."""
    if into.pk == case.pk:
        return _("A case cannot be a duplicate of itself. Choose the other report.")
    if into.site_id != case.site_id:
        return _("Only a case of the same office can be chosen.")
    if case.duplicate_of_id is not None:
        return _("This case is already merged into another. Undo that first.")
    if case.status not in OPEN_STATUSES:
        return _("Only an open case can be merged: this one is already finished.")
    if into.duplicate_of_id is not None:
        return _("%(reference)s is itself merged into another case: merge into that one instead.") % {
            "reference": into.reference
        }
    return None


def merge(case, into, user=None, *, expected_version=None):
    """Mark `case` (B) a duplicate of `into` (A): B closes with a reason that sends its resident
    to A, points at A (`duplicate_of`, so every figure counts the problem once), and both
    timelines say so: B's line is public (the resident reads it on the tracking page), A's is a
    staff note, as A's resident and followers learn nothing new about their problem from it.
    The status B had is kept on its "merged" event, for `unmerge`.

    Chains (C merged into B, then B into A). The rule, as in issue trackers (an issue closed as a
    duplicate keeps pointing at the one it duplicates, even when that one is closed as a
    duplicate later): a merge is an officer's decision and no later merge rewrites it. C keeps
    pointing at B, so undoing any one merge, in any order, is the exact inverse of that merge:
    undoing B→A leaves C merged into B (C is still B's problem, and B is handled again), undoing
    C→B leaves B merged into A. Who followed a merged report (its neighbours, its
    resident) follows the top of its chain, the report being worked on: the followers' receivers
    move them along (`services.places.following`). A merge only goes into a report that is not
    itself merged (`check_merge`): the officer is sent to the report being worked on (Signalen
    likewise never makes a child signal a parent), and with both rows locked no cycle can form.

    Both rows are locked in id order before the checks, so two officers merging A into B and B
    into A at once cannot make a cycle (the second finds the first's merge and is refused);
    B's version is the optimistic lock, as for every change. `case_merged` is sent once the
    transaction commits: its receivers (public reports' followers) must never move followers
    for a merge that was rolled back.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = {
            row.pk: row for row in Case.objects.select_for_update().filter(pk__in=[case.pk, into.pk]).order_by("pk")
        }
        fresh_into = locked.get(into.pk, into)
        fresh_case = locked.get(case.pk, case)
        if expected_version is not None and fresh_case.version != int(expected_version):
            raise EditConflict()
        refused = check_merge(fresh_case, fresh_into)
        if refused:
            raise MergeRefused(refused)
        with translation.override(_resident_language(case)):
            reason = str(
                _("Merged with %(reference)s, a report of the same problem: follow that report for updates.")
                % {"reference": into.reference}
            )
        with translation.override("th"):  # the staff timeline is the office's record, in its language
            note = str(
                _("%(reference)s, a report of the same problem, was merged into this case.")
                % {"reference": case.reference}
            )
        fields = {"status": S.CLOSED, "duplicate_of": into, "public_reason": reason, "closed_at": now}
        event = CaseEvent(
            kind=CaseEvent.Kind.MERGED,
            public=True,
            actor=user,
            from_status=fresh_case.status,
            to_status=S.CLOSED,
            message=reason,
            created_at=now,
        )
        _write(case, fresh_case.version if expected_version is None else expected_version, fields, [event])
        CaseEvent.objects.create(
            case=into, kind=CaseEvent.Kind.DUPLICATE_ADDED, public=False, actor=user, message=note, created_at=now
        )
        transaction.on_commit(lambda: case_merged.send(sender=Case, case=case, into=into, by=user))
    return case


def merged_tree(case):
    """The ids of `case` and of every case merged into it, directly or through another (C merged
    into B merged into `case`): one query per level, and chains are a level or two deep."""
    tree, level = {case.pk}, [case.pk]
    while level:
        level = [
            pk for pk in Case.objects.filter(duplicate_of__in=level).values_list("pk", flat=True) if pk not in tree
        ]
        tree.update(level)
    return tree


def status_before_merge(case):
    """The status `case` had when it was merged (kept on its latest "merged" event)."""
    event = case.events.filter(kind=CaseEvent.Kind.MERGED).order_by("-created_at", "-pk").first()
    status = event.from_status if event is not None else ""
    return CaseStatus(status) if status in OPEN_STATUSES else S.RECEIVED


def unmerge(case, user=None, *, expected_version=None):
    """Undo a merge ("not a duplicate"): `case` points at nothing again and goes back to the
    status it had, its deadline pushed by the working days it spent merged (nobody worked on it
    meanwhile, as while waiting for the resident). Both timelines say so, and `case_unmerged`
    is sent on commit (followers who came from it go back)."""
    into = case.duplicate_of
    if into is None:
        raise MergeRefused(_("This case is not merged into another."))
    now = timezone.now()
    back_to = status_before_merge(case)
    fields = {"status": back_to, "duplicate_of": None, "public_reason": "", "closed_at": None}
    if case.due_date and case.closed_at and back_to != S.WAITING:
        calendar = WorkingCalendar(case.site)
        merged_days = calendar.working_days_between(local_date(case.closed_at), local_date(now))
        if merged_days:
            fields["due_date"] = calendar.add_working_days(case.due_date, merged_days)
    with translation.override(_resident_language(case)):
        public = str(
            _("This report is handled on its own again: it is not the same problem as %(reference)s.")
            % {"reference": into.reference}
        )
    with translation.override("th"):
        note = str(
            _("%(reference)s is not the same problem after all: it is handled on its own again.")
            % {"reference": case.reference}
        )
    event = CaseEvent(
        kind=CaseEvent.Kind.UNMERGED,
        public=True,
        actor=user,
        from_status=case.status,
        to_status=back_to,
        message=public,
        created_at=now,
    )
    with transaction.atomic():
        _write(case, expected_version, fields, [event])
        CaseEvent.objects.create(
            case=into, kind=CaseEvent.Kind.UNMERGED, public=False, actor=user, message=note, created_at=now
        )
        transaction.on_commit(lambda: case_unmerged.send(sender=Case, case=case, into=into, by=user))
    return case


# --- outside agencies (issue 21 §3) ------------------------------------------------------------


def _in_language(case, text_fn):
    """`text_fn()` rendered in the language the resident filed in (what their page shows)."""
    with translation.override(_resident_language(case)):
        return str(text_fn())


def refer(case, user, *, agency_name, expected_version=None):
    """Pass `case` to an outside agency (the electricity authority, highways …): status
    REFERRED, the office's SLA clock paused (`waiting_since`, as while waiting for the
    resident; `take_back` and `agency_done` resume it through `resume_clock`), and a public line
    telling the resident "Passed to <agency> on <date>". Raises IllegalTransition from any
    status but accepted, in progress or waiting, WorkflowError without an agency, EditConflict."""
    agency_name = (agency_name or "").strip()[:200]
    if not agency_name:
        raise WorkflowError(_("Choose the agency the case is passed to."))
    if case.status not in REFERABLE:
        raise IllegalTransition(
            _("A case that is “%(current)s” cannot be passed to another agency.")
            % {"current": CaseStatus(case.status).label}
        )
    now = timezone.now()
    fields = {"status": S.REFERRED, "referred_to": agency_name}
    if case.status != S.WAITING or not case.waiting_since:
        fields["waiting_since"] = local_date(now)  # already paused while waiting: since then
    message = _in_language(
        case,
        lambda: _("Passed to %(agency)s on %(date)s.") % {"agency": agency_name, "date": thaidate(now, "long")},
    )
    event = CaseEvent(
        kind=CaseEvent.Kind.REFERRED,
        public=True,
        actor=user,
        from_status=case.status,
        to_status=S.REFERRED,
        message=message,
        created_at=now,
    )
    return _write(case, expected_version, fields, [event])


def _require_referred(case):
    if case.status != S.REFERRED:
        raise IllegalTransition(_("This case is no longer with the agency."))


def agency_update(case, text, *, agency_name):
    """The agency's news for the resident (a public line of the timeline). Only while the case
    is with the agency; does not touch the case row, so it never conflicts with an edit."""
    text = (text or "").strip()
    if not text:
        raise WorkflowError(_("Write the update."))
    _require_referred(case)
    return CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.AGENCY_UPDATE, public=True, message=f"{agency_name.strip()}: {text}"
    )


def agency_done(case, *, agency_name, message="", expected_version=None):
    """The agency reports the work done: the case is RESOLVED (the resident is asked "Is it
    fixed?" as for the office's own fixes), the clock resumed, and a public line says so."""
    _require_referred(case)
    now = timezone.now()
    resumed, then = resume_clock(case, now)
    extra = (message or "").strip()
    text = _in_language(case, lambda: _("%(agency)s reports the work is done.") % {"agency": agency_name.strip()})
    fields = {"status": S.RESOLVED, "resolved_at": now, **resumed}
    event = CaseEvent(
        kind=CaseEvent.Kind.AGENCY_DONE,
        public=True,
        from_status=S.REFERRED,
        to_status=S.RESOLVED,
        message=f"{text}\n{extra}" if extra else text,
        created_at=now,
    )
    return _write(case, expected_version, fields, [event], then)


def take_back(case, user, *, expected_version=None):
    """The office takes a referred case back (the agency could not act, or was the wrong one):
    IN_PROGRESS, the deadline moved by the working days the case was with the agency."""
    _require_referred(case)
    now = timezone.now()
    resumed, then = resume_clock(case, now)
    agency = case.referred_to
    text = _in_language(case, lambda: _("Back with our office from %(agency)s.") % {"agency": agency})
    fields = {"status": S.IN_PROGRESS, "referred_to": "", **resumed}
    event = CaseEvent(
        kind=CaseEvent.Kind.TAKEN_BACK,
        public=True,
        actor=user,
        from_status=S.REFERRED,
        to_status=S.IN_PROGRESS,
        message=text,
        created_at=now,
    )
    return _write(case, expected_version, fields, [event], then)


# --- "Is it fixed?" (issue 21 §2) -------------------------------------------------------------

CONFIRMED_REASON = _("Confirmed fixed by the resident")


def _answer(case, answer, fields, events):
    """Record the resident's answer once per resolution: the conditional update on the status
    and the resolution's time is the lock, so a double submit (or two tabs) answers once."""
    if not case.asks_if_fixed():
        raise WorkflowError(_("Thank you: this request does not need an answer now."))
    now = timezone.now()
    fields = {**fields, "fix_answer": answer, "fix_answered_at": now, "updated_at": now}
    with transaction.atomic():
        updated = Case.objects.filter(
            pk=case.pk, status=S.RESOLVED, resolved_at=case.resolved_at, version=case.version
        ).update(version=F("version") + 1, **fields)
        if not updated:
            raise WorkflowError(_("We already have your answer. Thank you."))
        for event in events:
            event.case = case
            event.created_at = now
            event.save()
    for name, value in fields.items():
        setattr(case, name, value)
    case.version += 1
    return case


def confirm_fix(case):
    """ "Yes, it is fixed": the case closes with that reason on the resident's page."""
    reason = _in_language(case, lambda: CONFIRMED_REASON)
    now = timezone.now()
    event = CaseEvent(
        kind=CaseEvent.Kind.FIX_CONFIRMED,
        public=True,
        from_status=S.RESOLVED,
        to_status=S.CLOSED,
        message=reason,
    )
    return _answer(case, "yes", {"status": S.CLOSED, "closed_at": now, "public_reason": reason}, [event])


def dispute_fix(case, comment=""):
    """ "No, it is not fixed": the case reopens (in progress, a fresh deadline as for a
    reopening) with its priority raised (normal → high, high → urgent), and the department
    head is told (services.notifications: FIX_DISPUTED)."""
    comment = (comment or "").strip()[:2000]
    settings = _settings(case)
    calendar = WorkingCalendar(case.site)
    processing = (case.service.processing_days if case.service_id and case.service else 0) or (
        settings.default_processing_days
    )
    priority = max(int(case.priority), Priority.HIGH) if case.priority < Priority.HIGH else Priority.URGENT
    fields = {
        "status": REOPEN_TO,
        "resolved_at": None,
        "priority": priority,
        "due_date": calendar.add_working_days(local_date(), processing),
    }
    event = CaseEvent(
        kind=CaseEvent.Kind.FIX_DISPUTED,
        public=True,
        from_status=S.RESOLVED,
        to_status=REOPEN_TO,
        message=comment,
    )
    return _answer(case, "no", fields, [event])
