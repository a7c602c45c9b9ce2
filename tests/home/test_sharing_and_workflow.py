"""sitemap.xml with both languages and hreflang, Open Graph and canonical tags, the editorial
workflow set up by the demo, and scheduled publishing."""

import datetime
from unittest import mock

import defusedxml.ElementTree as ET
import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, Workflow

from home.models import NewsPage
from tests.home import news_fixtures as fx

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_sitemap_lists_every_language_with_hreflang_alternates(client, demo):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    urls = {u.find("s:loc", NS).text: u for u in root.findall("s:url", NS)}
    guide_th = next(loc for loc in urls if loc.endswith("/th/services/building-permit/"))
    guide_en = next(loc for loc in urls if loc.endswith("/en/services/building-permit/"))
    alternates = {a.get("hreflang"): a.get("href") for a in urls[guide_th].findall("x:link", NS)}
    assert alternates == {"th": guide_th, "en": guide_en}
    assert any(loc.endswith("/en/news/") for loc in urls)
    assert not any("/search/" in loc for loc in urls)


def test_open_graph_and_canonical_tags_for_link_previews(client, demo):
    html = client.get("/th/services/garbage-fee/?utm_source=line").content.decode()
    assert '<link rel="canonical" href="http://testserver/th/services/garbage-fee/">' in html
    assert '<meta property="og:title" content="ชำระค่าธรรมเนียมเก็บและขนขยะมูลฝอย">' in html
    assert '<meta property="og:url" content="http://testserver/th/services/garbage-fee/">' in html
    assert '<meta property="og:description" content="ค่าธรรมเนียมเก็บขนขยะมูลฝอย' in html
    assert '<meta property="og:image" content="http://testserver/static/img/emblem.svg">' in html
    assert '<meta property="og:locale" content="th_TH">' in html
    assert '<meta property="og:locale" content="en_US">' in client.get("/en/services/garbage-fee/").content.decode()


def test_demo_sets_up_moderator_approval_on_the_whole_site(demo, home_th, home_en):
    workflow = Workflow.objects.get(name="Editorial review")
    tasks = [t.specific for t in workflow.tasks]
    assert [g.name for g in tasks[0].groups.all()] == ["Moderators"]
    # The municipality's guide (the demo's second office has one of the same name).
    guide = Page.objects.descendant_of(home_th).get(slug="building-permit")
    assert guide.get_workflow() == workflow
    assert home_en.get_workflow() == workflow


def test_an_editors_draft_waits_for_the_moderator(demo, django_user_model):
    editor = django_user_model.objects.get(username="editor")
    moderator = django_user_model.objects.get(username="moderator")
    page = NewsPage.objects.get(slug="dengue-campaign", locale__language_code="th")
    page.title = "แก้ไขโดยบรรณาธิการ"
    revision = page.save_revision(user=editor)
    workflow_state = page.get_workflow().start(page, editor)
    page.refresh_from_db()
    assert page.title != "แก้ไขโดยบรรณาธิการ"  # not live until approved
    task_state = workflow_state.current_task_state
    task = task_state.task.specific
    assert "approve" in [action[0] for action in task.get_actions(page, moderator)]
    assert task.get_actions(page, editor) == []  # the editor cannot approve their own draft
    task_state.task.specific.on_action(task_state, moderator, "approve")
    page.refresh_from_db()
    assert page.title == "แก้ไขโดยบรรณาธิการ" and page.live_revision_id == revision.pk


def test_scheduled_page_goes_live_with_publish_scheduled(client, home_th):
    index = fx.news_index(home_th)
    page = index.add_child(
        instance=NewsPage(title="ประกาศล่วงหน้า", slug="scheduled", intro="จะเผยแพร่ภายหลัง", live=False)
    )
    go_live = timezone.now() + datetime.timedelta(hours=1)
    page.go_live_at = go_live
    revision = page.save_revision(approved_go_live_at=go_live)
    revision.publish()
    page.refresh_from_db()
    assert not page.live
    assert client.get("/th/news/scheduled/").status_code == 404
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert not page.live  # not yet due
    # An hour and a minute later (the clock is moved, not the schedule):
    with mock.patch("django.utils.timezone.now", return_value=go_live + datetime.timedelta(minutes=1)):
        call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live
    assert client.get("/th/news/scheduled/").status_code == 200
    assert "ประกาศล่วงหน้า" in client.get("/th/search/", {"q": "ล่วงหน้า"}).content.decode()
