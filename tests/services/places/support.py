"""Helpers the public-report tests share."""

from decimal import Decimal

from tests.factories import FiledCaseFactory, SubmissionFactory
from tests.services.cases.support import make_world


def public_world(home_th):
    """The cases test world with its streetlight service made a public place."""
    world = make_world(home_th)
    world["service"].public_place = True
    world["service"].save()
    return world


def report(world, email="", phone="0812345678", language="th", **fields):
    """A streetlight report filed at one spot of the demo town, with the resident's contact."""
    submission = SubmissionFactory(
        form_page=world["form"],
        latitude=Decimal("18.788300"),
        longitude=Decimal("98.985300"),
        contact_email=email,
        phone=phone,
        language=language,
    )
    return FiledCaseFactory(submission=submission, **fields)
