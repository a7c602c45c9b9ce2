"""The message that hands a referred case to its agency: by e-mail, and pushed to the agency's
LINE group when the office has a LINE channel (services.notifications.channels.LineChannel
pushes to user, group and room IDs alike; a group does not block). Without the office's LINE
channel the push is not recorded at all, rather than recorded as undeliverable on every
referral: the e-mail carries the link.

The wording is an event of this area's own (services.notifications' EVENTS_HOOK), so editors
reword it like any message. Agencies are Thai authorities: the message is in Thai.
"""

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.templatetags.portal_tags import thaidate
from services.notifications.channels import get_channel
from services.notifications.events import base_url, office_name
from services.notifications.models import AreaEvent, NotifyChannel
from services.notifications.outbox import record

EVENT = "agency_referral"
LANGUAGE = "th"


def notification_events():
    """The referral message as an event editors can reword, for notifications' EVENTS_HOOK."""
    return {
        EVENT: AreaEvent(
            _("Case passed to an outside agency"),
            ("agency", "reference", "service", "location", "map_url", "note", "date", "link", "office"),
            _("{office} passes you case {reference}: {service}"),
            _(
                "To {agency},\n\n{office} has passed you a report that is your agency's work, on {date}.\n\n"
                "Case: {reference}\nService: {service}\nLocation: {location}\n{map_url}\n\n{note}\n\n"
                "Open the case, post updates, give your own reference and mark it done (no account needed): "
                "{link}\nAnyone with this link can act on this case for your agency: keep it within your team.\n\n"
                "{office}"
            ),
        )
    }


def map_url(case):
    if case.latitude is None or case.longitude is None:
        return ""
    return f"https://www.openstreetmap.org/?mlat={case.latitude}&mlon={case.longitude}#map=18/{case.latitude}/{case.longitude}"


def send_referral(referral, path):
    """Record the agency's message(s) in the current transaction; returns the rows recorded."""
    case, agency = referral.case, referral.agency
    link = f"{base_url(case.site)}{path}"
    with translation.override(LANGUAGE):
        values = {
            "agency": agency.name,
            "reference": case.reference,
            "service": case.service_title,
            "location": case.location_text or "–",
            "map_url": map_url(case),
            "note": referral.note,
            "date": thaidate(referral.referred_at, "long"),
            "link": link,
            "office": office_name(case.site),
        }
    targets = []
    if agency.email:
        targets.append((NotifyChannel.EMAIL, agency.email))
    if agency.line_group_id and get_channel(NotifyChannel.LINE).is_configured(case.site_id):
        targets.append((NotifyChannel.LINE, agency.line_group_id))
    rows = []
    for channel, recipient in targets:
        row = record(
            event=EVENT,
            channel=channel,
            recipient=recipient,
            language=LANGUAGE,
            values=values,
            key=f"agency-referral:{referral.pk}:{channel}:{recipient}",
            case=case,
            department=case.department,
            link=link,
        )
        if row is not None:
            rows.append(row)
    return rows
