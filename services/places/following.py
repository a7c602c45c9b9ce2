"""Following a public report: who may follow, how an address is written down, the signed
unfollow link every message carries, the messages themselves, and what a merge does to
followers.

Messages go through the notifications outbox (written in the transaction that saved the
timeline line, sent after commit, never twice), so a follower is told exactly what the report's
public page shows: its status changes and the office's public updates, never a private reply.

A follower is an e-mail address or a mobile number typed on the web, or a LINE user ID handed
over by the office's LINE chat (services.line) when its user taps "follow this report": LINE
followers get the same messages as a LINE push (a Flex bubble whose button opens the report),
and leave either by the message's unfollow link or by the chat's "unfollow" button.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from forms_builder.fields import MOBILE_RE, normalise_phone
from portal.i18n import ascii_digits
from services.cases.models import CaseEvent, CaseStatus
from services.cases.workflow import merged_tree
from services.notifications.events import base_url, office_name
from services.notifications.line import is_reachable
from services.notifications.models import NotifyEvent
from services.notifications.outbox import recipient_tag, record
from services.places import public
from services.places.models import REPORTED, FollowChannel, Follower, FollowOrigin

logger = logging.getLogger(__name__)

UNFOLLOW_SALT = "services.places.unfollow"
# Each message signs a fresh link, so this counts from the message, not from following: a year
# is longer than any report stays open, and an old leaked link stops working on its own.
UNFOLLOW_MAX_AGE = 400 * 24 * 3600

# What a follower reads for each status: the tracking page's words say "your request", and this
# is not the follower's request.
FOLLOWED_STATUS = {
    CaseStatus.RECEIVED: pgettext_lazy("followed report status", "Received"),
    CaseStatus.ACCEPTED: pgettext_lazy("followed report status", "An officer has taken it on"),
    CaseStatus.IN_PROGRESS: pgettext_lazy("followed report status", "Work is under way"),
    CaseStatus.WAITING: pgettext_lazy("followed report status", "Waiting for more information"),
    CaseStatus.RESOLVED: pgettext_lazy("followed report status", "Fixed"),
    CaseStatus.REJECTED: pgettext_lazy("followed report status", "The office cannot act on it"),
    CaseStatus.CLOSED: pgettext_lazy("followed report status", "Closed"),
}

INVALID_ADDRESS = _("Enter an e-mail address, or a Thai mobile number (10 digits starting 06, 08 or 09) for SMS.")


class BadLink(Exception):
    """An unfollow link that was not made here (forged, cut short) or is too old."""

    def __init__(self, expired=False):
        super().__init__("expired" if expired else "forged")
        self.expired = expired


def normalise_address(text):
    """(channel, address) for what a person typed: an e-mail address in lower case, or a mobile
    number as ten ASCII digits (Thai digits, +66, spaces and dashes are read as the e-forms read
    them). Raises ValidationError for anything else."""
    value = ascii_digits((text or "").strip())
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(INVALID_ADDRESS, code="invalid") from None
        return FollowChannel.EMAIL, value.casefold()
    digits = normalise_phone(value)
    if MOBILE_RE.match(digits):
        return FollowChannel.SMS, digits
    raise ValidationError(INVALID_ADDRESS, code="invalid")


def address_tag(address):
    """A keyed hash of a follower's address, for rate-limit keys: the cache never holds it in clear."""
    return recipient_tag(address)


def can_follow(case, site=None):
    """A report anyone may follow: public (services.places.public), of the office whose host the
    request came to."""
    return case is not None and (site is None or case.site_id == site.pk) and public.is_public(case)


def follow(case, channel, address, language, origin=FollowOrigin.REPORT_PAGE, came_from=None):
    """Add the address to the report's followers: (follower, created). Following twice is once:
    the existing row is returned and nothing changes (a savepoint keeps the caller's transaction
    alive when two taps race)."""
    language = language if language in dict(settings.LANGUAGES) else "th"
    try:
        with transaction.atomic():
            return (
                Follower.objects.create(
                    case=case, channel=channel, address=address, language=language, origin=origin, came_from=came_from
                ),
                True,
            )
    except IntegrityError:
        existing = Follower.objects.filter(case=case, address=address).first()
        if existing is None:
            raise
        return existing, False


def unfollow(case, channel, address):
    """Stop `address` following `case` (the LINE chat's "unfollow" button; the web uses the signed
    link). True when it was following. Safe to call twice."""
    deleted, _rows = Follower.objects.filter(case=case, channel=channel, address=address).delete()
    return bool(deleted)


def followed_by(site, channel, address, limit):
    """The reports of the office that `address` follows, most recently followed first: the
    follower rows, each with its case (one query)."""
    return list(
        Follower.objects.filter(case__site=site, channel=channel, address=address)
        .select_related("case", "case__site")
        .order_by("-created_at", "-pk")[:limit]
    )


def reported_count(case):
    """How many people reported the problem: the resident who filed it and each follower who
    reported it too (one query)."""
    return 1 + Follower.objects.filter(case=case, origin__in=REPORTED).count()


# -- The unfollow link ----------------------------------------------------------------------------


def unfollow_token(follower):
    """Signed with SECRET_KEY (django.core.signing), so nothing secret is stored and a link
    cannot be made up for someone else's address; dated, so an old one expires."""
    return signing.dumps([follower.pk, follower.case_id], salt=UNFOLLOW_SALT, compress=True)


def read_token(token):
    """(follower id, case id) the link was made for. Raises BadLink (expired=True when it was
    genuine but is too old)."""
    try:
        value = signing.loads(token, salt=UNFOLLOW_SALT, max_age=UNFOLLOW_MAX_AGE)
    except signing.SignatureExpired:
        raise BadLink(expired=True) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise BadLink() from None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(part, int) for part in value)):
        raise BadLink()
    return value[0], value[1]


def report_path(case, language=None):
    """The report's public page, in `language` (the active one by default)."""
    with translation.override(language or translation.get_language() or "th"):
        return reverse("places:report", args=[case.reference])


def unfollow_path(follower, language=None):
    with translation.override(language or follower.language or "th"):
        return reverse("following:unfollow", args=[unfollow_token(follower)])


# -- Messages -------------------------------------------------------------------------------------


def _resident_addresses(case):
    """The report's own resident's e-mail, phone and LINE user: they are told by their own
    messages, so a follower with the same address is not told twice."""
    submission = case.submission
    addresses = set()
    if submission.line_user_id:
        addresses.add(submission.line_user_id)
    if submission.contact_email:
        addresses.add(submission.contact_email.strip().casefold())
    if submission.contact_phone:
        addresses.add(normalise_phone(submission.contact_phone))
    return addresses


def follower_values(case, event, follower):
    language = follower.language
    site = case.site
    with translation.override(language):
        service = case.service_title_en if language == "en" and case.service_title_en else case.service_title
        return {
            "reference": case.reference,
            "service": service,
            "status": str(FOLLOWED_STATUS.get(event.to_status, "")) if event.to_status else "",
            "message": event.message,
            "report_url": f"{base_url(site)}{report_path(case, language)}",
            "unfollow_url": f"{base_url(site)}{unfollow_path(follower, language)}",
            "office": office_name(site),
        }


def notify_followers(event):
    """Write one message per follower for a public status change or a public update; nothing for
    internal notes, private replies, or a report its resident asked to keep private. Runs in the
    transaction that saved the timeline line. Returns the rows written.

    A LINE follower who blocked the office's account is skipped (nothing can reach them; they are
    told again once they follow the account again); the others' messages carry the report's page
    as the link, so LINE shows them as a Flex bubble with a button to it. The key names the event,
    the channel and the address, so the same change never reaches one follower twice, whatever
    the channel."""
    K = CaseEvent.Kind
    if not event.public:
        return []
    if event.kind == K.STATUS:
        kind = NotifyEvent.FOLLOWED_STATUS
    elif event.kind == K.REPLY:
        kind = NotifyEvent.FOLLOWED_UPDATE
    else:
        return []
    followers = list(Follower.objects.filter(case_id=event.case_id))
    if not followers:
        return []
    case = event.case
    if case.private_report:
        return []
    own = _resident_addresses(case)
    rows = []
    for follower in followers:
        if follower.address in own:
            continue
        line = follower.channel == FollowChannel.LINE
        if line and not is_reachable(case.site_id, follower.address):
            continue
        values = follower_values(case, event, follower)
        row = record(
            event=kind,
            channel=follower.channel,
            recipient=follower.address,
            language=follower.language,
            values=values,
            key=f"follow:ev{event.pk}:{follower.channel}:{follower.address}",
            case=case,
            case_event=event,
            department=case.department,
            link=values["report_url"] if line else "",
        )
        if row:
            rows.append(row)
    return rows


def case_event_saved(sender, instance, created, raw=False, **kwargs):
    """post_save of CaseEvent (connected in PlacesConfig.ready)."""
    if created and not raw:
        notify_followers(instance)


# -- Merging --------------------------------------------------------------------------------------


def resident_follower_address(case):
    """(channel, address) of the resident who filed `case`, from their submission: e-mail first
    (free), else a mobile number, else the LINE user who filed it by chat; None if none."""
    submission = case.submission
    if submission.contact_email:
        try:
            return normalise_address(submission.contact_email)
        except ValidationError:
            pass
    if submission.contact_phone:
        try:
            return normalise_address(submission.contact_phone)
        except ValidationError:
            pass
    if submission.line_user_id:
        return FollowChannel.LINE, submission.line_user_id
    return None


def case_merged(sender, case, into, by=None, **kwargs):
    """`case` (B) was merged into `into` (A): B's followers follow A instead, and B's resident
    becomes a follower of A. Each row remembers the merge that moved it (`came_from`): B for B's
    own followers, and the report they came from for those B already held from reports merged
    into it (C's, merged into B before), so undoing either merge later reverses exactly that one
    (see `services.cases.workflow.merge` for the rule on chains). An address that already
    follows A stays where it is (it is told about A already); B's resident is not added when
    they are A's own resident or already follow A."""
    with transaction.atomic():
        on_into = set(Follower.objects.filter(case=into).values_list("address", flat=True))
        own = _resident_addresses(into)
        moving = Follower.objects.filter(case=case).exclude(address__in=on_into)
        moving.filter(came_from__isnull=True).update(case=into, came_from=case)
        moving.update(case=into)
        resident = resident_follower_address(case)
        if resident is not None and resident[1] not in on_into and resident[1] not in own:
            follow(
                into,
                *resident,
                language=(case.submission.language or "th")[:2],
                origin=FollowOrigin.MERGED_RESIDENT,
                came_from=case,
            )
    logger.info("report %s merged into %s: followers moved", case.pk, into.pk)


def case_unmerged(sender, case, into, by=None, **kwargs):
    """The merge of `case` (B) into `into` (A) was undone: B's resident no longer follows A
    (they follow their own report again, as its resident), and the followers the merge moved go
    back to B: B's own, and those of reports still merged into B (C's), which follow B again as
    the report being worked on. They are found by the merge that moved them, wherever later
    merges carried them (A may since have been merged into another). Someone who followed A on
    their own since then stays."""
    tree = merged_tree(case)
    with transaction.atomic():
        # Rows that came from B's tree but sit outside it left it through this merge.
        moved = Follower.objects.filter(came_from__in=tree).exclude(case__in=tree)
        moved.filter(came_from=case, origin=FollowOrigin.MERGED_RESIDENT).delete()
        on_case = set(Follower.objects.filter(case=case).values_list("address", flat=True))
        moved.filter(address__in=on_case).delete()
        moved.filter(came_from=case).update(case=case, came_from=None)
        moved.update(case=case)
    logger.info("merge of report %s into %s undone: followers moved back", case.pk, into.pk)
