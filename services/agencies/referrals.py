"""Referring a case to an outside agency, and what the agency does through its link.

Each step writes the case through services.cases.workflow (state, timeline, optimistic lock)
and the Referral row in the same transaction, so a case is never "referred" without a link
that opens it, nor a link left writable on a case the office took back. The message carrying
the link is written in that transaction too (services.notifications' outbox sends it after
commit).
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from services.agencies import notices
from services.agencies.models import Referral, token_digest
from services.cases import workflow


def link_path(token, language="th"):
    with translation.override(language):
        return reverse("agency_case", args=[token])


def refer(case, user, agency, *, note="", expected_version=None):
    """Pass `case` to `agency`: returns (referral, token). The token is the link's secret,
    given back this once (for the officer to copy) and sent to the agency; never stored.
    Raises workflow.WorkflowError (a message for the officer) when the case cannot be referred."""
    with transaction.atomic():
        workflow.refer(case, user, agency_name=agency.name, expected_version=expected_version)
        # The case was not with an agency (refer allows no other way), so a referral still
        # marked open was left by the status form moving the case on: it is over.
        Referral.objects.open().filter(case=case).update(ended_at=timezone.now())
        token, digest = Referral.new_token()
        referral = Referral.objects.create(
            case=case, agency=agency, agency_name=agency.name, note=note, referred_by=user, token_hash=digest
        )
        notices.send_referral(referral, link_path(token))
    return referral, token


def find(token):
    """The referral `token` opens, or None. The digest is looked up (unique and indexed), then
    compared again in constant time."""
    if not token.isascii():
        return None
    referral = (
        Referral.objects.select_related("case", "case__site", "case__department", "agency")
        .filter(token_hash=token_digest(token))
        .first()
    )
    if referral is None or not referral.matches(token):
        return None
    return referral


def post_update(referral, text):
    """The agency's update, on the case's public timeline."""
    with transaction.atomic():
        workflow.agency_update(referral.case, text, agency_name=referral.agency_name)
        _touch(referral)


def set_reference(referral, reference):
    with transaction.atomic():
        referral.agency_reference = reference
        referral.last_update_at = timezone.now()
        referral.save(update_fields=["agency_reference", "last_update_at"])


def mark_done(referral, *, message="", reference=""):
    """The agency finished: the case is resolved (the office's clock runs again for the closing
    steps) and the link turns read-only. Done once: a second press (two people at the agency)
    changes nothing and raises WorkflowError."""
    now = timezone.now()
    with transaction.atomic():
        fields = {"done_at": now, "last_update_at": now}
        if reference:
            fields["agency_reference"] = reference
        taken = Referral.objects.filter(pk=referral.pk, done_at__isnull=True, ended_at__isnull=True).update(**fields)
        if not taken:
            raise workflow.WorkflowError(_("This case was already marked done or taken back by the office."))
        workflow.agency_done(referral.case, agency_name=referral.agency_name, message=message)
    for name, value in fields.items():
        setattr(referral, name, value)


def take_back(referral, user, *, expected_version=None):
    """The office takes the case back (the agency says it is not theirs, or nothing happens):
    the case is in progress again and the link read-only."""
    with transaction.atomic():
        workflow.take_back(referral.case, user, expected_version=expected_version)
        Referral.objects.filter(pk=referral.pk, ended_at__isnull=True).update(ended_at=timezone.now())


def _touch(referral):
    now = timezone.now()
    Referral.objects.filter(pk=referral.pk).update(last_update_at=now)
    referral.last_update_at = now
