"""Issue 22 §5: after a request is done, a short questionnaire (ease, speed, staff, overall, a
comment) on the resident's tracking page; answered once; a neutral page for a request that is not
done; a capped comment; the answer is also the case's rating."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from services.cases import workflow
from services.cases.models import CaseEvent, CaseStatus
from services.feedback.models import COMMENT_MAX_LENGTH, Answer, Source
from tests.services.cases.support import make_world, open_link, submit

pytestmark = pytest.mark.django_db

ANSWERS = {"ease": "4", "speed": "3", "staff": "5", "overall": "4", "comment": "เจ้าหน้าที่ใจดี"}


@pytest.fixture
def world(home_th):
    return make_world(home_th)


@pytest.fixture
def done(world):
    case, _receipt = submit(world["form"])
    workflow.change_status(case, CaseStatus.ACCEPTED)
    workflow.change_status(case, CaseStatus.RESOLVED, message="ซ่อมแล้ว")
    return case


def url(case, lang="th"):
    with translation.override(lang):
        return reverse("feedback_case", args=[case.reference])


def test_a_verified_resident_sees_the_questionnaire_on_the_tracking_page_and_answers_it(client, done):
    open_link(client, done)
    page = client.get(f"/t/{done.reference}").content.decode()
    assert 'action="/th/feedback/case/' in page
    for name in ("ease", "speed", "staff", "overall"):
        assert f'name="{name}"' in page
    assert "ง่ายมาก" in page  # the scale's words, not bare numbers

    response = client.post(url(done), ANSWERS)
    assert response.status_code == 200
    assert "ขอบคุณ" in response.content.decode()
    answer = Answer.objects.get(case=done)
    assert (answer.ease, answer.speed, answer.staff, answer.overall) == (4, 3, 5, 4)
    assert answer.comment == "เจ้าหน้าที่ใจดี" and answer.source == Source.CASE
    assert answer.department == done.department and answer.site_id == done.site_id
    done.refresh_from_db()
    # The dashboard's rating figures go on: the overall answer is the case's rating.
    assert (done.rating, done.rating_comment) == (4, "เจ้าหน้าที่ใจดี")
    assert done.events.filter(kind=CaseEvent.Kind.RATED).count() == 1
    # Answered: the questionnaire is no longer on the tracking page.
    assert "/feedback/case/" not in client.get(f"/t/{done.reference}").content.decode()


def test_a_second_answer_gets_already_answered_and_writes_nothing(client, done):
    open_link(client, done)
    assert client.post(url(done), ANSWERS).status_code == 200
    again = client.post(url(done), {**ANSWERS, "overall": "1", "comment": "อีกครั้ง"})
    assert again.status_code == 200
    assert "ตอบแล้ว" in again.content.decode()
    assert Answer.objects.filter(case=done).count() == 1
    done.refresh_from_db()
    assert done.rating == 4
    assert "ตอบแล้ว" in client.get(url(done)).content.decode()


def test_a_request_rated_on_the_old_star_form_counts_as_answered(client, done):
    workflow.rate(done, 5, "ดี")
    open_link(client, done)
    response = client.post(url(done), ANSWERS)
    assert "ตอบแล้ว" in response.content.decode()
    assert not Answer.objects.filter(case=done).exists()


def test_a_request_not_done_gets_a_neutral_page(client, world):
    case, _ = submit(world["form"])
    workflow.change_status(case, CaseStatus.ACCEPTED)
    open_link(client, case)
    page = client.get(url(case))
    assert page.status_code == 200
    assert 'name="overall"' not in page.content.decode()
    assert "ยังไม่เปิด" in page.content.decode()
    posted = client.post(url(case), ANSWERS)
    assert 'name="overall"' not in posted.content.decode()
    assert not Answer.objects.exists()
    # An unknown reference gets the same neutral page.
    unknown = client.get(reverse("feedback_case", args=["BSR-XXXX-XXXX"]))
    assert unknown.status_code == 200 and "ยังไม่เปิด" in unknown.content.decode()


def test_only_whoever_opened_the_private_part_may_answer(client, done):
    response = client.post(url(done), ANSWERS)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/t/{done.reference}")
    assert not Answer.objects.exists()
    assert "/feedback/case/" not in client.get(f"/t/{done.reference}").content.decode()


def test_a_100_kb_comment_gets_a_message_next_to_the_field_not_a_500(client, done):
    open_link(client, done)
    response = client.post(url(done), {**ANSWERS, "comment": "ก" * 100_000})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_comment-error"' in page
    assert "100,000" in page and f"{COMMENT_MAX_LENGTH:,}" in page
    assert not Answer.objects.exists()


def test_missing_answers_are_named_in_the_pages_language_and_thai_digits_are_digits(client, done):
    open_link(client, done)
    missing = client.post(url(done, "en"), {"ease": "4"})
    assert missing.status_code == 400
    assert "Choose one answer from 1 to 5." in missing.content.decode()
    assert client.post(url(done), {**ANSWERS, "overall": "๕"}).status_code == 200
    assert Answer.objects.get(case=done).overall == 5


@pytest.mark.parametrize("lang", ["th", "en", "my", "km", "lo"])
def test_the_questionnaire_reads_in_each_language(client, done, lang):
    open_link(client, done)
    page = client.get(url(done, lang)).content.decode()
    with translation.override(lang):
        from django.utils.translation import gettext

        expected = gettext("How did we do?")
    if lang != "en":
        assert expected != "How did we do?"
    assert expected in page


def test_star_ratings_are_kept_as_overall_answers(done, world):
    workflow.rate(done, 2, "ช้าไป")
    other, _ = submit(world["form"])
    migration = importlib.import_module("services.feedback.migrations.0002_star_ratings")
    migration.keep_ratings(apps, None)
    migration.keep_ratings(apps, None)  # run twice: still one answer per case
    answer = Answer.objects.get(case=done)
    assert (answer.overall, answer.comment, answer.source) == (2, "ช้าไป", Source.RATING)
    assert answer.ease is None and answer.speed is None and answer.staff is None
    assert not Answer.objects.filter(case=other).exists()
    assert Answer.objects.count() == 1
