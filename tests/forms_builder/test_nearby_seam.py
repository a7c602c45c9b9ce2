"""The form engine's seam for "already reported here" (forms_builder.nearby), with a stand-in
callable: after a step with a pin (or a choice and no pin), the screen the callable returns is shown instead of the next
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


def offer(*, request, page, location, answers, continue_url, fields):
    """Offers a screen for a pin, and for a step's choice only when it is "road" (a stand-in for
    a choice the callable knows as a place, like a community)."""
    CALLS.append(
        {"page": page.pk, "location": location, "answers": answers, "continue_url": continue_url, "fields": fields}
    )
    if location is None and answers.get("category") != "road":
        return None
    return NearbyScreen("404.html", {"offered": "yes"})


def nothing(**kwargs):
    CALLS.append(kwargs)


def broken(**kwargs):
    raise RuntimeError("reports database down")


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


def first_two_steps(client, page, lat="18.7901", lng="98.9812", category="garbage"):
    f = start(client, page)
    what, where, who = complaint_steps(f)
    f.post(what, {"category": category, "details": "ถนนเป็นหลุมลึก"})
    response = f.post(where, {"location__text": "หน้าวัดบ้านสวน", "location__lat": lat, "location__lng": lng})
    return f, response, who


def test_the_callables_screen_comes_before_the_next_step_and_continue_keeps_the_answers(client, make_form, settings):
    settings.FORMS_BUILDER_NEARBY = f"{HOOK}.offer"
    page = make_form("complaint-form")
    f, response, who = first_two_steps(client, page)
    assert response.status_code == 200
    assert "404.html" in [t.name for t in response.templates] and response.context["offered"] == "yes"
    choice, call = CALLS  # the first step's choice (nothing offered for it), then the pin
    assert choice["location"] is None and [spec["key"] for spec in choice["fields"]][0] == "category"
    assert call["location"] == {"text": "หน้าวัดบ้านสวน", "lat": "18.7901", "lng": "98.9812"}
    assert call["answers"]["category"] == "garbage" and call["page"] == page.pk
    assert call["continue_url"] == f"{urlsplit(page.url).path}?step={who}" == response.context["continue_url"]

    following = client.get(call["continue_url"])
    assert f'value="{who}"' in following.content.decode()
    f.post(who, {"full_name": "สมศรี ใจดี", "phone": "081 234 5678", "consent": "on"})
    assert f.post("check").status_code == 302
    sent = Submission.objects.get()
    assert sent.answers["category"] == "garbage" and sent.latitude == Decimal("18.7901")


def test_a_choice_without_a_pin_is_offered_to_the_callable_once(client, make_form, settings):
    """A step answered by choosing (a community from a list, no pin): the callable sees the
    step's questions with no location, and its screen comes before the next step, once."""
    settings.FORMS_BUILDER_NEARBY = f"{HOOK}.offer"
    page = make_form("complaint-form")
    f = start(client, page)
    what, where, _who = complaint_steps(f)
    response = f.post(what, {"category": "road", "details": "ถนนเป็นหลุมลึก"})
    assert "404.html" in [t.name for t in response.templates]
    assert CALLS[0]["location"] is None and CALLS[0]["continue_url"].endswith(f"?step={where}")
    again = f.post(what, {"category": "road", "details": "ถนนเป็นหลุมลึก"})
    assert "404.html" not in [t.name for t in again.templates] and len(CALLS) == 1


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
    # Called after the first step's choice and after the pin (a broken one records nothing).
    assert len(CALLS) == (0 if hook in ("broken",) else 2 if lat else 1)


def test_no_callable_configured(client, make_form, settings):
    settings.FORMS_BUILDER_NEARBY = ""
    page = make_form("complaint-form")
    _f, response, who = first_two_steps(client, page)
    assert f'value="{who}"' in response.content.decode()
