"""The agencies tests' world: the case tests' two departments and streetlight service, an
accepted streetlight case, and the electricity authority as the office's agency."""

import re

import factory

from services.agencies.models import Agency
from services.cases import workflow
from tests.factories import ModelFactory, default_site
from tests.services.cases.support import make_world, submit


class AgencyFactory(ModelFactory):
    class Meta:
        model = Agency

    site = factory.LazyFunction(default_site)
    name = factory.Sequence(lambda n: f"การไฟฟ้าส่วนภูมิภาค สาขา {n}")
    email = factory.Sequence(lambda n: f"pea{n}@example.org")
    phone = "1129"


def agency_world(home):
    world = make_world(home)
    case, _receipt = submit(world["form"])
    workflow.change_status(case, "accepted", world["officer_works"])
    world["case"] = case
    world["pea"] = AgencyFactory(name="การไฟฟ้าส่วนภูมิภาค อำเภอเมือง", email="pea.muang@example.org")
    return world


LINK = re.compile(r"https?://[^\s]+/agency/[A-Za-z0-9_-]{22}/")


def link_in(text):
    """The path of the agency's link in a message's text."""
    found = LINK.search(text)
    assert found, text
    return "/" + found.group(0).split("/", 3)[3]
