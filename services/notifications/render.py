"""The words of a notification: the editors' template for the event and language, or the
built-in wording below (translated in locale/), filled with plain-text values.

Rendering is substitution of {name} placeholders only — no template language — so an editor's
template can neither run code nor reach data beyond the values offered for its event. The HTML
part of an email escapes everything and only adds paragraphs and links.
"""

import re

from django.utils import translation
from django.utils.html import escape, urlize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from services.notifications.models import PLACEHOLDER_RE, NotificationTemplate, NotifyEvent, area_events

E = NotifyEvent

DEFAULTS = {
    E.RECEIVED: (
        _("We have your request {reference}"),
        _(
            "Dear {name},\n\nWe have received your request “{service}”. Your reference is {reference}.\n"
            "We expect to finish by {expected_date}.\n\nFollow it at any time: {tracking_url}\n\n{office}"
        ),
    ),
    E.STATUS: (
        _("Your request {reference}: {status}"),
        _(
            "Dear {name},\n\nYour request {reference} (“{service}”) is now: {status}.\n{message}\n\n"
            "Details: {tracking_url}\n{rating_url}\n\n{office}"
        ),
    ),
    E.REPLY: (
        _("A reply about your request {reference}"),
        _(
            "Dear {name},\n\nThe office replied about your request {reference}:\n\n{message}\n\nRead and answer: {tracking_url}\n\n{office}"
        ),
    ),
    E.INFO_REQUESTED: (
        _("We need something from you for request {reference}"),
        _(
            "Dear {name},\n\nTo continue with your request {reference} we need more information from you:\n\n{message}\n\n"
            "Answer here: {tracking_url}\nThe deadline is paused until you answer.\n\n{office}"
        ),
    ),
    E.CLOSED: (
        _("Your request {reference} is closed"),
        _(
            "Dear {name},\n\nYour request {reference} (“{service}”) is closed.\n{message}\n\n"
            "How did we do? Rate our service: {rating_url}\n\n{office}"
        ),
    ),
    E.DRAFT_SAVED: (
        _("Continue your form “{form}”"),
        _(
            "Your answers to “{form}” are saved until {expires}.\n\nContinue with this link: {resume_url}\n"
            "or open the form and enter the code {code}.\n\n{office}"
        ),
    ),
    E.TRACKING_CODE: (
        _("Your code for request {reference}"),
        _(
            "Your code to open request {reference} is {code}. It is valid for {minutes} minutes.\n"
            "Do not give this code to anyone: the office never asks you for it.\n\n{office}"
        ),
    ),
    E.NEW_CASE: (
        _("New request {reference} for {department}"),
        _(
            "A new request has arrived for {department}: {reference} “{service}”, due {due_date}.\n\nOpen it: {admin_url}"
        ),
    ),
    E.DUE_TOMORROW: (
        _("Due tomorrow: request {reference}"),
        _("Request {reference} “{service}” ({department}) is due on {due_date}.\n\nOpen it: {admin_url}"),
    ),
    E.OVERDUE: (
        _("Overdue: request {reference} ({days_overdue} days)"),
        _(
            "Request {reference} “{service}” in {department} was due on {due_date} and is {days_overdue} days overdue.\n\n"
            "Open it: {admin_url}"
        ),
    ),
    E.DIGEST: (
        _("{department}: requests this week"),
        _(
            "{department}, week {period}\n\nNew requests: {new}\nResolved: {resolved}\nStill open: {open}\n"
            "Overdue: {overdue}\n\nThe queue: {admin_url}"
        ),
    ),
    E.MONTHLY: (
        _("Requests report for {period}"),
        _(
            "Requests in {period}\n\nReceived: {received}\nResolved: {resolved}\nOpen at the end of the month: {open}\n"
            "Overdue: {overdue}\nAverage satisfaction: {average_rating} of 5 ({ratings} ratings)\n\n{office}"
        ),
    ),
    # To someone who follows a public report: not their request, so no "Dear" and no "your".
    E.FOLLOWED_STATUS: (
        _("Report {reference} you follow: {status}"),
        _(
            "The report you follow, {reference} (“{service}”), is now: {status}.\n{message}\n\n"
            "See the report: {report_url}\n\nStop following it (one click): {unfollow_url}\n\n{office}"
        ),
    ),
    E.FOLLOWED_UPDATE: (
        _("News on report {reference} you follow"),
        _(
            "The office posted an update on the report you follow, {reference} (“{service}”):\n\n{message}\n\n"
            "See the report: {report_url}\n\nStop following it (one click): {unfollow_url}\n\n{office}"
        ),
    ),
    # The Licensing Facilitation Act B.E. 2558, section 10: once the published time has passed,
    # the applicant is told where the request stands every 7 days.
    E.DELAY_NOTICE: (
        _("Notice of delay: your request {reference}"),
        _(
            "Dear {name},\n\nYour request {reference} (“{service}”) has passed the published time of {days} working "
            "days ({days_over} days over).\nWhere it is now: {stage}\nWe now expect to finish by {expected_date}.\n\n"
            "Under the Licensing Facilitation Act B.E. 2558 (2015), section 10, we will tell you again every 7 days "
            "until it is decided.\n\nFollow it: {tracking_url}\n\n{office}"
        ),
    ),
    E.FIX_DISPUTED: (
        _("Not fixed, says the resident: request {reference}"),
        _(
            "The resident says request {reference} “{service}” ({department}) is not fixed.\n{message}\n\n"
            "It is open again with priority {priority}.\n\nOpen it: {admin_url}"
        ),
    ),
}


# The words on a LINE message's button, by what the message is about (the button opens its link).
BUTTONS = {
    E.RECEIVED: pgettext_lazy("LINE button", "Track your request"),
    E.STATUS: pgettext_lazy("LINE button", "Track your request"),
    E.REPLY: pgettext_lazy("LINE button", "Track your request"),
    E.INFO_REQUESTED: pgettext_lazy("LINE button", "Track your request"),
    E.CLOSED: pgettext_lazy("LINE button", "Track your request"),
    E.DELAY_NOTICE: pgettext_lazy("LINE button", "Track your request"),
    E.TRACKING_CODE: pgettext_lazy("LINE button", "Track your request"),
    E.DRAFT_SAVED: pgettext_lazy("LINE button", "Continue the form"),
    E.NEW_CASE: pgettext_lazy("LINE button", "Open the request"),
    E.DUE_TOMORROW: pgettext_lazy("LINE button", "Open the request"),
    E.OVERDUE: pgettext_lazy("LINE button", "Open the request"),
    E.FIX_DISPUTED: pgettext_lazy("LINE button", "Open the request"),
    E.DIGEST: pgettext_lazy("LINE button", "Open the queue"),
    E.FOLLOWED_STATUS: pgettext_lazy("LINE button", "See the report"),
    E.FOLLOWED_UPDATE: pgettext_lazy("LINE button", "See the report"),
}
# A resolved or closed request's link goes to the rating on the tracking page: the button asks
# the "is it fixed?" question there.
RATING_ANCHOR = "#your-request"


def button_label(event, link, language):
    """The button's words in `language`; "" when the event has no page to open."""
    label = BUTTONS.get(event)
    if label is None:
        return ""
    with translation.override(language):
        if link.endswith(RATING_ANCHOR) and event in (E.STATUS, E.CLOSED):
            return pgettext("LINE button", "Is it fixed? Tell us")
        return str(label)


# A title the resident typed before the name: Thai forms ask for "คำนำหน้า" and people write it in
# the name box. Thai titles are written without a space, so they count only when a consonant (or
# a leading vowel) follows: นายิกา keeps its นาย. คุณ needs a space (คุณากร, คุณวุฒิ are names).
TITLE = re.compile(
    r"^(?:(?:นางสาว|นาง|นาย|เด็กชาย|เด็กหญิง|ดร\.|(?:[ก-ฮ]{1,2}\.){2,3})\s*(?=[ก-ฮเแโใไA-Za-z])"
    r"|คุณ\s+"
    r"|(?:mrs|mr|ms|miss|mx|dr)\b\.?\s+)",
    re.IGNORECASE,
)
# {name} carries its own คุณ (see addressee); templates written before, and editors who type
# "เรียน คุณ{name}" as a Thai letter begins, would otherwise greet "คุณคุณสมศรี".
HONORIFIC_BEFORE_NAME = re.compile(r"(?:คุณ|ท่าน)\s*(?=\{name\})")


def addressee(name):
    """How every message to a resident names them, in the active language: in Thai คุณ and the
    name without any title typed with it ("นางสมศรี ใจดี" → "คุณสมศรี ใจดี", never "คุณนางสมศรี");
    in English the name without its title. The body then says ท่าน (Thai) or "you"."""
    name = " ".join((name or "").split())
    bare = TITLE.sub("", name, count=1).strip() or name
    if not bare:
        return gettext("resident")
    return pgettext("a resident addressed by name in a message", "%(name)s") % {"name": bare}


def fill(text, values):
    """Replace each {name} with its value in one pass (values are never re-scanned); unknown
    names stay as typed, so a typo shows instead of breaking the message."""
    return PLACEHOLDER_RE.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def tidy(text):
    """No runs of blank lines where an optional value (a message, a rating link) was empty."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    out = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out).strip()


def to_html(text):
    """Escaped paragraphs with clickable links: everything from the template and the values is
    text, never markup."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    html = "".join(f"<p>{urlize(escape(p))}</p>".replace("\n", "<br>") for p in paragraphs)
    return mark_safe(f"<html><body>{html}</body></html>")  # noqa: S308


def default_wording(event):
    """(subject, body) of `event`: the platform's own, else the area's that registered it
    (models.EVENTS_HOOK)."""
    if event in DEFAULTS:
        return DEFAULTS[event]
    area = area_events().get(event)
    if area is None:
        raise KeyError(event)
    return area.subject, area.body


def render(event, language, values, site=None):
    """(subject, text, html) for `event` in `language`, in the words of `site`'s office (its own
    template, else the platform's, else the built-in wording)."""
    template = NotificationTemplate.wording(getattr(site, "pk", site), event, language)
    with translation.override(language):
        if template is not None:
            subject, body = template
        else:
            subject, body = (str(part) for part in default_wording(event))
        subject, body = (HONORIFIC_BEFORE_NAME.sub("", part) for part in (subject, body))
        values = {key: ("" if value is None else str(value)) for key, value in values.items()}
        subject = " ".join(fill(subject, values).split())
        text = tidy(fill(body, values))
    return subject, text, to_html(text)


# A tracking link's secret (services.cases.access: 22 URL-safe characters after /t/<REFERENCE>/)
# and a one-time code: what a sent message must not keep in the outbox's copy of its text.
LINK_SECRET = re.compile(r"(/t/[^/\s]+/)[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])")
ONE_TIME_CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")
# A followed report's unfollow link (services.places.following): its signed part is the secret.
UNFOLLOW_SECRET = re.compile(r"(/reports/unfollow/)[^/\s]+/")
# An outside agency's capability link (services.agencies: /<lang>/agency/<22 characters>/): the
# agency has it in its inbox; the office's copy must not open the case's page for anyone else.
AGENCY_SECRET = re.compile(r"(/agency/)[A-Za-z0-9_-]{22}(?![A-Za-z0-9_-])")


def redact(event, text):
    """`text` without the secrets it carried, for the copy kept once the message went out: the
    resident has the link and the code (the agency its link); the outbox table, its backups and
    the staff's delivery list do not need them."""
    text = LINK_SECRET.sub(lambda m: m.group(1) + "…", text)
    text = UNFOLLOW_SECRET.sub(lambda m: m.group(1) + "…/", text)
    text = AGENCY_SECRET.sub(lambda m: m.group(1) + "…", text)
    if event == E.TRACKING_CODE:
        text = ONE_TIME_CODE.sub("••••••", text)
    return text
