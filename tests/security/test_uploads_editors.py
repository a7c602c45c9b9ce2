"""Editors' pictures share the residents' decode budget (issue 16) but never skip the cleaning
for it: while residents' photos hold every slot, an editor's phone photo waits for one instead
of being stored with its GPS position."""

import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images import get_image_model

from portal import image_decode
from tests.services.cases.test_after_photo import assert_bare, phone_photo

pytestmark = pytest.mark.django_db


def test_an_editors_photo_waits_for_a_busy_decoder_and_is_still_cleaned(site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_DECODE_SLOTS = 1
    settings.UPLOAD_DECODE_WAIT_SECONDS = 0.1  # a resident would already hear "busy"
    held = threading.Event()

    def resident_decoding():
        with image_decode.budget().hold(cost=1, timeout=0):
            held.set()
            time.sleep(0.8)

    resident = threading.Thread(target=resident_decoding)
    resident.start()
    held.wait(5)
    image = get_image_model().objects.create(
        title="village fair", file=SimpleUploadedFile("fair.jpg", phone_photo(), content_type="image/jpeg")
    )
    resident.join()
    with image.open_file() as handle:
        assert_bare(handle.read())
