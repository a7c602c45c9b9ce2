"""Issue 21 §3 in Chromium, on a phone: a resident reports a fallen electricity pole; the works
officer accepts it and refers it to the electricity authority (PEA); the authority opens the link
from the e-mail as delivered (real SMTP to a server this test runs: the outbox's kept copy has
the link's secret redacted once sent, and the test checks that too), with no account, gives its own reference and marks it done; the
resident's tracking page shows the referral and the result. axe on the officer's refer page, the
agency's page and the resident's page: no serious or critical violation.
The demo's agencies (services.agencies.demo) are in the server's copy of the demo.
"""

import os
import subprocess
import sys
import time

import pytest

from tests.browser import ROOT, VIEWPORTS, assert_accessible, mail_demo_server, staff_sign_in
from tests.e2e.test_merge_browser import file_report
from tests.services.agencies.support import link_in

pytestmark = pytest.mark.browser

PEA = "การไฟฟ้าส่วนภูมิภาค (PEA) อำเภอเมือง"
PEA_EMAIL = "pea.demo@example.org"  # services.agencies.demo
# A spot of the demo town no other browser test reports at.
LAT = "18.707000"


def manage_shell(database_url, code):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "DATABASE_URL": database_url}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def agency_site(tmp_path_factory, demo_snapshot, live_site):
    """(base URL, database URL, SMTP server): a server of this test's own on a copy of the demo,
    sending its e-mail by SMTP to a server of this test. Asks for `live_site` because that is
    what makes the demo snapshot keep a whole database to copy (tests/conftest.py, demo_snapshot)."""
    with mail_demo_server(tmp_path_factory.mktemp("agency_site"), demo_snapshot) as (url, database, smtp):
        yield url, database.url, smtp


def delivered_link(smtp, seconds=20):
    """The path of the agency's link in the referral e-mail as the agency received it."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        found = [m for m in smtp.messages if PEA_EMAIL in m["to"]]
        if found:
            return link_in(found[-1]["text"])
        time.sleep(0.2)
    raise AssertionError(f"no e-mail to {PEA_EMAIL}: {[(m['to'], m['subject']) for m in smtp.messages]}")


def kept_copy(database_url):
    """The outbox's copy of the sent referral message (what the office keeps)."""
    return manage_shell(
        database_url,
        "from services.notifications.models import Notification; "
        "row = Notification.objects.filter(event='agency_referral').latest('id'); "
        "print('STATUS=' + row.status); print(row.body)",
    )


def test_an_officer_refers_a_case_to_the_electricity_authority_which_marks_it_done_through_its_link(
    agency_site, make_page
):
    site, database_url, smtp = agency_site
    resident = make_page(VIEWPORTS["phone"], javascript=False)
    reference = file_report(resident, site, "สมใจ เสาล้ม", "0817770021", LAT)

    officer = make_page(VIEWPORTS["phone"])
    staff_sign_in(officer, site, "officer.works", then=f"/admin/cases/?q={reference}")
    with officer.expect_navigation():
        officer.locator(".case-listing tbody tr", has_text=reference).locator("a").first.click()
    officer.select_option("#id_status", "accepted")
    with officer.expect_navigation():
        officer.get_by_role("button", name="เปลี่ยนสถานะ").click()

    with officer.expect_navigation():
        officer.locator('.case-more-actions a[href$="/refer/"]').click()
    officer.select_option("#id_agency", label=PEA)
    officer.fill("#id_note", "เสาไฟฟ้าแรงต่ำล้มพาดถนน ซอย 7 หน้าวัด")
    assert_accessible(officer)
    with officer.expect_navigation():
        officer.locator('form:has(input[value="refer"]) button[type="submit"]').click()
    assert PEA in officer.locator(".case-admin-timeline").inner_text()

    agency = make_page(VIEWPORTS["phone"])
    path = delivered_link(smtp)
    secret = path.rstrip("/").rsplit("/", 1)[1]
    kept = kept_copy(database_url)
    assert "STATUS=sent" in kept and secret not in kept and "/agency/…" in kept
    agency.goto(f"{site}{path}")
    main = agency.locator("main").inner_text()
    assert reference in main and "เสาไฟฟ้าแรงต่ำล้มพาดถนน" in main and "เสาไฟหน้าวัด ซอย 7" in main
    assert "สมใจ" not in main and "0817770021" not in main
    assert agency.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    assert_accessible(agency)
    done_form = agency.locator('form:has(input[value="done"])')
    done_form.locator('[name="agency_reference"]').fill("PEA-6912-0042")
    done_form.locator('[name="message"]').fill("ตั้งเสาใหม่และต่อสายแล้ว")
    with agency.expect_navigation():
        done_form.locator('button[type="submit"]').click()
    assert "PEA-6912-0042" in agency.locator(".agency-reference").inner_text()
    assert agency.locator(".agency-read-only").is_visible()
    assert agency.locator('form:has(input[name="action"])').count() == 0
    assert_accessible(agency)

    resident.goto(f"{site}/t/{reference}")
    timeline = resident.locator(".case-timeline").inner_text()
    assert PEA in timeline and "ตั้งเสาใหม่และต่อสายแล้ว" in timeline
    assert_accessible(resident)
