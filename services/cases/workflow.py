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

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from services.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseSettings, CaseStage, CaseStatus, StageStatus
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
}
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
    """Move `case` to `target` as an officer. Raises IllegalTransition / EditConflict."""
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
    if case.status == S.WAITING:
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
    if after_photo is not None:
        # The file must be stored before the row points at it.
        name = case.after_photo.field.generate_filename(case, after_photo.name)
        fields["after_photo"] = case.after_photo.storage.save(name, after_photo)
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
