"""News and announcements: list, filters, pagination, urgent banner, feeds, bounded queries."""

import datetime

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale

from home.models import NewsCategory, StandardPage
from tests.home import news_fixtures as fx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def index(home_th):
    return fx.news_index(home_th)


def test_news_index_lists_newest_first_ten_a_page(client, index):
    for n in range(1, 13):
        fx.news(index, n)
    html = client.get(index.url).content.decode()
    assert html.index("ข่าวที่ 1<") < html.index("ข่าวที่ 2<")
    assert "ข่าวที่ 10<" in html and "ข่าวที่ 11<" not in html
    assert "หน้า 1 จาก 2" in html
    second = client.get(index.url, {"page": 2}).content.decode()
    assert "ข่าวที่ 11<" in second and "ข่าวที่ 1<" not in second
    assert client.get(index.url, {"page": "abc"}).status_code == 200


def test_news_index_filters_by_category_and_tag(client, index):
    fx.news(index, 1, category=NewsCategory.PROCUREMENT, title="ประกาศประกวดราคาถนน", tags=["ถนน"])
    fx.news(index, 2, title="รณรงค์ไข้เลือดออก", tags=["สาธารณสุข"])
    procurement = client.get(index.url, {"category": "procurement"}).content.decode()
    assert "ประกาศประกวดราคาถนน" in procurement and "รณรงค์ไข้เลือดออก" not in procurement
    tagged = client.get(index.url, {"tag": "สาธารณสุข"}).content.decode()
    assert "รณรงค์ไข้เลือดออก" in tagged and "ประกาศประกวดราคาถนน" not in tagged
    assert "?tag=%E0%B8%96%E0%B8%99%E0%B8%99" in tagged  # the tag list links each topic
    odd = client.get(index.url, {"category": "<b>", "tag": "x" * 500})
    assert odd.status_code == 200 and "ยังไม่มีข่าวในหมวดนี้" in odd.content.decode()


def test_news_page_shows_date_in_buddhist_era_body_attachment_and_image(client, index):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    from tests.services.guides_fixtures import form_document

    image = Image.objects.create(title="ถนน", file=get_test_image_file())
    attachment = form_document(title="ประกาศฉบับลงนาม", code="", filename="signed.pdf")
    page = fx.news(
        index,
        1,
        date=datetime.date(2026, 11, 20),
        image=image,
        image_alt="ถนนคอนกรีตหมู่ 2",
        attachments=[("attachment", {"document": attachment, "caption": "ลงนามแล้ว"})],
    )
    html = client.get(page.url).content.decode()
    assert "20 พฤศจิกายน 2569" in html
    assert "<p>เนื้อหาข่าวที่ 1</p>" in html
    assert attachment.url in html and "ประกาศฉบับลงนาม" in html
    assert 'alt="ถนนคอนกรีตหมู่ 2"' in html
    assert '<meta property="og:image" content="http://testserver/' in html
    assert '<meta property="og:type" content="article">' in html


def test_urgent_news_feeds_the_home_banner_until_it_expires(client, home_th, index):
    page = fx.news(
        index, 1, title="งดจ่ายน้ำประปาหมู่ 3", urgent=True, urgent_until=timezone.now() + datetime.timedelta(hours=2)
    )
    html = client.get("/th/").content.decode()
    assert 'class="urgent-banner"' in html and "งดจ่ายน้ำประปาหมู่ 3" in html
    assert f'href="{page.url}"' in html
    page.urgent_until = timezone.now() - datetime.timedelta(seconds=1)
    page.save_revision().publish()
    html = client.get("/th/").content.decode()
    assert 'class="urgent-banner"' not in html
    assert "ข่าวล่าสุด" in html and "งดจ่ายน้ำประปาหมู่ 3" in html  # still in the latest news


def test_urgent_news_that_is_old_still_reaches_the_banner(client, home_th, index):
    fx.news(index, 30, title="เตือนภัยน้ำป่า", urgent=True)
    for n in range(1, 5):
        fx.news(index, n)
    html = client.get("/th/").content.decode()
    banner = html[html.index('class="urgent-banner"') : html.index("</div>", html.index('class="urgent-banner"'))]
    assert "เตือนภัยน้ำป่า" in banner


@pytest.mark.parametrize("path", ["/th/feeds/news/", "/th/feeds/news/atom/"])
def test_feeds_parse_and_carry_the_news_of_one_language(client, home_th, index, path):
    fx.news(index, 1, title="ข่าวภาษาไทย", category=NewsCategory.PROCUREMENT)
    english_index = index.copy_for_translation(Locale.objects.get(language_code="en"))
    english_index.save_revision().publish()
    fx.news(english_index, 2, title="English news", slug="english-news")
    feed = feedparser.parse(client.get(path).content)
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title for entry in feed.entries] == ["ข่าวภาษาไทย"]
    assert feed.entries[0].link.endswith("/th/news/news-1/")
    assert feed.entries[0].tags[0].term == "จัดซื้อจัดจ้าง"
    english = feedparser.parse(client.get(path.replace("/th/", "/en/")).content)
    assert [entry.title for entry in english.entries] == ["English news"]
    assert english.feed.title.startswith("News and announcements")


@pytest.mark.parametrize("items", [5, 50])
def test_news_pages_render_in_at_most_12_queries(client, home_th, index, items):
    from tests.services.guides_fixtures import form_document

    documents = [form_document(title=f"ไฟล์ {i}", code="", filename=f"f{i}.pdf") for i in range(items)]
    for n in range(1, items + 1):
        fx.news(index, n, tags=["ถนน", f"แท็ก{n}"], publish=False)
    page = fx.news(
        index,
        0,
        body=[("paragraph", f"<p>ย่อหน้า {i}</p>") for i in range(items)],
        attachments=[("attachment", {"document": d, "caption": ""}) for d in documents],
        tags=[f"หัวข้อ{i}" for i in range(items)],
    )
    for url in ("/th/", index.url, index.url + "?tag=ถนน", page.url):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        limit = 10 if url == "/th/" else 12
        assert len(queries) <= limit, (url, [q["sql"][:100] for q in queries])
    assert response.content.decode().count("/documents/") == items


def test_standard_pages_in_menu_and_footer(client, demo):
    html = client.get("/th/").content.decode()
    menu = html[html.index('class="main-menu"') : html.index("</ul>", html.index('class="main-menu"'))]
    assert "เกี่ยวกับเทศบาล" in menu and "บริการประชาชน" in menu and "ข่าวประชาสัมพันธ์" in menu
    footer = html[html.index('id="footer-links"') :]
    assert "นโยบายคุ้มครองข้อมูลส่วนบุคคล" in footer and "การเข้าถึงเว็บไซต์" in footer
    executives = client.get("/en/executives/").content.decode()
    assert "Mr Somsak Jaidee" in executives and "Mayor" in executives
    english_footer = client.get("/en/").content.decode()
    assert "Privacy policy" in english_footer[english_footer.index('id="footer-links"') :]


def test_unpublishing_a_menu_page_removes_it_from_the_cached_menu(client, demo, home_th):
    assert "เกี่ยวกับเทศบาล" in client.get("/th/").content.decode()
    # The municipality's own page: the demo's second office has an "about" page too.
    StandardPage.objects.descendant_of(home_th).get(slug="about").unpublish()
    assert "เกี่ยวกับเทศบาล" not in client.get("/th/").content.decode()
