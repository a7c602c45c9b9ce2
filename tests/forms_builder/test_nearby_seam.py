"""The form engine's seam for "already reported here" (forms_builder.nearby), with a stand-in
callable: after a step with a pin, the screen the callable returns is shown instead of the next
step, its "continue" link opens that next step with the answers kept, and without a pin, without
a callable or with a failing one the form simply carries on."""

from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from forms_builder.models import Submission
from forms_builder.nearby import NearbyScreen
from tests.forms_builder.test_forms_wizard import complaint_steps, start

pytestmark = pytest.mark.django_db

CALLS = []
HOOK = "tests.forms_builder.test_nearby_seam"


def offer(*, request, page, location, answers, continue_url):
    CALLS.append({"page": page.pk, "location": location, "answers": answers, "continue_url": continue_url})
    return NearbyScreen("404.html", {"offered": "yes"})


def nothing(**kwargs):
    CALLS.append(kwargs)


def broken(**kwargs):
    raise RuntimeError("reports database down")


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


def first_two_steps(client, page, lat="18.7901", lng="98.9812"):
    f = start(client, page)
    what, where, who = complaint_steps(f)
    f.post(what, {"category": "road", "details": "ถนนเป็นหลุมลึก"})
    response = f.post(where, {"location__text": "หน้าวัดบ้านสวน", "location__lat": lat, "location__lng": lng})
    return f, response, who


def test_the_callables_screen_comes_before_the_next_step_and_continue_keeps_the_answers(client, make_form, settings):
    settings.FORMS_BUILDER_NEARBY = f"{HOOK}.offer"
    page = make_form("complaint-form")
    f, response, who = first_two_steps(client, page)
    assert response.status_code == 200
    assert "404.html" in [t.name for t in response.templates] and response.context["offered"] == "yes"
    [call] = CALLS
    assert call["location"] == {"text": "หน้าวัดบ้านสวน", "lat": "18.7901", "lng": "98.9812"}
    assert call["answers"]["category"] == "road" and call["page"] == page.pk
    assert call["continue_url"] == f"{urlsplit(page.url).path}?step={who}" == response.context["continue_url"]

    following = client.get(call["continue_url"])
    assert f'value="{who}"' in following.content.decode()
    f.post(who, {"full_name": "สมศรี ใจดี", "phone": "081 234 5678", "consent": "on"})
    assert f.post("check").status_code == 302
    sent = Submission.objects.get()
    assert sent.answers["category"] == "road" and sent.latitude == Decimal("18.7901")


@pytest.mark.parametrize(
    ("hook", "lat", "lng"), [("nothing", "18.7901", "98.9812"), ("broken", "18.7901", "98.9812"), ("offer", "", "")]
)
def test_the_form_carries_on_without_a_screen(client, make_form, settings, hook, lat, lng):
    settings.FORMS_BUILDER_NEARBY = f"{HOOK}.{hook}"
    page = make_form("complaint-form")
    _f, response, who = first_two_steps(client, page, lat=lat, lng=lng)
    assert response.status_code == 200
    assert "404.html" not in [t.name for t in response.templates]
    assert f'value="{who}"' in response.content.decode()
    assert len(CALLS) == (0 if hook in ("broken",) or not lat else 1)


def test_no_callable_configured(client, make_form, settings):
    settings.FORMS_BUILDER_NEARBY = ""
    page = make_form("complaint-form")
    _f, response, who = first_two_steps(client, page)
    assert f'value="{who}"' in response.content.decode()
