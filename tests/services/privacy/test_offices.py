"""PDPA on an install with two offices (issue 17): each office is its own data controller. A
data protection officer of office A finds, exports and erases only A's records of a person who
filed with both offices; B's stay untouched. The register, the access log and the retention
rules list only the officer's offices' rows; a platform administrator reaches every office."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from forms_builder.models import Submission
from portal.models import StaffRole
from services.privacy.models import Anonymisation, DataSubjectRequest, PersonalDataAccess, RetentionRule
from tests.factories import InvoiceFactory, ServicePageFactory, services_index
from tests.services.payments.two_offices import not_found, staff_of, two_offices

pytestmark = pytest.mark.django_db

PHONE = "0812345678"  # the same resident filed with both offices (two_offices)
REQUESTS = "/admin/privacy/requests/"


@pytest.fixture
def offices(db):
    return two_offices()


@pytest.fixture
def dpo_a(offices):
    a, _b = offices
    return staff_of(a.site, "privacy.handle_personal_data", role=StaffRole.OFFICE_ADMIN, username="dpo.a")


def test_a_search_by_office_as_officer_finds_only_office_as_records(client, offices, dpo_a):
    a, b = offices
    client.force_login(dpo_a)
    page = client.post(REQUESTS, {"identifier": PHONE, "action": "find"}).content.decode()
    assert a.case.reference in page and b.case.reference not in page
    InvoiceFactory(case=b.case, number="INV-B-0009")
    exported = client.post(REQUESTS, {"identifier": PHONE, "action": "export"})
    person = json.loads(zipfile.ZipFile(io.BytesIO(exported.content)).read("person.json"))
    references = [s["case"]["reference"] for s in person["submissions"]]
    assert references == [a.case.reference]
    assert "INV-B-0009" not in json.dumps(person)
    assert all(b.case.reference not in json.dumps(m) for m in person["notifications"])


def test_erasure_by_office_a_leaves_office_b_untouched(client, offices, dpo_a):
    a, b = offices
    client.force_login(dpo_a)
    done = client.post(REQUESTS, {"identifier": PHONE, "action": "erase", "confirm": "on"})
    assert done.status_code == 302
    assert Anonymisation.objects.filter(case=a.case).exists()
    assert not Anonymisation.objects.filter(case=b.case).exists()
    theirs = Submission.objects.get(pk=b.case.submission_id)
    assert theirs.contact_phone == PHONE and theirs.contact_name
    assert b.case.notifications.filter(recipient="somying@example.com").exists()  # B's messages kept
    register = DataSubjectRequest.objects.get()
    assert register.site == a.site and register.cases == 1


def test_the_register_and_access_log_list_only_the_officers_office(client, offices, dpo_a):
    a, b = offices
    PersonalDataAccess.objects.create(username="officer.a", case=a.case, action="view")
    PersonalDataAccess.objects.create(username="officer.b", case=b.case, action="view")
    PersonalDataAccess.objects.create(username="officer.b", site=b.site, action="export", detail="csv q=")
    DataSubjectRequest.objects.create(kind="export", identifier_masked="******9999", site=b.site, note="หนังสือของบี")
    client.force_login(dpo_a)
    log = client.get(reverse("privacy_access_log:index")).content.decode()
    assert "officer.a" in log and "officer.b" not in log
    exported = b"".join(client.get(reverse("privacy_access_log:index") + "?export=csv").streaming_content).decode()
    assert "officer.b" not in exported
    assert "******9999" not in client.get(REQUESTS).content.decode()


def test_retention_rules_and_their_chooser_are_the_offices_own(client, offices):
    """A's editor lists, edits and chooses A's rules only: B's rule (and B's service's name) is
    nowhere, and its edit and chosen URLs are "not found"."""
    a, b = offices
    services = {"a": services_index(a.site.root_page.specific), "b": services_index(b.site.root_page.specific)}
    RetentionRule.objects.create(
        service=ServicePageFactory(parent=services["a"], title="Alpha service"), retention_days=3650
    )
    theirs = RetentionRule.objects.create(
        service=ServicePageFactory(parent=services["b"], title="Beta service"), retention_days=30
    )
    client.force_login(staff_of(a.site, "privacy.change_retentionrule", role=StaffRole.OFFICE_ADMIN))
    listing = client.get(reverse("wagtailsnippets_privacy_retentionrule:list")).content.decode()
    assert "Alpha service" in listing and "Beta service" not in listing
    assert not_found(client, reverse("wagtailsnippets_privacy_retentionrule:edit", args=[theirs.pk]))
    chooser = "wagtailsnippetchoosers_privacy_retentionrule"
    for url in (reverse(f"{chooser}:choose"), reverse(f"{chooser}:choose_results")):
        page = client.get(url).content.decode()
        assert "Alpha service" in page and "Beta service" not in page
    assert not_found(client, reverse(f"{chooser}:chosen", args=[theirs.pk]))


def test_a_platform_administrator_may_erase_across_offices(client, offices, django_user_model):
    a, b = offices
    admin = django_user_model.objects.create_superuser("platform", password="portal-demo-2569")
    client.force_login(admin)
    done = client.post(REQUESTS, {"identifier": PHONE, "action": "erase", "confirm": "on", "office": ""})
    assert done.status_code == 302
    assert Anonymisation.objects.filter(case__in=[a.case, b.case]).count() == 2
    assert DataSubjectRequest.objects.get().site is None  # every office


def test_an_officer_of_two_offices_chooses_the_office(client, offices, dpo_a):
    a, b = offices
    dpo_b = staff_of(b.site, "privacy.handle_personal_data", role=StaffRole.OFFICE_ADMIN, username="dpo.b")
    dpo_a.groups.add(*dpo_b.groups.all())
    client.force_login(dpo_a)
    missing = client.post(REQUESTS, {"identifier": PHONE, "action": "erase", "confirm": "on"})
    assert missing.status_code == 400 and not Anonymisation.objects.exists()
    done = client.post(REQUESTS, {"identifier": PHONE, "action": "erase", "confirm": "on", "office": b.site.pk})
    assert done.status_code == 302
    assert list(Anonymisation.objects.values_list("case", flat=True)) == [b.case.pk]
