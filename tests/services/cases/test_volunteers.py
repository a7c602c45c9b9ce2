"""Volunteers on the public site (issue 14, item 6): a sign-out they can see, the residents'
names on "my cases" (masked for anyone who did not file the request), and the tracking limit
that stopped a signed-in volunteer working through her list."""

import pytest
from django.contrib.auth.models import Group

from services.cases.views import LOOKUP_LIMIT
from services.cases.volunteers import masked_name
from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    return make_world(home_th)


@pytest.fixture
def volunteers(django_user_model):
    group, _ = Group.objects.get_or_create(name="Volunteers")
    made = []
    for username, first, last in (("volunteer", "บุญมี", "อาสา"), ("volunteer2", "ประไพ", "ช่วยงาน")):
        user = django_user_model.objects.create_user(
            username, password="portal-demo-2569", first_name=first, last_name=last
        )
        user.groups.add(group)
        made.append(user)
    return made


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("สมศรี มีสุข", "สมศรี ม."),
        ("สมหญิง  ใจดี", "สมหญิง จ."),  # a leading vowel is not the initial: ใจดี is จ.
        ("แก้วตา  เพ็ญศรี", "แก้วตา พ."),
        ("Jane Mary Doe", "Jane M. D."),
        ("สมชาย", "สมชาย"),
        ("", ""),
    ],
)
def test_masked_name_keeps_the_given_name_and_initials(name, masked):
    assert masked_name(name) == masked


def test_signed_in_volunteer_sees_a_sign_out_button_that_signs_her_out(client, world, volunteers):
    client.force_login(volunteers[0])
    home = client.get("/th/accounts/my-cases/").content.decode()
    assert 'action="/th/accounts/logout/"' in home and "csrfmiddlewaretoken" in home
    assert "ออกจากระบบ" in home and "บุญมี อาสา" in home
    assert client.get("/th/accounts/logout/").status_code == 405  # still a POST, as it should be
    response = client.post("/th/accounts/logout/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert 'action="/th/accounts/logout/"' not in client.get("/th/track/").content.decode()


def test_my_cases_names_the_resident_and_others_see_the_name_masked(client, world, volunteers):
    mine, _ = submit(world["form"], channel="volunteer", filed_by=volunteers[0])
    client.force_login(volunteers[0])
    listing = client.get("/th/accounts/my-cases/").content.decode()
    assert "สมหญิง ใจดี" in listing
    assert f'class="ref" href="/t/{mine.reference}"' in listing and '<table class="my-cases stack">' in listing
    assert 'data-label="ยื่นแทน"' in listing
    assert "สมหญิง ใจดี" in client.get(f"/t/{mine.reference}").content.decode()

    client.force_login(volunteers[1])
    assert "สมหญิง" not in client.get("/th/accounts/my-cases/").content.decode()
    other = client.get(f"/t/{mine.reference}").content.decode()
    assert "สมหญิง จ." in other and "ใจดี" not in other

    client.logout()
    public = client.get(f"/t/{mine.reference}").content.decode()
    assert "สมหญิง" not in public and "ยื่นแทน" not in public


def test_a_signed_in_volunteer_is_not_stopped_by_the_per_address_tracking_limit(client, world, volunteers):
    cases = [submit(world["form"], channel="volunteer", filed_by=volunteers[0])[0] for _ in range(3)]
    count, _seconds = LOOKUP_LIMIT
    client.force_login(volunteers[0])
    for index in range(count + 40):
        response = client.get(f"/t/{cases[index % 3].reference}")
        assert response.status_code == 200, index
    # Anonymous guessing from the same address is still stopped.
    client.logout()
    statuses = [client.get(f"/t/{cases[0].reference}").status_code for _ in range(count + 1)]
    assert statuses[-1] == 429
