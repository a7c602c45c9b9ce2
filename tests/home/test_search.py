"""Thai-aware search: words inside Thai sentences are found, on SQLite and PostgreSQL alike
(the CI runs this file on both); kinds and snippets shown; odd input is a normal page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home import search
from home.models import SearchEntry
from tests.home import news_fixtures as news_fx
from tests.services import guides_fixtures as fx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def content(home_th):
    index = fx.service_index(home_th)
    fx.guide(
        index,
        slug="building-permit",
        title="ขออนุญาตก่อสร้างอาคาร",
        summary="ผู้ที่จะก่อสร้างอาคารต้องได้รับใบอนุญาตจากเทศบาลก่อนลงมือก่อสร้าง",
    )
    fx.guide(
        index,
        slug="garbage-fee",
        title="ชำระค่าธรรมเนียมเก็บและขนขยะมูลฝอย",
        summary="ค่าธรรมเนียมเก็บขนขยะมูลฝอยจากบ้านเรือนและร้านค้า",
        legal_basis="",
        steps=[],
        documents=[],
    )
    news_index = news_fx.news_index(home_th)
    news_fx.news(news_index, 1, title="เปิดลงทะเบียนเบี้ยยังชีพผู้สูงอายุ", intro="ผู้ที่จะมีอายุครบหกสิบปีลงทะเบียนได้ที่กองสวัสดิการสังคม")
    fx.form_document(
        title="แบบแสดงรายการภาษีป้าย", code="ภ.ป.1", cat=fx.category(home_th.locale, slug="taxes", name="ภาษีท้องถิ่น")
    )


def found(client, query, language="th"):
    html = client.get(f"/{language}/search/", {"q": query}).content.decode()
    return html


def test_index_segments_thai_at_index_time():
    text = search.segmented_text("ผู้ที่จะก่อสร้างอาคารต้องได้รับใบอนุญาต")
    assert " ใบอนุญาต " in text and " ก่อสร้าง " in text


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("ใบอนุญาต", "ขออนุญาตก่อสร้างอาคาร"),  # a word in the middle of a Thai sentence
        ("ขยะ", "ชำระค่าธรรมเนียมเก็บและขนขยะมูลฝอย"),  # inside the compound ขยะมูลฝอย (one newmm token)
        ("ค่าขยะ", "ชำระค่าธรรมเนียมเก็บและขนขยะมูลฝอย"),  # how people say it: ค่า + ขยะ, not adjacent in the text
        ("ผู้สูงอายุ", "เปิดลงทะเบียนเบี้ยยังชีพผู้สูงอายุ"),
        ("ภาษีป้าย", "แบบแสดงรายการภาษีป้าย"),
        ("ภ.ป.1", "แบบแสดงรายการภาษีป้าย"),
    ],
)
def test_thai_words_inside_sentences_are_found(client, content, query, title):
    html = found(client, query)
    assert f">{title}</a></h2>" in html, query


def test_a_word_that_appears_nowhere_finds_nothing_and_says_so_helpfully(client, content):
    html = found(client, "ทะเลสาบ")
    assert "ไม่พบผลลัพธ์สำหรับ “ทะเลสาบ”" in html
    assert "ลองใช้คำที่สั้นลงหรือคำอื่น หรือโทรสอบถามสำนักงาน" in html


def test_results_show_the_kind_and_a_marked_snippet(client, content):
    html = found(client, "ใบอนุญาต")
    assert '<span class="result-kind">บริการ</span>' in html
    assert "<mark>ใบอนุญาต</mark>" in html
    garbage = found(client, "ขยะ")
    assert '<span class="result-kind">แบบฟอร์ม</span>' not in garbage or "ขยะ" in garbage
    form = found(client, "ภาษีป้าย")
    assert '<span class="result-kind">แบบฟอร์ม</span>' in form and "/documents/" in form


def test_the_guide_ranks_above_a_news_item_mentioning_the_same_word(client, content, home_th):
    news_fx.news(news_fx.news_index(home_th), 2, title="ขอความร่วมมือคัดแยกขยะ", intro="คัดแยกขยะก่อนทิ้ง")
    html = found(client, "ขยะ")
    assert html.index("ชำระค่าธรรมเนียมเก็บและขนขยะมูลฝอย") < html.index("ขอความร่วมมือคัดแยกขยะ")


def test_search_is_per_language_and_english_words_match_plurals(client, content, home_th):
    guide = fx.service_index(home_th).get_children().get(slug="building-permit").specific
    english = guide.copy_for_translation(fx.english(), copy_parents=True)
    english.title, english.summary = "Building permit", "You need a permit before you build."
    english.save_revision().publish()
    assert ">Building permit</a>" in found(client, "permits", "en")
    assert ">Building permit</a>" not in found(client, "permit", "th")
    assert ">ขออนุญาตก่อสร้างอาคาร</a>" not in found(client, "ใบอนุญาต", "en")


def test_unpublished_pages_leave_the_index(client, content, home_th):
    guide = fx.service_index(home_th).get_children().get(slug="garbage-fee")
    guide.unpublish()
    assert "ชำระค่าธรรมเนียมเก็บและขนขยะมูลฝอย" not in found(client, "ขยะ")
    assert not SearchEntry.objects.filter(page_id=guide.pk).exists()


def test_deleted_documents_leave_the_index(client, content):
    from services.models import FormDocument

    FormDocument.objects.get(form_code="ภ.ป.1").delete()
    assert "แบบแสดงรายการภาษีป้าย" not in found(client, "ภาษีป้าย")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "ข" * 10000,
        "<script>alert(1)</script>",
        "'; DROP TABLE home_searchentry; --",
        "%_%",
        "\x00\x07",
        "😀🙏",
        "...!!!",
    ],
)
def test_empty_long_or_odd_input_is_a_normal_page(client, content, query):
    response = client.get("/th/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<h1>ค้นหา</h1>" in html


def test_snippets_escape_what_was_indexed(client, home_th):
    index = fx.service_index(home_th)
    fx.guide(index, slug="xss", title="บริการทดสอบ", summary="<img src=x onerror=alert(1)> ใบอนุญาต")
    html = found(client, "ใบอนุญาต")
    assert "<img src=x" not in html and "&lt;img src=x" in html


def test_search_takes_two_queries_whatever_the_number_of_matches(client, home_th):
    index = fx.service_index(home_th)
    for i in range(30):
        fx.guide(index, slug=f"g{i}", title=f"ใบอนุญาตที่ {i}", n_items=1)
    client.get("/th/search/", {"q": "ใบอนุญาต"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/th/search/", {"q": "ใบอนุญาต", "page": 2})
    assert response.status_code == 200
    assert len(queries) <= 4, [q["sql"][:100] for q in queries]


def test_demo_search_finds_the_contract_examples(client, demo):
    assert ">ขออนุญาตก่อสร้างอาคาร ดัดแปลง หรือรื้อถอนอาคาร (ไม่เกิน 150 ตารางเมตร)</a>" in found(client, "ใบอนุญาต")
    assert ">ชำระค่าธรรมเนียมเก็บและขนขยะมูลฝอย</a>" in found(client, "ขยะ")
