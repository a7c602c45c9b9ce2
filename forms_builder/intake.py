"""The seam between the form engine and whatever opens cases.

`forms_builder` never imports the case queue: on submit it calls the callable named by
`settings.FORMS_BUILDER_INTAKE` (a dotted path) with the saved Submission, inside the same
transaction, and shows the resident the receipt it returns. If the intake raises, nothing is
saved, so a resident never holds a reference for a request nobody received.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class IntakeReceipt:
    """What the intake promises the resident: shown on the confirmation page and the receipt."""

    reference: str
    expected_date: datetime.date | None
    tracking_url: str
    message: str = ""
    # A link that opens the resident's own details (a secret in it): shown on the confirmation
    # page and its QR code for this browser only (kept in the session), never stored.
    private_tracking_url: str = ""


def get_intake():
    return import_string(settings.FORMS_BUILDER_INTAKE)


def hand_over(submission):
    """Give a saved submission to the intake; returns its IntakeReceipt.

    Call inside the transaction that saved the submission (the wizard does).
    """
    receipt = get_intake()(submission)
    if not isinstance(receipt, IntakeReceipt):
        raise TypeError(f"{settings.FORMS_BUILDER_INTAKE} must return an IntakeReceipt, not {type(receipt)!r}")
    return receipt
