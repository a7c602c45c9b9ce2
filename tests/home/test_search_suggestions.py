"""Misspelt searches (issue 14): "ใบอนุญาติ" and "ไฟฟา" found nothing and suggested nothing.
Now the nearest indexed words are searched instead, the page says so ("Did you mean …?") and
links to the exact search; the vocabulary is kept per content version, so it stays fast."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home import search

pytestmark = pytest.mark.django_db

BUILDING_PERMIT = ">ขออนุญาตก่อสร้างอาคาร ดัดแปลง หรือรื้อถอนอาคาร (ไม่เกิน 150 ตารางเมตร)</a>"


def results_html(html):
    return html.split('<ol class="results">', 1)[1].split("</ol>", 1)[0] if '<ol class="results">' in html else ""


def test_misspelt_words_find_the_service_say_so_and_stay_fast(client, demo):
    html = client.get("/th/search/", {"q": "ใบอนุญาติ"}).content.decode()
    assert "ท่านหมายถึง “ใบอนุญาต” หรือไม่" in html
    assert BUILDING_PERMIT in results_html(html)
    assert (
        "?q=" + "%E0%B9%83%E0%B8%9A%E0%B8%AD%E0%B8%99%E0%B8%B8%E0%B8%8D%E0%B8%B2%E0%B8%95%E0%B8%B4&amp;exact=1" in html
    )

    html = client.get("/th/search/", {"q": "แจ้งซ่อม ไฟฟา"}).content.decode()
    assert "ท่านหมายถึง “แจ้งซ่อม ไฟฟ้า” หรือไม่" in html  # the right word kept, the slip fixed
    assert ">แจ้งซ่อมไฟฟ้าสาธารณะ</a>" in results_html(html)
    html = client.get("/th/search/", {"q": "ไฟฟา"}).content.decode()
    assert "“ไฟฟ้า”" in html and ">แจ้งซ่อมไฟฟ้าสาธารณะ</a>" in results_html(html)

    # Exactly as typed: nothing, and no guessing.
    html = client.get("/th/search/", {"q": "ใบอนุญาติ", "exact": "1"}).content.decode()
    assert "ไม่พบผลลัพธ์สำหรับ “ใบอนุญาติ”" in html and "ท่านหมายถึง" not in html
    # A correct search is never "corrected"; nonsense gets no suggestion.
    html = client.get("/th/search/", {"q": "ใบอนุญาต"}).content.decode()
    assert BUILDING_PERMIT in results_html(html) and "ท่านหมายถึง" not in html
    html = client.get("/th/search/", {"q": "ฮฮฮฮฮฮฮฮ"}).content.decode()
    assert "ไม่พบผลลัพธ์" in html and "ท่านหมายถึง" not in html

    # English pages correct against English words.
    html = client.get("/en/search/", {"q": "streetlihgt"}).content.decode()
    assert "Did you mean “streetlight”?" in html and ">Streetlight repair</a>" in results_html(html)

    # Fast: the vocabulary was built by the first misspelt Thai search of this content version.
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get("/th/search/", {"q": "ใบอนุญาติ"})
        elapsed = time.perf_counter() - started
    assert "ท่านหมายถึง" in response.content.decode()
    # The search as typed, the corrected search, then the results' pages (kept per version).
    searches = [q for q in queries if "home_searchentry" in q["sql"]]
    assert len(searches) == 2, [q["sql"][:80] for q in queries]
    assert len(queries) <= 6, [q["sql"][:80] for q in queries]
    assert elapsed < 0.5, elapsed
    started = time.perf_counter()
    assert search.suggest("ใบอนุญาติ ไฟฟา", "th") == "ใบอนุญาต ไฟฟ้า"
    assert time.perf_counter() - started < 0.1


def test_edit_distance_gives_up_past_its_limit():
    assert search.edit_distance("ไฟฟา", "ไฟฟ้า", 1) == 1
    assert search.edit_distance("ใบอนุญาติ", "ใบอนุญาต", 2) == 1
    assert search.edit_distance("abc", "xyz", 1) == 2  # limit + 1: "too far", not the distance
    assert search.nearest_word("ไฟฟา", {"ไฟฟ้า": 3, "ไฟฟ้": 1, "ไฟ": 9}) == "ไฟฟ้า"
    assert search.nearest_word("ฮฮฮฮ", {"ไฟฟ้า": 3}) is None
