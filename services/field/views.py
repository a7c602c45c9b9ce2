"""The field view: an officer's jobs on a phone, and one job's photos, note and "done".

Who may open it is the admin queue's rule (`admin_views.can_use_queue`), and which cases is the
case room's scoping (`Case.objects.visible_to`): a case outside the officer's departments is a
404, as in the admin. Staff give their second factor first (portal.two_factor's middleware asks
on every path, this one included). Every change goes through `services.cases.workflow` with the
version the officer's page showed, so two officers on one job get a message, not a 500.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.templatetags.portal_tags import thaidate
from services.cases import photos as case_photos
from services.cases import workflow
from services.cases.admin_views import can_use_queue, departments_for
from services.cases.models import Case, CaseEvent, CasePhoto, CaseStatus
from services.field import evidence
from services.field.forms import PHOTO_FIELDS, ReportForm, TakeForm
from services.field.jobs import Job, attach_photos, open_jobs, parse_position, sort_by_distance

# The steps from each open status to "done": a job nobody accepted yet is accepted on the way.
DONE_PATH = {
    CaseStatus.RECEIVED: [CaseStatus.ACCEPTED, CaseStatus.RESOLVED],
    CaseStatus.ACCEPTED: [CaseStatus.RESOLVED],
    CaseStatus.IN_PROGRESS: [CaseStatus.RESOLVED],
    CaseStatus.WAITING: [CaseStatus.RESOLVED],
}


def _officer(request):
    """None when the request may go on, else the response that stops it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_use_queue(request):
        raise PermissionDenied
    return None


@never_cache
def jobs(request):
    """/<lang>/field/: my open jobs by due date, or by distance when the phone gave its position."""
    stop = _officer(request)
    if stop is not None:
        return stop
    found = open_jobs(request)
    position = parse_position(request.GET) if request.GET.get("sort") == "distance" else None
    if position is not None:
        found = sort_by_distance(found, position)
    context = {
        "mine": [job for job in found if job.mine],
        "unassigned": [job for job in found if not job.mine],
        "by_distance": position is not None,
        "position_refused": request.GET.get("sort") == "distance" and position is None,
    }
    return render(request, "services/field/jobs.html", context)


def _case(request, pk):
    departments = departments_for(request)
    return get_object_or_404(
        Case.objects.visible_to(request.user, departments=departments).select_related(
            "submission", "department", "assignee"
        ),
        pk=pk,
    )


@never_cache
def job(request, pk):
    """/<lang>/field/<id>/: one job: the place, the resident's words and photos; photos, a note
    and "done" (POST action "save" or "done"), or "take" for an unassigned job."""
    stop = _officer(request)
    if stop is not None:
        return stop
    case = _case(request, pk)
    form = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "take":
            return _take(request, case)
        files = request.FILES  # parsed first: the capped handler notes what it skipped
        too_big = [name for name, _file in getattr(request, "_fb_oversize", [])]
        form = ReportForm(request.POST, files, too_big=too_big)
        status = _report(request, case, form, done=action == "done")
        if status is None:
            # `saved` tells the page's script the server has the note: its copy can go.
            return redirect(reverse("field_job", args=[case.pk]) + "?saved=1")
    return render_job(request, case, form, status)


def render_job(request, case, form=None, status=200):
    if form is None:
        form = ReportForm(initial={"version": case.version})
    else:
        # Whatever happened, the next try is against the case as it is now; the note stays.
        data = form.data.copy()
        data["version"] = case.version
        form.data = data
    item = Job(case=case, mine=case.assignee_id == request.user.pk)
    attach_photos([item])
    photos = [{"photo": photo, "flags": evidence.flags(photo)} for photo in evidence.site_photos(case)]
    context = {
        "job": item,
        "case": case,
        "form": form,
        "take_form": TakeForm(initial={"version": case.version}),
        "field_photos": photos,
        "can_finish": case.status in DONE_PATH,
        "done_by": _done_by(case) if case.status == CaseStatus.RESOLVED else None,
        "saved": request.method == "GET" and request.GET.get("saved") == "1",
    }
    return render(request, "services/field/job.html", context, status=status)


def _take(request, case):
    form = TakeForm(request.POST)
    if not form.is_valid() or case.assignee_id is not None:
        messages.error(request, _("Someone else has taken this job."))
        return redirect("field_job", pk=case.pk)
    try:
        workflow.assign(case, request.user, request.user, expected_version=form.cleaned_data["version"])
        if case.status == CaseStatus.RECEIVED:
            workflow.change_status(case, CaseStatus.ACCEPTED, request.user, expected_version=case.version)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The job is yours."))
    return redirect("field_job", pk=case.pk)


def _report(request, case, form, *, done):
    """Photos, then "done", then the note. Returns None when all went through (the view
    redirects), else the status to re-render the form with (the note kept, a message at the
    field that failed). A photo that was stored stays stored: it is evidence either way."""
    if not form.is_valid():
        return 400
    stale = form.cleaned_data["version"] != case.version
    recorded = []
    for role, upload in form.photos():
        try:
            recorded.append(evidence.record(case, upload, role=role, user=request.user))
        except ValidationError as error:
            form.add_error(PHOTO_FIELDS[role], error.messages)
    for photo in recorded:
        found = evidence.flags(photo)
        if found:
            messages.warning(
                request,
                _("Photo saved, but check it: %(flags)s") % {"flags": "; ".join(str(flag) for flag in found)},
            )
        else:
            messages.success(request, _("Photo saved."))
    if form.errors:
        return 400
    case.refresh_from_db()
    note = form.cleaned_data["note"].strip()
    if done:
        if stale or case.status not in DONE_PATH:
            return _refused(request, case, form)
        # The after photo of this visit (or the latest one taken before) becomes the case's.
        after = next((photo for photo in reversed(recorded) if photo.role == CasePhoto.Role.AFTER), None)
        after = after or (None if case.after_photo else evidence.latest_after(case))
        try:
            for step in DONE_PATH[CaseStatus(case.status)]:
                photo = after if step == CaseStatus.RESOLVED else None
                workflow.change_status(case, step, request.user, after_photo=photo, expected_version=case.version)
        except workflow.EditConflict:
            case.refresh_from_db()
            return _refused(request, case, form)
        except workflow.WorkflowError as error:
            form.add_error(None, str(error))
            case.refresh_from_db()
            return 400
    if note:
        workflow.add_note(case, note, request.user)
    if done:
        messages.success(request, _("Done: the job is marked as fixed and the resident is told."))
    elif note:
        messages.success(request, _("Note saved."))
    elif not recorded:
        form.add_error(None, _("Nothing to save: take a photo or write a note."))
        return 400
    return None


def _refused(request, case, form):
    """Someone else moved the job first: say who, keep the note."""
    if case.status == CaseStatus.RESOLVED:
        by = _done_by(case)
        form.add_error(
            None,
            _("This job was already marked done by %(name)s on %(time)s. Your note was not saved; it is kept below.")
            % {"name": by["name"], "time": by["time"]},
        )
    else:
        form.add_error(
            None,
            _(
                "Someone else changed this job while you were on it. Your note is kept below: check the job and try again."
            ),
        )
    return 409


def _done_by(case):
    event = (
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.STATUS, to_status=CaseStatus.RESOLVED)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None:
        return {"name": _("another officer"), "time": thaidate(case.resolved_at, "datetime")}
    actor = event.actor
    name = (actor.get_full_name() or actor.get_username()) if actor else _("another officer")
    return {"name": name, "time": thaidate(event.created_at, "datetime")}


def photo(request, pk, photo_id):
    """A before or after photo of the job, inline, for the officers who may open the case."""
    stop = _officer(request)
    if stop is not None:
        return stop
    case = _case(request, pk)
    found = get_object_or_404(case.photos.filter(role__in=evidence.ON_SITE), pk=photo_id)
    return case_photos.serve_inline(
        found.file, f"{case.reference}-{found.role}-{found.pk}", thumb=case_photos.wants_thumb(request)
    )
