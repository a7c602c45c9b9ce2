"""Service guides: every section of the citizen's manual shows, the catalogue and categories
lead to it, print view, "apply online", bounded queries, friendly 404."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.services import guides_fixtures as fx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def tree(site, home_th):
    dept = fx.department(site)
    cat = fx.category(home_th.locale, department=dept)
    index = fx.service_index(home_th)
    blank = fx.form_document(cat=cat)
    sample = fx.form_document(title="ตัวอย่างการกรอกคำขออนุญาตก่อสร้าง", code="ข.1-ตัวอย่าง", cat=cat)
    page = fx.guide(index, forms=[blank], samples=[sample], department=dept, category=cat)
    return {"index": index, "guide": page, "category": cat, "department": dept, "blank": blank, "sample": sample}


def sections(html, heading):
    """The text of the <section> whose heading is `heading`."""
    start = html.index(heading)
    section = html[start : html.index("</section>", start)]
    # Without the phone-card labels and the keep-the-word-whole spans (tested in tests/e2e/test_thai_tables_browser.py).
    section = re.sub(r' data-label="[^"]*"', "", section)
    return re.sub(r'<span class="thai-word">([^<]*)</span>', r"\1", section)


def test_guide_shows_every_section_of_the_citizens_manual(client, tree):
    html = client.get(tree["guide"].url).content.decode()
    assert "<h1>ขออนุญาตก่อสร้างอาคาร</h1>" in html
    # Responsible unit with its phone, total time in working days, fee with unit.
    assert "กองช่าง · โทรศัพท์ 0 5312 3456 ต่อ 201" in html
    assert "45 วันทำการ" in html
    assert "20 บาท ต่อใบอนุญาต" in html
    legal = sections(html, "ข้อกฎหมาย")
    assert "<li>พระราชบัญญัติควบคุมอาคาร พ.ศ. 2522</li>" in legal and "<li>กฎกระทรวง พ.ศ. 2528</li>" in legal
    channels = sections(html, "สถานที่และเวลาให้บริการ")
    assert "กองช่าง ช่องที่ 1" in channels and "08:30–16:30 น." in channels and "จันทร์–ศุกร์" in channels
    assert "<li>เป็นเจ้าของที่ดิน</li>" in sections(html, "หลักเกณฑ์และเงื่อนไข")
    steps = sections(html, "ขั้นตอนการให้บริการ")
    assert "<td>1</td><td>ขั้นตอนที่ 1 ตรวจเอกสาร</td><td>1 วัน</td><td>กองช่าง</td>" in steps
    documents = sections(html, "เอกสารที่ต้องใช้")
    assert "<td>เอกสารหมายเลข 1</td><td>1</td><td>2</td><td>รับรองสำเนา</td>" in documents
    assert "ค่าตรวจแบบตารางเมตรละ 0.50 บาท" in sections(html, "ค่าธรรมเนียม</h2>")
    assert "<li>ศูนย์ดำรงธรรม โทร 1567</li>" in sections(html, "ช่องทางการร้องเรียน")
    blank = sections(html, "แบบฟอร์มเปล่าสำหรับดาวน์โหลด")
    assert tree["blank"].url in blank and "แบบคำขออนุญาตก่อสร้าง" in blank and "ข.1 · PDF" in blank
    sample = sections(html, "ตัวอย่างการกรอกแบบฟอร์ม")
    assert tree["sample"].url in sample and "ดูวิธีกรอก" in sample


def test_free_service_says_so_and_same_day_service_too(client, tree):
    page = fx.guide(tree["index"], slug="free-one", fee_amount=None, fee_unit="", fee_note="", processing_days=0)
    html = client.get(page.url).content.decode()
    assert "ไม่เสียค่าธรรมเนียม" in html
    assert "แล้วเสร็จภายในวันเดียว" in html


def test_english_guide_is_english(client, tree):
    guide_en = tree["guide"].copy_for_translation(fx.english(), copy_parents=True)
    guide_en.title = "Building permit"
    guide_en.save_revision().publish()
    html = client.get(guide_en.url).content.decode()
    assert '<html lang="en">' in html
    assert "Documents to bring" in html and "45 working days" in html and "20 baht" in html


def test_apply_online_button_links_to_the_e_form_only_when_there_is_one(client, tree, home_th):
    assert "ยื่นคำขอออนไลน์" not in client.get(tree["guide"].url).content.decode()
    from django.apps import apps

    FormPage = apps.get_model("forms_builder", "FormPage")
    FormIndexPage = apps.get_model("forms_builder", "FormIndexPage")
    form_index = home_th.add_child(instance=FormIndexPage(title="แบบฟอร์มออนไลน์", slug="eforms"))
    form_page = form_index.add_child(instance=FormPage(title="แบบคำขออนุญาตก่อสร้างออนไลน์", slug="building-permit-form"))
    guide = tree["guide"]
    guide.online_form = form_page
    guide.save_revision().publish()
    html = client.get(guide.url).content.decode()
    assert f'<a class="button button-apply" href="{form_page.url}">ยื่นคำขอออนไลน์</a>' in html
    form_page.unpublish()
    assert "ยื่นคำขอออนไลน์" not in client.get(guide.url).content.decode()


def test_print_view_is_the_same_guide_without_the_site_chrome(client, tree):
    html = client.get(tree["guide"].url + "?print=1").content.decode()
    assert 'class="guide print-view"' in html
    assert "เอกสารที่ต้องใช้" in html
    # Canonical URL drops the query string: the printed view is the same page.
    assert f'<link rel="canonical" href="http://testserver{tree["guide"].url}">' in html


def test_catalogue_and_category_lead_to_the_guide(client, tree):
    html = client.get(tree["index"].url).content.decode()
    category_url = tree["index"].url + "category/building/"
    assert f'href="{category_url}"' in html
    assert "ก่อสร้างและที่ดิน" in html
    category_html = client.get(category_url).content.decode()
    assert f'href="{tree["guide"].url}"' in category_html
    assert "แบบคำขออนุญาตก่อสร้าง" in category_html  # the category's forms too
    assert client.get(tree["index"].url + "category/no-such/").status_code == 404


@pytest.mark.parametrize("path", ["/th/services/no-such-guide/", "/en/services/no-such-guide/"])
def test_unknown_guide_is_a_friendly_404_in_the_right_language(client, tree, path):
    response = client.get(path)
    assert response.status_code == 404
    assert ("ไม่พบหน้าที่ท่านต้องการ" if path.startswith("/th/") else "Page not found") in response.content.decode()


@pytest.mark.parametrize("items", [5, 50])
def test_guide_renders_in_at_most_12_queries_whatever_its_size(client, site, home_th, items):
    dept = fx.department(site)
    cat = fx.category(home_th.locale)
    index = fx.service_index(home_th)
    forms = [fx.form_document(title=f"แบบ {i}", code=f"ก.{i}", cat=cat) for i in range(items)]
    page = fx.guide(index, n_items=items, forms=forms, samples=forms[:items], department=dept, category=cat)
    client.get(page.url)  # warm per-process caches, as a running server has them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.url)
    assert response.status_code == 200
    assert response.content.decode().count('class="form-link"') == 2 * items
    assert len(queries) <= 12, [q["sql"][:100] for q in queries]


@pytest.mark.parametrize("items", [5, 50])
def test_catalogue_and_category_render_in_at_most_12_queries(client, site, home_th, items):
    cat = fx.category(home_th.locale)
    fx.category(home_th.locale, slug="taxes", name="ภาษี")
    index = fx.service_index(home_th)
    for i in range(items):
        fx.guide(index, n_items=1, slug=f"guide-{i}", category=cat, publish=False)
        fx.form_document(title=f"แบบ {i}", code=f"ก.{i}", cat=cat)
    for url in (index.url, index.url + "category/building/"):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count("/th/services/guide-") >= items
        assert len(queries) <= 12, (url, [q["sql"][:100] for q in queries])
