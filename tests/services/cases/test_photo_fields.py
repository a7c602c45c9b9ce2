"""Which of a resident's uploads are photos of the place, shown beyond the office: one rule in
services.cases.photos, used by the public map (services.places) and the agency's page
(services.agencies), so the two can never disagree about an ID card copy."""

from services.agencies import views as agency_views
from services.cases.photos import photo_fields
from services.places import public

SNAPSHOT = {
    "steps": [
        {
            "fields": [
                {"key": "details", "type": "long_text"},
                {"key": "photos", "type": "file_upload", "allowed_types": ["image"]},
            ]
        },
        {
            "fields": [
                {"key": "id_copy", "type": "file_upload", "allowed_types": ["image", "pdf"]},
                {"key": "plan", "type": "file_upload", "allowed_types": ["pdf"]},
                {"key": "untyped", "type": "file_upload"},
                {"key": "more_photos", "type": "file_upload", "allowed_types": ["image"]},
            ]
        },
    ]
}


def test_only_photo_only_questions_are_photos_of_the_place():
    assert photo_fields(SNAPSHOT) == ["photos", "more_photos"]
    assert photo_fields(None) == [] and photo_fields({}) == [] and photo_fields({"steps": [{}]}) == []


def test_the_map_and_the_agencys_page_use_the_same_rule():
    assert public.photo_fields is photo_fields
    assert agency_views.case_photos.photo_fields is photo_fields
    assert not hasattr(agency_views, "photo_keys")  # no copy of the rule left behind
