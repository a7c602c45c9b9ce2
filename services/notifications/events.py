"""Who is told what, and by which channel.

Residents get one message per event on one channel: LINE when their request is linked to a LINE
user (`Submission.line_user_id`, set only by LINE itself: they filed by chat with the office's
account or used "continue with LINE") and they have not blocked the office's account; otherwise
email, otherwise SMS. One channel, not all: SMS costs the office money and one clear message is
what residents asked for. A LINE-only resident who blocked the account is not pushed to: the
notice is recorded as undeliverable with the reason, for staff to see.
Staff notices go to the department's email address (or, without one, to its members'), and also
to the office's LINE group when one is set in the notification settings.

Everything here runs inside the transaction that wrote the event (see outbox.record).
"""

import datetime
import uuid

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from forms_builder.views import draft_expiry_days
from portal.templatetags.portal_tags import thaidate
from services.cases import access
from services.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseStatus
from services.cases.models import Channel as CaseChannel
from services.cases.sla import WorkingCalendar
from services.cases.stages import delay_facts
from services.notifications import line
from services.notifications.channels import LINE_ID, get_channel
from services.notifications.models import NotificationSettings, NotifyChannel, NotifyEvent
from services.notifications.outbox import record
from services.notifications.render import RATING_ANCHOR, addressee

E = NotifyEvent

# The tracking page's status words (PUBLIC_LABELS) as they read inside a letter: a municipality's
# letters call the resident ท่าน, the web pages คุณ, and one message must not mix the two.
LETTER_STATUS = {
    CaseStatus.RECEIVED: pgettext_lazy("resident status in a letter", "We have your request"),
    CaseStatus.ACCEPTED: pgettext_lazy("resident status in a letter", "An officer has taken your request"),
    CaseStatus.IN_PROGRESS: pgettext_lazy("resident status in a letter", "Work is under way"),
    CaseStatus.WAITING: pgettext_lazy("resident status in a letter", "We need something from you"),
    CaseStatus.RESOLVED: pgettext_lazy("resident status in a letter", "Done"),
    CaseStatus.REJECTED: pgettext_lazy("resident status in a letter", "We cannot act on this request"),
    CaseStatus.CLOSED: pgettext_lazy("resident status in a letter", "Closed"),
    CaseStatus.REFERRED: pgettext_lazy("resident status in a letter", "Passed to the agency responsible"),
}


def base_url(site=None):
    """Where an office's links start: its own host (`Site.root_url`, issue 17), so a resident of
    office B gets a link to B's site, never the default office's. The default office keeps
    BASE_URL, the public address the install was configured with (its scheme and port)."""
    configured = getattr(settings, "BASE_URL", "").rstrip("/")
    if site is None or (site.is_default_site and configured):
        return configured
    return site.root_url.rstrip("/")


def office_name(site):
    return (site.site_name if site is not None else "") or settings.WAGTAIL_SITE_NAME


def tracking_url(case):
    """The case's tracking page; while the request that opened the case is still running, its
    tracking link (which opens the resident's details without typing anything) instead: the
    "received" message is the one message that carries it."""
    return f"{base_url(case.site)}{access.fresh_link_path(case) or reverse('case_track', args=[case.reference])}"


def admin_url(case):
    return f"{base_url(case.site)}{reverse('case_detail', args=[case.pk])}"


def line_user(submission):
    """The resident's LINE user, verified by LINE (`line_user_id`); forms filled by an older LINE
    front end carried it as an answer instead."""
    line_id = (submission.line_user_id or "").strip() or str(
        (submission.answers or {}).get("line_user_id") or ""
    ).strip()
    return line_id if LINE_ID.match(line_id) and line_id.startswith("U") else ""


def resident_address(submission, site=None):
    """(channel, recipient) the resident is reached on from `site`'s office, or None if they left
    no contact. LINE first while they follow the office's account."""
    line_id = line_user(submission)
    options = []
    if line_id:
        options.append((NotifyChannel.LINE, line_id))
    if submission.contact_email:
        options.append((NotifyChannel.EMAIL, submission.contact_email))
    if submission.contact_phone:
        options.append((NotifyChannel.SMS, submission.contact_phone))
    for channel, recipient in options:
        if channel == NotifyChannel.LINE and not line.is_reachable(site, recipient):
            continue  # blocked: email or SMS if they gave one
        if get_channel(channel).is_configured(site):
            return channel, recipient
    # Nothing usable for what they gave: still record it (as undeliverable, with the reason: not
    # set up, or the LINE user blocked the office) so staff see that they were not told.
    return options[0] if options else None


def language_of(submission):
    language = (submission.language or "th")[:2]
    return language if language in dict(settings.LANGUAGES) else "th"


def resident_values(case, event, language):
    submission = case.submission
    with translation.override(language):
        service = case.service_title_en if language == "en" and case.service_title_en else case.service_title
        return {
            "name": addressee(submission.contact_name),
            "reference": case.reference,
            "service": service,
            "tracking_url": tracking_url(case),
            "expected_date": thaidate(case.due_date, "long") if case.due_date else _("(not set)"),
            "status": str(LETTER_STATUS.get(event.to_status, "")) if event.to_status else "",
            "message": event.message,
            "rating_url": "",
            "office": office_name(case.site),
        }


def delay_values(case, language):
    """The Act's delay notice's own values, as of the day the notice was decided (its
    `DelayNotice` row), the same facts as the timeline's line."""
    notice = case.delay_notices.order_by("-sent_on", "-pk").first()
    today = notice.sent_on if notice is not None else timezone.localdate()
    return {key: str(value) for key, value in delay_facts(case, today, language).items()}


def notify_resident(case, event, kind):
    submission = case.submission
    address = resident_address(submission, case.site)
    if address is None:
        return []
    channel, recipient = address
    if kind == E.RECEIVED and channel == NotifyChannel.LINE and case.channel == CaseChannel.LINE:
        # Filed in the chat: the chat's own reply (services.line) carries the reference and the
        # tracking link; a push saying the same would be the second "we have your request".
        return []
    language = language_of(submission)
    values = resident_values(case, event, language)
    if kind == E.DELAY_NOTICE:
        values.update(delay_values(case, language))
    link = values["tracking_url"]
    rateable = event.to_status in (CaseStatus.RESOLVED, CaseStatus.CLOSED) and case.rating is None
    if rateable:
        url = link = values["tracking_url"] + RATING_ANCHOR  # LINE's button asks "is it fixed?"
        with translation.override(language):
            values["rating_url"] = url if kind == E.CLOSED else _("Rate our service: %(url)s") % {"url": url}
    row = record(
        link=link,
        event=kind,
        channel=channel,
        recipient=recipient,
        language=language,
        values=values,
        key=f"ev{event.pk}:{channel}:{recipient}",
        case=case,
        case_event=event,
        department=case.department,
    )
    return [row] if row else []


def staff_addresses(department, site):
    """[(channel, recipient)] for a department's notices."""
    addresses = []
    if department is not None:
        if department.email:
            addresses.append((NotifyChannel.EMAIL, department.email))
        else:
            emails = department.members.filter(is_active=True).exclude(email="").values_list("email", flat=True)
            addresses.extend((NotifyChannel.EMAIL, email) for email in sorted(set(emails)))
    line_to = NotificationSettings.cached_for_site(site).staff_line_to if site is not None else ""
    if line_to:
        addresses.append((NotifyChannel.LINE, line_to))
    return addresses


def staff_values(case, today=None):
    department = case.department
    values = {
        "reference": case.reference,
        "service": case.service_title,
        "department": department.name if department else _("(no department)"),
        "due_date": thaidate(case.due_date, "long") if case.due_date else "-",
        "admin_url": admin_url(case),
        "office": office_name(case.site),
    }
    if today is not None and case.due_date:
        values["days_overdue"] = (today - case.due_date).days
    return values


def notify_staff(case, kind, key_prefix, addresses=None, case_event=None, today=None, extra=None):
    """Staff notices are in Thai, the office's working language."""
    rows = []
    with translation.override("th"):
        values = {**staff_values(case, today), **(extra or {})}
        for channel, recipient in addresses if addresses is not None else staff_addresses(case.department, case.site):
            row = record(
                event=kind,
                channel=channel,
                recipient=recipient,
                language="th",
                values=values,
                key=f"{key_prefix}:{channel}:{recipient}",
                case=case,
                case_event=case_event,
                department=case.department,
                link=values["admin_url"],
            )
            if row:
                rows.append(row)
    return rows


def on_case_event(event):
    """The post_save receiver's work: map a new timeline entry to notifications."""
    case = event.case
    K = CaseEvent.Kind
    if event.kind == K.CREATED:
        notify_resident(case, event, E.RECEIVED)
        notify_staff(case, E.NEW_CASE, f"ev{event.pk}", case_event=event)
    elif event.kind == K.REPLY and (event.public or event.for_resident):
        notify_resident(case, event, E.REPLY)
    elif event.kind == K.DELAY_NOTICE:
        notify_resident(case, event, E.DELAY_NOTICE)
    elif event.kind in (K.REFERRED, K.AGENCY_DONE, K.TAKEN_BACK) and event.public:
        # The case changed hands: the resident hears it as a change of status, with the line.
        notify_resident(case, event, E.STATUS)
    elif event.kind == K.FIX_DISPUTED:
        notify_fix_disputed(case, event)
    elif event.kind == K.STATUS and event.public:
        if event.to_status == CaseStatus.WAITING:
            notify_resident(case, event, E.INFO_REQUESTED)
        elif event.to_status == CaseStatus.CLOSED:
            notify_resident(case, event, E.CLOSED)
        else:
            notify_resident(case, event, E.STATUS)


def head_addresses(case):
    """The department head's address, or the department's own (as overdue escalations go)."""
    head = case.department.head if case.department_id else None
    if head is not None and head.email:
        return [(NotifyChannel.EMAIL, head.email)]
    return staff_addresses(case.department, case.site)


def notify_fix_disputed(case, event):
    """The resident says the fix did not fix it: the head hears, in Thai, with their words."""
    with translation.override("th"):
        extra = {"message": event.message or "-", "priority": str(case.get_priority_display())}
    return notify_staff(case, E.FIX_DISPUTED, f"ev{event.pk}", head_addresses(case), case_event=event, extra=extra)


def next_working_day(calendar, day):
    return calendar.add_working_days(day, 1)


def sla_reminders(today=None):
    """Daily: "due tomorrow" to the assignee (or the department) and "overdue" escalations to
    the department head (or the department). Keyed by case and due date: each deadline is
    reminded and escalated once, however often the job runs. Returns the number of notifications recorded."""
    today = today or timezone.localdate()
    count = 0
    calendars = {}
    open_cases = (
        Case.objects.filter(status__in=OPEN_STATUSES)
        .exclude(status=CaseStatus.WAITING)
        .filter(due_date__isnull=False, due_date__lte=today + datetime.timedelta(days=10))
        .select_related("department__head", "assignee", "site")
    )
    for case in open_cases.iterator():
        calendar = calendars.setdefault(case.site_id, WorkingCalendar(case.site))
        if case.due_date == next_working_day(calendar, today):
            if case.assignee_id and case.assignee.email:
                addresses = [(NotifyChannel.EMAIL, case.assignee.email)]
            else:
                addresses = staff_addresses(case.department, case.site)
            count += len(notify_staff(case, E.DUE_TOMORROW, f"due:{case.pk}:{case.due_date}", addresses))
        elif case.due_date < today:
            addresses = head_addresses(case)
            count += len(notify_staff(case, E.OVERDUE, f"overdue:{case.pk}:{case.due_date}", addresses, today=today))
    return count


def on_draft_link(draft, resume_url, contact, language):
    """The resident asked for the link to their saved form: email if they typed an address,
    SMS otherwise. Keyed by draft, code and recipient: asking twice sends once."""
    language = language if language in dict(settings.LANGUAGES) else "th"
    channel = NotifyChannel.EMAIL if "@" in contact else NotifyChannel.SMS
    site = draft.form_page.get_site()
    with translation.override(language):
        expires = draft.updated_at + datetime.timedelta(days=draft_expiry_days())
        values = {
            "form": draft.form_page.title,
            "resume_url": resume_url,
            "code": draft.code,
            "expires": thaidate(expires, "long"),
            "office": office_name(site),
        }
    return record(
        event=E.DRAFT_SAVED,
        channel=channel,
        recipient=contact,
        language=language,
        values=values,
        key=f"draft:{draft.pk}:{draft.code}:{channel}:{contact}",
        site=site,
    )


def on_tracking_code(case, code, via, language):
    """Send a one-time code to the phone — by LINE when the request is linked to a LINE user who
    still follows the office (free, and where their updates go), else by SMS — or to the e-mail
    the form holds. Returns the masked address it goes to, or "" when we cannot send there."""
    submission = case.submission
    language = language if language in dict(settings.LANGUAGES) else language_of(submission)
    if via == "email":
        options = [(NotifyChannel.EMAIL, submission.contact_email, access.mask_email(submission.contact_email))]
    else:
        line_id = line_user(submission)
        options = [(NotifyChannel.SMS, submission.contact_phone, access.mask_phone(submission.contact_phone))]
        if line_id and line.is_reachable(case.site, line_id):
            options.insert(0, (NotifyChannel.LINE, line_id, "LINE"))
    usable = [option for option in options if option[1] and get_channel(option[0]).is_configured(case.site)]
    if not usable:
        return ""
    channel, recipient, shown = usable[0]
    with translation.override(language):
        values = {
            "code": code,
            "reference": case.reference,
            "minutes": access.CODE_SECONDS // 60,
            "office": office_name(case.site),
        }
    # Each request is its own message: a random part keeps two requests from looking like one.
    row = record(
        event=E.TRACKING_CODE,
        channel=channel,
        recipient=recipient,
        language=language,
        values=values,
        key=f"code:{case.pk}:{uuid.uuid4().hex}:{channel}:{recipient}",
        case=case,
        department=case.department,
        link=f"{base_url(case.site)}{reverse('case_track', args=[case.reference])}",
    )
    return shown if row is not None and row.status != row.Status.UNDELIVERABLE else ""


def tracking_code_requested(sender, case, code, via, language, **kwargs):
    """The case queue knows nothing of notifications: it announces the code, we send it."""
    return on_tracking_code(case, code, via, language)


def case_event_saved(sender, instance, created, raw=False, **kwargs):
    """post_save of CaseEvent: write the new timeline entry's notifications in the same
    transaction (the event is saved inside the workflow's atomic block, so both commit or
    neither does)."""
    if created and not raw:
        on_case_event(instance)


def draft_link_requested(sender, draft, resume_url, contact, language, **kwargs):
    """forms_builder knows nothing of notifications: it announces the request, we send the link."""
    on_draft_link(draft, resume_url, contact, language)
