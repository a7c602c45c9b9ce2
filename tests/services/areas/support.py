"""The areas tests' world: the case tests' office (works and health departments) with the real
starter complaint form ("kind of problem": road, garbage, water, noise, other) and its service,
two communities (one with a hole), and `file`, a complaint through the real intake."""

from decimal import Decimal

from forms_builder.fields import build_definition
from forms_builder.models import FormPage
from forms_builder.starter import FORMS, form_page
from services.areas.models import Area
from tests.factories import ServicePageFactory, services_index
from tests.services.cases.support import make_world, submit

COMPLAINT = next(form for form in FORMS if form["slug"] == "complaint-form")
# Square communities of about 1 km near the demo town; "riverside" has a park (a hole) in it.
RIVERSIDE = {
    "type": "Polygon",
    "coordinates": [
        [[98.96, 18.78], [98.97, 18.78], [98.97, 18.79], [98.96, 18.79], [98.96, 18.78]],
        [[98.964, 18.784], [98.966, 18.784], [98.966, 18.786], [98.964, 18.786], [98.964, 18.784]],
    ],
}
MARKET = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[98.97, 18.78], [98.98, 18.78], [98.98, 18.79], [98.97, 18.79], [98.97, 18.78]]],
        [[[99.00, 18.80], [99.01, 18.80], [99.01, 18.81], [99.00, 18.81], [99.00, 18.80]]],
    ],
}
IN_RIVERSIDE = ("18.781000", "98.961000")
IN_PARK = ("18.785000", "98.965000")
IN_MARKET_ISLAND = ("18.805000", "99.005000")
OUTSIDE = ("18.900000", "98.900000")


def make_areas_world(home):
    world = make_world(home)
    form = form_page(COMPLAINT, "th", None, short_code="complaint")
    world["form"].get_parent().add_child(instance=form)
    form.save_revision().publish()
    form = FormPage.objects.get(pk=form.pk)
    clerk = world["works"].__class__.objects.create(site=world["site"], code="clerk", name="สำนักปลัด")
    complaint = ServicePageFactory(
        parent=services_index(home),
        title="แจ้งเรื่องร้องเรียน",
        slug="complaint",
        department=clerk,
        online_form=form,
    )
    world.update(
        complaint_form=form,
        complaint=complaint,
        clerk=clerk,
        riverside=Area.objects.create(site=world["site"], name="ชุมชนริมน้ำ", shape=RIVERSIDE),
        market=Area.objects.create(site=world["site"], name="ชุมชนตลาด", shape=MARKET),
    )
    return world


def file(world, category="garbage", at=None, form=None):
    """A complaint filed through the real intake with `category` at `at` (lat, lon): the case."""
    form = form or world["complaint_form"]
    latitude, longitude = (Decimal(at[0]), Decimal(at[1])) if at else (None, None)
    case, _receipt = submit(
        form,
        form_snapshot=build_definition(form),
        answers={"category": category, "details": "ขยะตกค้าง", "phone": "0812345678"},
        latitude=latitude,
        longitude=longitude,
    )
    return case
