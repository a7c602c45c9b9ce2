"""Photo evidence (issue 21 §2): the facts of the original bytes are recorded before the file is
cleaned, and an after photo that does not fit the case is flagged "check this fix"."""

import datetime
import decimal
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from forms_builder.submissions import PendingUpload, SubmissionFile, store_pending
from forms_builder.uploads import original_facts
from services.cases import evidence, workflow
from services.cases.models import Case, CasePhoto, CaseSettings, CaseStatus, PhotoFlag
from tests.factories import FiledCaseFactory, StaffFactory, SubmissionFactory
from tests.services.cases.evidence_support import POINT, bare_photo, moved, photo_bytes, upload
from tests.services.cases.support import make_world, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(home_th):
    return make_world(home_th)


def placed_case(world, point=POINT):
    case, _ = submit(world["form"])
    Case.objects.filter(pk=case.pk).update(
        latitude=decimal.Decimal(f"{point[0]:.6f}"), longitude=decimal.Decimal(f"{point[1]:.6f}")
    )
    return Case.objects.get(pk=case.pk)


def now_local():
    """The phone's clock a minute after filing (EXIF has whole seconds)."""
    return timezone.localtime().replace(tzinfo=None, microsecond=0) + datetime.timedelta(minutes=1)


def test_facts_of_the_original_are_recorded_and_the_stored_file_is_clean(world):
    case = placed_case(world)
    taken = now_local() + datetime.timedelta(minutes=5)
    data = photo_bytes(taken=taken, point=moved(POINT, 20))
    photo = evidence.record_photo(case, upload(data), role="after", user=world["officer_works"])
    photo.refresh_from_db()
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert timezone.localtime(photo.captured_at).replace(tzinfo=None) == taken
    assert photo.device == "Apple iPhone 13"
    assert photo.latitude == pytest.approx(POINT[0] + 20 / 111_195, abs=1e-6)
    assert photo.longitude == pytest.approx(POINT[1], abs=1e-6)
    assert 15 < photo.distance_m < 25
    assert photo.uploaded_by == world["officer_works"]
    assert photo.flags == []
    assert not Case.objects.get(pk=case.pk).fix_flagged
    with photo.file.open("rb") as stored:
        cleaned = stored.read()
    assert b"iPhone" not in cleaned and b"GPS" not in cleaned
    assert hashlib.sha256(cleaned).hexdigest() != photo.sha256


def test_a_photo_2_km_away_is_flagged(world):
    case = placed_case(world)
    data = photo_bytes(taken=now_local(), point=moved(POINT, 2000))
    photo = evidence.record_photo(case, upload(data), role="after", user=world["officer_works"])
    assert photo.flags == [PhotoFlag.FAR_AWAY]
    assert 1990 < photo.distance_m < 2010
    assert Case.objects.get(pk=case.pk).fix_flagged
    assert [str(label) for label in photo.flag_labels()] == [str(PhotoFlag.FAR_AWAY.label)]


def test_the_distance_is_the_offices_setting(world):
    settings = CaseSettings.for_site(world["site"])
    settings.evidence_distance_m = 3000
    settings.save()
    case = placed_case(world)
    photo = evidence.record_photo(case, upload(photo_bytes(taken=now_local(), point=moved(POINT, 2000))), role="after")
    assert photo.flags == []


def test_a_photo_without_exif_is_accepted_and_flagged_no_capture_data(world):
    case = placed_case(world)
    photo = evidence.record_photo(case, upload(bare_photo()), role="after", user=world["officer_works"])
    assert photo.flags == [PhotoFlag.NO_CAPTURE_DATA]
    assert photo.captured_at is None and photo.latitude is None and photo.device == ""


def test_a_time_without_a_position_is_no_capture_data_too(world):
    case = placed_case(world)
    photo = evidence.record_photo(case, upload(photo_bytes(taken=now_local())), role="after")
    assert photo.flags == [PhotoFlag.NO_CAPTURE_DATA]


def test_identical_bytes_are_flagged_as_a_repeat_within_the_office(world):
    data = photo_bytes(taken=now_local(), point=POINT)
    first = evidence.record_photo(placed_case(world), upload(data), role="after")
    assert first.flags == []
    second = evidence.record_photo(placed_case(world), upload(data), role="after")
    assert second.flags == [PhotoFlag.REPEAT]


def test_a_residents_own_photo_sent_back_as_the_after_photo_is_a_repeat(world):
    case = placed_case(world)
    data = photo_bytes(taken=now_local(), point=POINT)
    resident = evidence.record_photo(case, upload(data), role="resident")
    assert resident.flags == [] and resident.uploaded_by is None
    after = evidence.record_photo(case, upload(data), role="after")
    assert after.flags == [PhotoFlag.REPEAT]


def test_a_photo_taken_before_the_request_was_filed_is_flagged(world):
    case = placed_case(world)
    taken = timezone.localtime(case.submitted_at).replace(tzinfo=None) - datetime.timedelta(days=30)
    photo = evidence.record_photo(case, upload(photo_bytes(taken=taken, point=POINT)), role="after")
    assert photo.flags == [PhotoFlag.BEFORE_FILING]


def test_the_cameras_own_offset_is_respected(world):
    case = placed_case(world)
    # 10:00 in UTC is 17:00 in Bangkok: written with its offset, read as such.
    taken = datetime.datetime(2026, 12, 1, 10, 0, 0)
    photo = evidence.record_photo(case, upload(photo_bytes(taken=taken, point=POINT, offset="+00:00")), role="before")
    assert photo.captured_at == datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    assert photo.flags == []  # only after photos are judged


def test_southern_and_western_references_give_negative_degrees():
    facts = original_facts(upload(photo_bytes(taken=None, point=(-33.8688, -70.6693))))
    assert facts["latitude"] == pytest.approx(-33.8688, abs=1e-5)
    assert facts["longitude"] == pytest.approx(-70.6693, abs=1e-5)


def test_garbage_exif_gives_none_never_an_error():
    exif = Image.Exif()
    exif[0x010F] = b"\xff\xfe"
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "not a date"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "Q", 2: (1.0, 2.0, 3.0), 3: "E", 4: (500.0, 0.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG", exif=exif)
    facts = original_facts(upload(out.getvalue()))
    assert facts["captured_at"] is None and facts["latitude"] is None and facts["longitude"] is None
    assert len(facts["sha256"]) == 64
    assert original_facts(SimpleUploadedFile("x.pdf", b"%PDF-1.4 nothing"))["latitude"] is None


def test_a_file_that_is_not_a_photo_is_refused_with_the_eforms_message_and_nothing_stored(world):
    case = placed_case(world)
    with pytest.raises(ValidationError) as refused:
        evidence.record_photo(case, SimpleUploadedFile("a.txt", b"hello"), role="after")
    assert "a.txt" in str(refused.value)
    assert not CasePhoto.objects.exists()


def test_change_status_with_a_recorded_photo_makes_it_the_after_photo(world):
    case = placed_case(world)
    officer = world["officer_works"]
    workflow.change_status(case, CaseStatus.ACCEPTED, officer)
    photo = evidence.record_photo(case, upload(photo_bytes(taken=now_local(), point=POINT)), role="after", user=officer)
    workflow.change_status(case, CaseStatus.RESOLVED, officer, message="ซ่อมแล้ว", after_photo=photo)
    case.refresh_from_db()
    assert case.after_photo.name == photo.file.name
    assert CasePhoto.objects.filter(case=case).count() == 1


def test_the_status_form_records_the_officers_photo_and_shows_the_flags(client, world):
    case = placed_case(world)
    officer = world["officer_works"]
    workflow.change_status(case, CaseStatus.ACCEPTED, officer)
    client.force_login(officer)
    response = client.post(
        f"/admin/cases/{case.pk}/",
        {
            "action": "status",
            "status": "resolved",
            "message": "ซ่อมเสร็จแล้ว",
            "version": Case.objects.get(pk=case.pk).version,
            "after_photo": upload(photo_bytes(taken=now_local(), point=moved(POINT, 2000))),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    photo = CasePhoto.objects.get(case=case)
    assert photo.role == CasePhoto.Role.AFTER and photo.uploaded_by == officer
    assert case.after_photo.name == photo.file.name and case.fix_flagged
    page = client.get(f"/admin/cases/{case.pk}/").content.decode()
    assert 'class="case-check-fix"' in page
    assert str(PhotoFlag.FAR_AWAY.label) in page or "ถ่ายไกล" in page


def test_residents_photos_keep_the_facts_of_the_original_through_the_form_engine(world):
    data = photo_bytes(taken=now_local(), point=POINT, make="Samsung", model="SM-A546E")
    spec = {"key": "photo", "allowed_types": ["image", "pdf"], "max_size_mb": 5}
    pending = store_pending(upload(data, "ไฟดับ.jpg"), spec, owner="filling-1")
    assert pending.evidence["sha256"] == hashlib.sha256(data).hexdigest()
    with pending.file.open("rb") as stored:
        assert b"Samsung" not in stored.read()  # the stored file is clean; the facts are kept apart
    submission = SubmissionFactory(form_page=world["form"])
    SubmissionFile.objects.create(
        submission=submission,
        field_key="photo",
        original_name=pending.original_name,
        content_type=pending.content_type,
        size=pending.size,
        file=pending.file.name,
        evidence=pending.evidence,
    )
    PendingUpload.objects.filter(pk=pending.pk).delete()
    case = FiledCaseFactory(submission=submission)
    photo = CasePhoto.objects.get(case=case)
    assert photo.role == CasePhoto.Role.RESIDENT and photo.uploaded_by is None
    assert photo.sha256 == hashlib.sha256(data).hexdigest()
    assert photo.device == "Samsung SM-A546E" and photo.latitude == pytest.approx(POINT[0], abs=1e-6)
    assert photo.file.name == pending.file.name and photo.flags == []
    # The officer sends the resident's own photo back as the "after": a repeat.
    workflow.change_status(case, CaseStatus.ACCEPTED, world["officer_works"])
    after = evidence.record_photo(case, upload(data), role="after", user=world["officer_works"])
    assert PhotoFlag.REPEAT in after.flags


def test_two_officers_marking_the_same_job_done_one_wins_the_other_is_told(client, world):
    case = placed_case(world)
    first, second = world["officer_works"], StaffFactory(username="officer.works2", departments=[world["works"]])
    workflow.change_status(case, CaseStatus.ACCEPTED, first)
    seen = Case.objects.get(pk=case.pk).version  # both opened the case at this version

    def done(officer, colour):
        client.force_login(officer)
        return client.post(
            f"/admin/cases/{case.pk}/",
            {
                "action": "status",
                "status": "resolved",
                "message": "ซ่อมเสร็จแล้ว",
                "version": seen,
                "after_photo": upload(photo_bytes(taken=now_local(), point=POINT, colour=colour)),
            },
        )

    assert done(first, "orange").status_code == 302
    refused = done(second, "blue")
    assert refused.status_code == 400
    # The case is already resolved: the status form refuses the move next to the field.
    assert 'class="error-message"' in refused.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.version == seen + 1
    # The loser's photo was not recorded: its evidence row went with the refused change.
    [photo] = CasePhoto.objects.filter(case=case)
    assert photo.uploaded_by == first and case.after_photo.name == photo.file.name
    with pytest.raises(workflow.EditConflict):
        workflow.change_status(case, CaseStatus.CLOSED, second, message="ปิด", expected_version=seen)
