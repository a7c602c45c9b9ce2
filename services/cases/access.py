"""Who may open a case's personal details on /t/<REFERENCE>: the tracking link, the one-time
code, and the per-case pause.

Issue 16's hostile test read a real case's details after 534 guesses of the phone's last four
digits from 56 addresses: a four-digit secret with per-address limits falls to anyone with many
addresses. So the details now open only with

- the **tracking link** `/t/<REFERENCE>/<secret>`: 128 random bits from `secrets`, printed on
  the receipt and its QR code, shown on the confirmation page and sent in the first message.
  Only its SHA-256 is stored (`CaseAccess.link_hash`); staff can issue a new one, which kills
  the old one. A secret of 128 bits cannot be guessed, so a wrong link does not count as a
  failed try (counting it would let anyone lock a resident out);
- or a **one-time code** of six digits sent to the phone or e-mail the form holds: valid
  `CODE_SECONDS`, `CODE_TRIES` tries, one live code per case, stored as a keyed digest (a plain
  hash of a million possible codes would be reversed in a blink);

and every wrong code counts against the case itself, from whatever address: after
`CASE_FAILURES` in an hour, codes for that case are refused for `PAUSE_SECONDS` and the
timeline says so. Every counter moves by a conditional UPDATE, so it holds across processes
and threads. The last four phone digits no longer open anything.
"""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.i18n import ascii_digits
from portal.templatetags.portal_tags import thaidate
from services.cases.models import CaseAccess, CaseEvent
from services.cases.signals import tracking_code_requested

LINK_BYTES = 16  # 128 bits (the issue asks for at least 96): 22 URL-safe characters
# What a link's secret looks like; the action slugs of /t/<REF>/<action> are short words and
# never 22 characters long, so the two URL shapes cannot clash.
LINK_PATTERN = "[A-Za-z0-9_-]{22}"
CODE_SECONDS = 600
CODE_TRIES = 5
CASE_FAILURES = 10
PAUSE_SECONDS = 3600
RESEND_SECONDS = 60
# A code is an SMS the office pays for and a message on someone's phone: a stranger holding the
# reference must not be able to send a resident fifty of them.
SENDS_PER_DAY = 5
VIA_CHOICES = ("phone", "email")


@dataclass
class Outcome:
    """What happened to a resident's request or try: `ok`, else `message` says why not (in the
    active language) and `paused` is True when the case is paused (the view answers 429)."""

    ok: bool
    message: str = ""
    sent_to: str = ""
    paused: bool = False


# --- the tracking link ------------------------------------------------------------------------


def link_digest(token):
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def issue_link(case, *, actor=None, reissue=False):
    """A new tracking link for `case`; returns its secret, which is never stored.

    The previous link (if any) stops working at once. `reissue=True` (staff, e.g. the resident
    lost the paper) records it on the timeline. The secret is also kept on the `case` object
    for the rest of this request, so the "received" message written in the same transaction can
    carry it (`fresh_link_path`).
    """
    token = secrets.token_urlsafe(LINK_BYTES)
    CaseAccess.objects.update_or_create(
        case=case, defaults={"link_hash": link_digest(token), "link_issued_at": timezone.now()}
    )
    if reissue:
        with translation.override("th"):  # the timeline is the office's record, in its language
            note = _("A new tracking link was issued; the previous link no longer opens this request.")
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.LINK_REISSUED, public=False, actor=actor, message=note)
    case._fresh_link_token = token
    return token


def link_path(case, token):
    return reverse("case_link", args=[case.reference, token])


def fresh_link_path(case):
    """The tracking link issued for `case` during this request, or "" (the secret is not stored,
    so a later message can only give the plain /t/<REFERENCE>)."""
    token = getattr(case, "_fresh_link_token", "")
    return link_path(case, token) if token else ""


def check_link(case, token):
    stored = CaseAccess.objects.filter(case=case).values_list("link_hash", flat=True).first()
    if not stored or not token.isascii():
        return False
    return hmac.compare_digest(stored.encode("ascii"), link_digest(token).encode("ascii"))


# --- the one-time code ------------------------------------------------------------------------


def code_digest(case_pk, code):
    """Keyed with SECRET_KEY: a database copy alone does not give a live code back."""
    message = f"case-code:{case_pk}:{code}".encode("ascii")
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def mask_phone(phone):
    """08x-xxx-5678: enough for the resident to recognise their number, useless to anyone else."""
    digits = "".join(ch for ch in ascii_digits(phone or "") if ch.isdigit())
    if len(digits) < 6:
        return "x" * len(digits)
    return f"{digits[:2]}x-xxx-{digits[-4:]}"


def mask_email(address):
    """s***@gmail.com"""
    local, _at, domain = (address or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def paused_message(access):
    return _(
        "Too many wrong codes were typed for this request, so codes are not accepted until %(time)s. "
        "The link on your receipt or in our first message still opens it."
    ) % {"time": thaidate(access.paused_until, "datetime")}


def _access(case):
    access, _created = CaseAccess.objects.get_or_create(case=case)
    return access


def request_code(case, via, language):
    """Send the resident a new six-digit code by `via` ("phone" or "email"), replacing any live
    one. Throttled per case: one a minute, `SENDS_PER_DAY` a day, none while paused."""
    now = timezone.now()
    access = _access(case)
    if access.is_paused(now):
        return Outcome(False, paused_message(access), paused=True)
    day_ago = now - datetime.timedelta(days=1)
    CaseAccess.objects.filter(Q(code_sends_since__isnull=True) | Q(code_sends_since__lt=day_ago), pk=case.pk).update(
        code_sends=0, code_sends_since=now
    )
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        # One conditional UPDATE takes the send: two requests at once cannot both pass the throttle.
        taken = (
            CaseAccess.objects.filter(pk=case.pk, code_sends__lt=SENDS_PER_DAY)
            .filter(
                Q(code_sent_at__isnull=True) | Q(code_sent_at__lte=now - datetime.timedelta(seconds=RESEND_SECONDS))
            )
            .filter(Q(paused_until__isnull=True) | Q(paused_until__lte=now))
            .update(
                code_hash=code_digest(case.pk, code),
                code_expires_at=now + datetime.timedelta(seconds=CODE_SECONDS),
                code_tries=0,
                code_sent_at=now,
                code_sends=F("code_sends") + 1,
            )
        )
        if not taken:
            access.refresh_from_db()
            if access.is_paused(now):
                return Outcome(False, paused_message(access), paused=True)
            if access.code_sends >= SENDS_PER_DAY:
                return Outcome(False, _("You have asked for too many codes today. Please try again tomorrow."))
            return Outcome(
                False, _("A code was sent less than a minute ago. Please wait a minute before asking again.")
            )
        answers = tracking_code_requested.send(sender=type(case), case=case, code=code, via=via, language=language)
        sent_to = next((answer for _receiver, answer in answers if answer), "")
        if not sent_to:
            transaction.set_rollback(True)  # nothing went out: the throttle was not used either
            if via == "email":
                return Outcome(
                    False, _("We cannot send a code to an e-mail address for this request. Choose your phone instead.")
                )
            return Outcome(False, _("We cannot send a code to a phone for this request. Choose e-mail instead."))
    return Outcome(True, sent_to=sent_to)


def check_code(case, typed):
    """Try `typed` (already ASCII digits) against the live code. Every wrong try counts against
    the case (also when no code is live: a guess is a guess) and uses one of the code's tries;
    the right one is used up."""
    now = timezone.now()
    access = _access(case)
    if access.is_paused(now):
        return Outcome(False, paused_message(access), paused=True)
    taken = bool(access.code_hash) and bool(
        CaseAccess.objects.filter(
            pk=case.pk, code_hash=access.code_hash, code_tries__lt=CODE_TRIES, code_expires_at__gt=now
        ).update(code_tries=F("code_tries") + 1)
    )
    if taken:
        typed_digest = code_digest(case.pk, typed if typed.isascii() else "")
        if hmac.compare_digest(typed_digest.encode("ascii"), access.code_hash.encode("ascii")):
            CaseAccess.objects.filter(pk=case.pk, code_hash=access.code_hash).update(code_hash="", code_expires_at=None)
            return Outcome(True)
    paused = record_failure(case, now)
    if paused is not None:
        return Outcome(False, paused_message(paused), paused=True)
    if not access.code_hash:
        return Outcome(False, _("Ask for a code first: press “Send me a code”."))
    if not taken:
        return Outcome(False, _("This code has expired or was tried too often. Ask for a new code."))
    return Outcome(False, _("That is not the code we sent. Check the message and type it again."))


def record_failure(case, now=None):
    """Count one wrong try against the case, wherever it came from. The tenth within an hour
    pauses the case (one writer wins the conditional UPDATE and writes the timeline). Returns
    the CaseAccess when this try paused the case, else None."""
    now = now or timezone.now()
    window_start = now - datetime.timedelta(seconds=PAUSE_SECONDS)
    rows = CaseAccess.objects.filter(pk=case.pk)
    rows.filter(Q(failures_since__isnull=True) | Q(failures_since__lt=window_start)).update(
        failures=0, failures_since=now
    )
    rows.update(failures=F("failures") + 1)
    until = now + datetime.timedelta(seconds=PAUSE_SECONDS)
    paused = (
        rows.filter(failures__gte=CASE_FAILURES)
        .filter(Q(paused_until__isnull=True) | Q(paused_until__lte=now))
        .update(paused_until=until, failures=0, failures_since=None, code_hash="", code_expires_at=None)
    )
    if not paused:
        return None
    with translation.override("th"):
        note = _("%(count)s wrong codes were typed; codes for this request are refused until %(time)s.") % {
            "count": CASE_FAILURES,
            "time": thaidate(until, "datetime"),
        }
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.VERIFY_PAUSED, public=False, message=note)
    return CaseAccess(case=case, paused_until=until)
