"""Several stateless web nodes: whichever node a load balancer picks, the visitor sees one site.

Two real gunicorn processes (production settings) share PostgreSQL, Redis and the object store;
the test's browser sends `X-Forwarded-Proto: https` as the TLS proxy in front of them would.
Needs PostgreSQL and Redis (skipped loudly otherwise; CI runs it on both).
"""

import io
import re
import time
import uuid

import pytest
from PIL import Image

from tests.forms_builder.helpers import jpeg_bytes

from .webclient import Browser, forms

PASSWORD = "portal-demo-2569"  # the demo's


def the_form(html, field):
    for form in forms(html):
        if any(name == field for name, _value in form["fields"]):
            return form
    raise AssertionError(f"no form with {field!r}: {html[:1000]}")


def sign_in(browser, node, username="admin"):
    page = browser.get(f"{node}/admin/login/")
    assert page.status == 200, page.status
    fields = dict(the_form(page.text, "username")["fields"])
    fields.update(username=username, password=PASSWORD)
    response = browser.post(f"{node}/admin/login/", fields, referer=f"https://{node.split('://')[1]}/admin/login/")
    assert response.status == 302, response.text[:2000]
    return response


def post_form(browser, node, path, form, fields, files=None):
    action = form["action"] or path
    return browser.post(f"{node}{action}", fields, files=files, referer=f"https://{node.split('://')[1]}{path}")


def test_a_staff_session_started_on_node_1_works_on_node_2_and_signing_out_ends_it_on_both(cluster):
    node1, node2 = cluster.nodes
    officer = Browser(forwarded_https=True)
    assert officer.get(f"{node2}/admin/").status == 302  # not signed in yet
    sign_in(officer, node1)
    assert "sessionid" in officer.cookies

    dashboard = officer.get(f"{node2}/admin/")
    assert dashboard.status == 200 and "admin" in dashboard.text and 'name="password"' not in dashboard.text
    assert officer.get(f"{node1}/admin/cases/").status == 200

    # Wagtail's sign-out is a POST; the CSRF token travels in the header, from the cookie.
    logout = officer.post(f"{node2}/admin/logout/", {}, referer=f"https://{node2.split('://')[1]}/admin/")
    assert logout.status == 302
    # Ended everywhere: node 1 does not serve a stale copy of the session from its own memory.
    old_cookie = dict(officer.cookies)
    stale = Browser(forwarded_https=True)
    stale.cookies = old_cookie
    assert stale.get(f"{node1}/admin/").status == 302


def file_complaint(browser, node, photo):
    """A resident fills the demo complaint form step by step, posting each step to `node`."""
    path = "/th/forms/complaint-form/"
    answers = {
        "category": "road",
        "details": "ถนนหน้าตลาดเป็นหลุม",
        "location__text": "หน้าตลาดสดบ้านสวน",
        "full_name": "สมศรี ใจดี",
        "phone": "0812345678",
        "consent": "on",
    }
    for _ in range(8):
        page = browser.get(f"{node}{path}")
        assert page.status == 200, page.status
        form = the_form(page.text, "wizard_token")
        fields = dict(form["fields"])
        step = next(value for name, value in fields.items() if name.endswith("-current_step"))
        files = None
        if step != "check":
            fields.update(
                {f"{step}-{name}": value for name, value in answers.items() if f'name="{step}-{name}' in page.text}
            )
            if f'name="{step}-photos__upload"' in page.text:
                files = {f"{step}-photos__upload": ("pothole.jpg", photo, "image/jpeg")}
        response = post_form(browser, node, path, form, fields, files)
        errors = re.findall(r'class="fb-error"[^>]*>(.*?)</p>', response.text, re.S)
        # A step with files answers 200 (the step again, listing them); otherwise a redirect.
        assert response.status in (200, 302) and not errors, (step, response.status, errors, sorted(fields))
        sent = re.search(r"/sent/([A-Z0-9-]+)/", response.header("Location", ""))
        if sent:
            return sent.group(1)
    raise AssertionError("the form never reached its confirmation")


def test_a_residents_photo_uploaded_through_node_1_is_downloaded_by_staff_through_node_2(cluster):
    node1, node2 = cluster.nodes
    photo = jpeg_bytes(size=(90, 60))
    reference = file_complaint(Browser(forwarded_https=True), node1, photo)

    staff = Browser(forwarded_https=True)
    sign_in(staff, node2)
    listing = staff.get(f"{node2}/admin/cases/?q={reference}")
    case_id = re.search(r"/admin/cases/(\d+)/", listing.text).group(1)
    case_page = staff.get(f"{node2}/admin/cases/{case_id}/")
    assert reference in case_page.text
    link = re.search(rf"/admin/cases/{case_id}/files/\d+/", case_page.text).group(0)
    download = staff.get(f"{node2}{link}")
    # A photo opens in the browser (issue 14), as a picture and nothing else.
    assert download.status == 200 and download.header("Content-Disposition", "").startswith("inline")
    assert download.header("Content-Type") == "image/jpeg" and download.header("X-Content-Type-Options") == "nosniff"
    with Image.open(io.BytesIO(download.body)) as image:
        assert image.size == (90, 60)

    # An anonymous visitor on either node gets the sign-in page, not the file.
    for node in (node1, node2):
        refused = Browser(forwarded_https=True).get(f"{node}{link}")
        assert refused.status == 302 and "/login/" in refused.header("Location")
    # The object is in the shared bucket's private/ prefix (kept where the upload step put it),
    # and no node kept a local copy.
    from .conftest import keys

    stored = keys(cluster.s3_endpoint, cluster.s3["S3_BUCKET"], "private/")
    assert any(key.endswith(".jpg") for key in stored), stored
    assert cluster.local_files() == []


def edit_and_publish(browser, node, page_id, new_title):
    path = f"/admin/pages/{page_id}/edit/"
    editor = browser.get(f"{node}{path}")
    assert editor.status == 200, editor.status
    form = the_form(editor.text, "title")
    fields = [(name, new_title if name == "title" else value) for name, value in form["fields"]]
    fields.append(("action-publish", "action-publish"))
    response = post_form(browser, node, path, form, fields)
    errors = re.findall(r'class="error-message"[^>]*>(.*?)<', response.text, re.S)
    assert response.status == 302, (
        errors or re.findall(r'class="help-critical"[^>]*>(.*?)</', response.text, re.S) or response.text[-3000:]
    )


def test_a_page_published_through_node_1_is_shown_changed_by_node_2_to_the_next_anonymous_visitor(cluster):
    node1, node2 = cluster.nodes
    [(page_id, url_path)] = cluster.query(
        "SELECT p.id, p.url_path FROM wagtailcore_page p JOIN wagtailcore_locale l ON l.id = p.locale_id "
        "WHERE p.slug = 'news' AND l.language_code = 'th' AND p.depth = 3"
    )
    visitor = Browser(forwarded_https=True)
    before = visitor.get(f"{node2}/th/news/")
    assert before.status == 200 and url_path.endswith("/news/")
    visitor.get(f"{node2}/th/news/")  # seen twice: whatever node 2 caches, it has cached it

    # The news index: a page whose edit form is plain inputs (StreamField editors need JavaScript).
    new_title = f"ข่าวประชาสัมพันธ์ ฉบับปรับปรุง {uuid.uuid4().hex[:6]}"
    assert new_title not in before.text
    editor = Browser(forwarded_https=True)
    sign_in(editor, node1)
    edit_and_publish(editor, node1, page_id, new_title)

    # A node trusts its copy of the page-cache versions for PAGE_CACHE_VERSION_SECONDS (1 s):
    # the change must show on node 2 within that, not at some later expiry.
    deadline = time.monotonic() + 2
    while True:
        after = Browser(forwarded_https=True).get(f"{node2}/th/news/")
        if new_title in after.text or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert after.status == 200
    assert new_title in after.text, (
        "node 2 still serves the page as it was before it was published through node 1 "
        f"(cache headers: {[h for h in after.headers if 'cache' in h[0].lower() or h[0].lower() == 'age']})"
    )


@pytest.mark.parametrize("path", ["/th/", "/th/news/"])
def test_anonymous_pages_are_the_same_on_both_nodes(cluster, path):
    node1, node2 = cluster.nodes
    one, two = Browser(forwarded_https=True).get(f"{node1}{path}"), Browser(forwarded_https=True).get(f"{node2}{path}")
    assert one.status == two.status == 200
    title = re.compile(r"<title>(.*?)</title>", re.S)
    assert title.search(one.text).group(1) == title.search(two.text).group(1)
