"""The LINE tests' world: the cases world's streetlight service made a public place, its form
asking for a map pin, a description and a photo, and a fake LINE platform the portal talks to."""

import io

import pytest
from PIL import Image

from tests import line_platform
from tests.services.open311.support import field, step
from tests.services.places.support import public_world

STEPS = [
    step(
        "ปัญหา",
        [
            field("map_location", "location", "ตำแหน่ง"),
            field("long_text", "details", "รายละเอียด", max_length=2000),
            field("file_upload", "photo", "รูปถ่าย", required=False, allowed_types=["image"], max_size_mb=10),
        ],
    ),
    step("ผู้แจ้ง", [field("phone", "phone", "โทรศัพท์มือถือ", required=False)]),
]

# A spot in the demo town (FORMS_BUILDER_MAP_CENTER), and one in Bangkok, 580 km away.
TOWN = (18.7883, 98.9853)
BANGKOK = (13.7563, 100.5018)


def jpeg(size=(64, 48), color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def platform(settings, tmp_path):
    server = line_platform.LinePlatform()
    settings.LINE_API_URL = settings.LINE_DATA_API_URL = server.url
    settings.LINE_CHANNEL_SECRET = line_platform.SECRET
    settings.LINE_CHANNEL_TOKEN = line_platform.TOKEN
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield server
    server.close()


@pytest.fixture
def world(home_th):
    world = public_world(home_th)
    form = world["form"]
    form.steps = STEPS
    form.save_revision().publish()
    return world
