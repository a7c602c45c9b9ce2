"""Reporting by chat, Traffy-style: a photo, a location and a few words, in any order, within
`LIFETIME` of the first message; the bot asks for what is missing with quick replies and files
the case through the same intake as the web form.

`handle(event, channel)` runs in the event's task. Anything slow or outside (fetching a photo
from LINE's content API, checking it) happens before the transaction; inside it the event is
claimed (`processed_at`) and the resident's open conversation is locked, so two runs of one
task, or two of the resident's messages processed at once, change it one after the other and
file it once. It returns the messages to answer with; the task sends them after commit.
"""

import datetime
import logging
import re
import uuid
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from forms_builder.fields import build_definition
from forms_builder.intake import hand_over
from forms_builder.models import Submission, SubmissionFile
from forms_builder.uploads import check_and_clean, hard_cap_bytes
from home.models import OfficeSettings
from services.areas.models import Area
from services.cases.intake import office_homes_q
from services.cases.models import Case
from services.cases.nearby import nearby_cases
from services.line import api, messages
from services.line.channel import followed
from services.line.models import Conversation, LineEvent
from services.models.guides import ServiceIndexPage, ServicePage
from services.notifications.events import base_url, office_name
from services.places import following
from services.places.models import FollowChannel, FollowOrigin

logger = logging.getLogger(__name__)

LIFETIME = datetime.timedelta(minutes=30)
MAX_DESCRIPTION = 2000
MY_CASES = 10
# What a case reference may look like in a postback ("BSR-69-TCTD7-T"); anything else names no case.
REFERENCE = re.compile(r"[A-Za-z0-9-]{1,40}")
# Where an office with no areas drawn may be: Thailand, with a little sea. An office with areas
# takes their joint box with MARGIN degrees (about 5 km) around it: a report from just over the
# boundary is still heard (the intake notes it for the officers), one from another province is not.
THAILAND = (Decimal("5.5"), Decimal("97.2"), Decimal("20.6"), Decimal("105.7"))
MARGIN = Decimal("0.05")


def services_for(site):
    """The office's live Thai public-place services with a live online form: the choices a
    resident reporting a problem in a place is offered."""
    return list(
        ServicePage.objects.live()
        .filter(
            office_homes_q(site),
            locale__language_code="th",
            public_place=True,
            online_form__isnull=False,
            online_form__live=True,
        )
        .select_related("online_form")
        .order_by("title", "pk")
    )


def office_box(site):
    """(south, west, north, east) a report of this office may lie in."""
    areas = Area.objects.filter(site=site)
    boxes = list(areas.values_list("min_latitude", "min_longitude", "max_latitude", "max_longitude"))
    if not boxes:
        return THAILAND
    south = min(Decimal(str(b[0])) for b in boxes) - MARGIN
    west = min(Decimal(str(b[1])) for b in boxes) - MARGIN
    north = max(Decimal(str(b[2])) for b in boxes) + MARGIN
    east = max(Decimal(str(b[3])) for b in boxes) + MARGIN
    return south, west, north, east


def inside_office(site, lat, lng):
    south, west, north, east = office_box(site)
    return south <= lat <= north and west <= lng <= east


def has_words(text):
    """A description is words: emoji, punctuation and digits alone describe nothing."""
    return sum(1 for ch in text if ch.isalpha()) >= 2


def claim(event):
    """Mark the event processed; False when another run already did (the caller does nothing)."""
    return bool(LineEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(processed_at=timezone.now()))


def conversation_for(site, user_id, now, create=True):
    """The resident's open conversation, locked; a new one when none is open (or the open one
    is older than LIFETIME, which is closed). Returns (conversation, expired_one_had_content)."""
    rows = Conversation.objects.select_for_update()
    current = rows.filter(site=site, user_id=user_id, status=Conversation.Status.OPEN).first()
    expired = False
    if current is not None and current.started_at < now - LIFETIME:
        expired = bool(current.description or current.photo or current.latitude is not None)
        current.status = Conversation.Status.CLOSED
        current.save(update_fields=["status"])
        current = None
    if current is None and create:
        try:
            with transaction.atomic():
                current = Conversation.objects.create(site=site, user_id=user_id, started_at=now, updated_at=now)
        except IntegrityError:  # the resident's other message opened it a moment ago
            current = rows.get(site=site, user_id=user_id, status=Conversation.Status.OPEN)
    return current, expired


def fetch_photo(channel, message_id):
    """(cleaned bytes, content type, extension) of the resident's photo, or an error text."""
    cap = hard_cap_bytes()
    try:
        _type, data = api.content(channel.token, message_id, cap)
    except api.TooLarge:
        return None, _("This photo is larger than %(limit)s MB. Please send a smaller photo.") % {
            "limit": cap // (1024 * 1024)
        }
    except api.ContentError:
        return None, _("We could not get this photo from LINE. Please send it again.")
    spec = {"allowed_types": ["image"], "max_size_mb": cap // (1024 * 1024)}
    try:
        return check_and_clean(SimpleUploadedFile("line-photo", data), spec), None
    except ValidationError as error:
        return None, " ".join(str(m) for m in error.messages) or _("This file could not be read as a photo.")


# --- the conversation ----------------------------------------------------------------------


def missing_prompt(conversation, choices, said):
    """What is still missing, asked with quick replies; `said` opens the message."""
    needed, actions = [], []
    if conversation.service_id is None and len(choices) > 1:
        needed.append(_("choose the kind of problem below"))
        actions += [messages.postback(s.title, f"action=service&id={s.pk}") for s in choices[:9]]
    if conversation.latitude is None:
        needed.append(_("share the location (tap “Send location”)"))
        actions.append(messages.send_location())
    if not conversation.description:
        needed.append(_("type a few words about the problem"))
    if not conversation.photo and not conversation.photo_skipped:
        needed.append(_("send a photo of it"))
        actions.append(messages.postback(_("No photo"), "action=skip_photo"))
    actions.append(messages.postback(_("Cancel"), "action=cancel"))
    body = "\n".join([str(said), _("To report the problem, please:")] + [f"• {item}" for item in needed]).strip()
    return [messages.text(body, actions)]


def is_complete(conversation):
    return (
        conversation.service_id is not None
        and conversation.latitude is not None
        and bool(conversation.description)
        and (bool(conversation.photo) or conversation.photo_skipped)
    )


def nearby_report(conversation):
    """(case, metres) of an open public report of the same service near the pin, or None."""
    service = conversation.service
    if not service.public_place:
        return None
    found = nearby_cases(
        service.pk, conversation.latitude, conversation.longitude, service.nearby_radius, open_only=True, limit=5
    )
    for near in found:
        if following.can_follow(near.case, conversation.site):
            return near.case, max(1, round(near.metres))
    return None


def answers_for(steps, conversation, photo_name):
    """The chat's three answers put where the form asks for them: the first map question, the
    first long-text question and the first photo question. Other questions stay unanswered:
    staff ask the resident through the case if they need more."""
    answers, placed = {}, set()
    for step in steps:
        for spec in step["fields"]:
            kind, key = spec["type"], spec["key"]
            if kind == "map_location" and "location" not in placed:
                answers[key] = {
                    "text": conversation.location_text,
                    "lat": str(conversation.latitude),
                    "lng": str(conversation.longitude),
                }
                placed.add("location")
            elif kind == "long_text" and "description" not in placed:
                answers[key] = conversation.description
                placed.add("description")
            elif (
                kind == "file_upload"
                and photo_name
                and "photo" not in placed
                and "image" in (spec.get("allowed_types") or [])
            ):
                answers[key] = [photo_name]
                placed.add("photo")
    return answers, placed


def file(conversation):
    """Open the case (the caller holds the conversation's lock, in its transaction)."""
    service = conversation.service
    form_page = service.online_form.specific
    steps = build_definition(form_page)["steps"]
    photo_name = "line-photo." + conversation.photo.name.rsplit(".", 1)[-1] if conversation.photo else ""
    answers, placed = answers_for(steps, conversation, photo_name)
    description = conversation.description
    if "description" not in placed:
        # A form with no long-text question still keeps what the resident wrote.
        answers["line_description"] = description
    submission = Submission.objects.create(
        form_page=form_page,
        form_title=form_page.title,
        form_snapshot={"title": form_page.title, "steps": steps},
        answers=answers,
        language="th",
        channel=Submission.Channel.LINE,
        line_user_id=conversation.user_id,
        wizard_token=f"line-{uuid.uuid4().hex}"[:40],
        latitude=conversation.latitude,
        longitude=conversation.longitude,
        location_text=conversation.location_text[:500],
        submitted_at=timezone.now(),
    )
    if conversation.photo:
        photo_key = next(
            (s["key"] for st in steps for s in st["fields"] if s["type"] == "file_upload" and s["key"] in answers),
            "line_photo",
        )
        SubmissionFile.objects.create(
            submission=submission,
            field_key=photo_key,
            original_name=photo_name,
            content_type=conversation.photo_type,
            size=conversation.photo_size,
            file=conversation.photo.name,
        )
    receipt = hand_over(submission)
    submission.reference = receipt.reference
    submission.expected_date = receipt.expected_date
    submission.tracking_url = receipt.tracking_url
    submission.save(update_fields=["reference", "expected_date", "tracking_url"])
    case = Case.objects.get(submission=submission)
    conversation.status = Conversation.Status.FILED
    conversation.case = case
    conversation.save(update_fields=["status", "case"])
    link = base_url(conversation.site) + (receipt.private_tracking_url or receipt.tracking_url)
    return [messages.receipt(case, link)]


def next_step(conversation, said, choices):
    """After a change: file when complete (or show a nearby open report first), else ask."""
    if conversation.service_id is None and len(choices) == 1:
        conversation.service = choices[0]
        conversation.save(update_fields=["service"])
    if not is_complete(conversation):
        return missing_prompt(conversation, choices, said)
    if not conversation.file_anyway and conversation.nearby_case_id is None:
        found = nearby_report(conversation)
        if found is not None:
            case, metres = found
            conversation.nearby_case = case
            conversation.save(update_fields=["nearby_case"])
            link = base_url(conversation.site) + following.report_path(case, "th")
            return [messages.nearby(case, metres, link)]
    if conversation.nearby_case_id is not None and not conversation.file_anyway:
        # Waiting for the resident's answer to "already reported nearby?".
        return [
            messages.text(
                _("Tap “Follow this report”, “Report anyway” to file your report, or “Cancel”."),
                _nearby_actions(conversation.nearby_case),
            )
        ]
    return file(conversation)


def _nearby_actions(case):
    return [
        messages.postback(_("Follow this report"), messages.follow_data(case)),
        messages.postback(_("Report anyway"), "action=file_anyway"),
        messages.postback(_("Cancel my report"), "action=cancel"),
    ]


# --- following a report nearby ---------------------------------------------------------------


def _report(site, data):
    """The office's case a postback names by its reference, or None (a made-up or another
    office's reference finds nothing)."""
    reference = (data.get("ref") or [""])[0].strip()
    if not REFERENCE.fullmatch(reference):  # also keeps a NUL, which PostgreSQL refuses, out of the query
        return None
    return Case.objects.filter(site=site, reference=reference).select_related("site", "submission").first()


def follow_report(site, user, data):
    """The "follow this report" button of the nearby offer: the LINE user follows the report (as
    someone who reported it too) instead of filing a duplicate, and the report in progress that
    led there is closed: nothing is filed, and the next photo, location or words start a new one.
    Tapping it twice (or on an old card) follows once. Runs in the event's transaction."""
    case = _report(site, data)
    if not following.can_follow(case, site):
        return [messages.text(_("This report cannot be followed any more. You can still report the problem."))]
    if case.submission.line_user_id == user:
        reply = _("This is your own report: you are told of its progress already.")
    else:
        _follower, created = following.follow(
            case, FollowChannel.LINE, user, "th", origin=FollowOrigin.ALREADY_REPORTED
        )
        reply = (
            _("You now follow report %(reference)s (%(service)s). We will tell you here when its status changes.")
            if created
            else _("You already follow report %(reference)s (%(service)s).")
        ) % {"reference": case.reference, "service": case.service_title}
    # Only the report in progress that offered this report ends: an old card tapped later leaves
    # a different report the resident is putting together untouched.
    closed = Conversation.objects.filter(
        site=site, user_id=user, status=Conversation.Status.OPEN, nearby_case=case
    ).update(status=Conversation.Status.CLOSED, updated_at=timezone.now())
    if closed:
        reply += "\n" + _(
            "Your report was not filed, as it is the same problem. To report something else, send a new photo, location or description."
        )
    return [
        messages.text(
            reply,
            [
                messages.postback(_("Unfollow"), messages.unfollow_data(case)),
                messages.postback(_("Report a problem"), "action=report"),
            ],
        )
    ]


def unfollow_report(site, user, data):
    """The "unfollow" button (in the follow confirmation and "my requests"): no more messages
    about the report. Safe to tap twice."""
    case = _report(site, data)
    if case is not None and following.unfollow(case, FollowChannel.LINE, user):
        return [messages.text(_("You no longer follow report %(reference)s.") % {"reference": case.reference})]
    return [messages.text(_("You were not following this report."))]


# --- the menu's answers --------------------------------------------------------------------


def my_cases(site, user_id):
    """The LINE user's own cases (by when they filed them) and the reports they follow (by when
    they started following), newest first, MY_CASES at most. A followed report links to its
    public page: its tracking page is its own resident's."""
    own = list(
        Case.objects.filter(site=site, submission__line_user_id=user_id)
        .select_related("site")
        .order_by("-submitted_at", "-pk")[:MY_CASES]
    )
    dated = [(case.submitted_at, case) for case in own]
    mine = {case.pk for case in own}
    followed = set()
    for follower in following.followed_by(site, FollowChannel.LINE, user_id, MY_CASES):
        if follower.case_id not in mine:
            followed.add(follower.case_id)
            dated.append((follower.created_at, follower.case))
    dated.sort(key=lambda pair: (pair[0] is not None, pair[0] or timezone.now(), pair[1].pk), reverse=True)
    cases = [case for _when, case in dated[:MY_CASES]]
    root = base_url(site)

    def link_for(case):
        if case.pk in followed:
            return root + following.report_path(case, "th")
        return root + reverse("case_track", args=[case.reference])

    return [messages.my_cases(cases, link_for, followed)]


def contact(site):
    office = OfficeSettings.for_site(site)
    lines = [office.name or office_name(site)]
    if office.address:
        lines.append(office.address)
    if office.phone:
        lines.append(_("Phone: %(phone)s") % {"phone": office.phone})
    if office.email:
        lines.append(_("E-mail: %(email)s") % {"email": office.email})
    if office.opening_hours:
        lines.append(_("Open: %(hours)s") % {"hours": office.opening_hours})
    return [messages.text("\n".join(str(line) for line in lines))]


def services_link(site):
    """The office's services index (the guides), for the rich menu."""
    index = ServiceIndexPage.objects.live().filter(office_homes_q(site), locale__language_code="th").first()
    path = (index.relative_url(site) if index is not None else None) or "/"
    return base_url(site) + path


def welcome(site):
    return [
        messages.text(
            _(
                "Welcome to %(office)s. To report a problem, send a photo, share the location and type what is wrong, "
                "in any order. Use the menu to see your reports."
            )
            % {"office": office_name(site)},
            [messages.postback(_("Report a problem"), "action=report")],
        )
    ]


# --- one event -----------------------------------------------------------------------------


def handle(event, channel):
    """Process one stored event; returns the messages to answer it with ([] for none)."""
    payload = event.payload
    kind = payload.get("type")
    message = payload.get("message") if isinstance(payload.get("message"), dict) else {}
    photo, photo_error = None, None
    if kind == "message" and message.get("type") == "image" and event.user_id:
        if LineEvent.objects.filter(pk=event.pk, processed_at__isnull=False).exists():
            return []
        photo, photo_error = fetch_photo(channel, str(message.get("id", ""))[:40])
    with transaction.atomic():
        if not claim(event):
            return []
        if not event.user_id:
            return []  # a group or room: the account files reports from one person's chat only
        return _handle(event, kind, message, photo, photo_error)


def _handle(event, kind, message, photo, photo_error):
    site, user = event.site, event.user_id
    now = timezone.now()
    if kind == "follow":
        followed(site, user, True, event.payload.get("timestamp"))
        return welcome(site)
    if kind == "unfollow":
        followed(site, user, False, event.payload.get("timestamp"))
        Conversation.objects.filter(site=site, user_id=user, status=Conversation.Status.OPEN).update(
            status=Conversation.Status.CLOSED
        )
        return []  # LINE delivers nothing to a user who unfollowed
    if kind == "postback":
        data = parse_qs(str((event.payload.get("postback") or {}).get("data", ""))[:300])
        action = (data.get("action") or [""])[0]
        if action == "my_requests":
            return my_cases(site, user)
        if action == "contact":
            return contact(site)
        if action == "follow":
            return follow_report(site, user, data)
        if action == "unfollow":
            return unfollow_report(site, user, data)
        return _postback(site, user, now, action, data)
    if kind != "message":
        return []  # unknown or uninteresting event types (read, unsend, join…): ignored
    return _message(site, user, now, message, photo, photo_error)


def _postback(site, user, now, action, data):
    choices = services_for(site)
    if action == "cancel":
        closed = Conversation.objects.filter(site=site, user_id=user, status=Conversation.Status.OPEN).update(
            status=Conversation.Status.CLOSED
        )
        return [messages.text(_("Your report was cancelled.") if closed else _("There is no report in progress."))]
    if action not in ("report", "service", "skip_photo", "file_anyway"):
        return []
    conversation, expired = conversation_for(site, user, now)
    said = _("Your previous report was not finished within 30 minutes; let us start again.") if expired else ""
    if action == "report":
        return missing_prompt(conversation, choices, said or _("Let us report a problem."))
    if action == "service":
        wanted = (data.get("id") or [""])[0]
        chosen = next((s for s in choices if str(s.pk) == wanted), None)
        if chosen is None:
            return missing_prompt(conversation, choices, _("That choice is no longer offered."))
        conversation.service = chosen
        said = said or _("Kind of problem: %(service)s.") % {"service": chosen.title}
    elif action == "skip_photo":
        conversation.photo_skipped = True
        said = said or _("OK, no photo.")
    elif action == "file_anyway":
        if conversation.nearby_case_id is None and not is_complete(conversation):
            return missing_prompt(conversation, choices, said)
        conversation.file_anyway = True
    conversation.updated_at = now
    conversation.save()
    return next_step(conversation, said, choices)


def _message(site, user, now, message, photo, photo_error):
    kind = message.get("type")
    if kind == "sticker":
        return [messages.text(_("Thank you! Please tell us in words what the problem is."))]
    if kind == "text":
        body = str(message.get("text", "")).strip()
        if not has_words(body):
            return [messages.text(_("Please describe the problem in words (emoji alone cannot be filed)."))]
    if kind == "image" and photo_error:
        return [messages.text(photo_error)]
    if kind == "location":
        try:
            lat = Decimal(str(message.get("latitude"))).quantize(Decimal("0.000001"))
            lng = Decimal(str(message.get("longitude"))).quantize(Decimal("0.000001"))
        except (InvalidOperation, ValueError):
            return [messages.text(_("We could not read this location. Please send it again."))]
        if not lat.is_finite() or not lng.is_finite() or not inside_office(site, lat, lng):
            return [
                messages.text(
                    _(
                        "This location is outside the area of %(office)s, so we cannot take this report. "
                        "Please send the location of the problem within our area, or contact the office "
                        "responsible for that place."
                    )
                    % {"office": office_name(site)},
                    [messages.send_location()],
                )
            ]
    if kind not in ("text", "image", "location"):
        return [messages.text(_("Please send a photo, the location or a few words about the problem."))]
    choices = services_for(site)
    if not choices:
        return [messages.text(_("Sorry, this office does not take reports by LINE yet."))]
    conversation, expired = conversation_for(site, user, now)
    said = _("Your previous report was not finished within 30 minutes; let us start again.") + "\n" if expired else ""
    if kind == "text":
        conversation.description = (f"{conversation.description}\n{body}" if conversation.description else body)[
            :MAX_DESCRIPTION
        ]
        said += _("Thank you for the description.")
    elif kind == "image":
        data, content_type, extension = photo
        if conversation.photo:
            conversation.photo.delete(save=False)
        conversation.photo.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
        conversation.photo_type, conversation.photo_size = content_type, len(data)
        said += _("Thank you for the photo.")
    else:
        conversation.latitude, conversation.longitude = lat, lng
        conversation.location_text = str(message.get("address") or message.get("title") or "")[:500]
        said += _("Thank you for the location.")
    conversation.updated_at = now
    conversation.save()
    return next_step(conversation, said, choices)
