"""Big photos sent at once cannot take every thread of a worker (issue 16): at most
UPLOAD_DECODE_SLOTS decodes run at once per process within UPLOAD_DECODE_MEMORY_MB, and an upload
that finds no room in time is answered "the server is busy" instead of joining an endless queue."""

import io
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageFile

from forms_builder.uploads import check_and_clean
from portal import image_decode

PHOTO_SPEC = {"key": "photos", "allowed_types": ["image"], "max_size_mb": 10}


@pytest.fixture
def slow_decodes(monkeypatch):
    """Every decode takes 0.6 s; records how many ran at the same time."""
    state = {"now": 0, "most": 0}
    lock, load = threading.Lock(), ImageFile.ImageFile.load

    def slow_load(image):
        if not image.tile:
            return load(image)
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        try:
            time.sleep(0.6)
            return load(image)
        finally:
            with lock:
                state["now"] -= 1

    monkeypatch.setattr(ImageFile.ImageFile, "load", slow_load)
    return state


def photo(size=(200, 150)):
    out = io.BytesIO()
    Image.new("RGB", size, (90, 30, 160)).save(out, format="PNG")
    return out.getvalue()


def upload_at_once(count, data):
    """`count` residents' uploads started together: each one's outcome ("accepted" or the message)."""
    barrier, results = threading.Barrier(count), [None] * count

    def one(index):
        barrier.wait()
        try:
            with translation.override("en"):
                check_and_clean(SimpleUploadedFile(f"p{index}.png", data), PHOTO_SPEC)
            results[index] = "accepted"
        except ValidationError as error:
            results[index] = error.messages[0]

    threads = [threading.Thread(target=one, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_six_uploads_at_once_decode_two_at_a_time_and_the_rest_hear_the_server_is_busy(settings, slow_decodes):
    settings.UPLOAD_DECODE_SLOTS = 2
    settings.UPLOAD_DECODE_WAIT_SECONDS = 0.2
    results = upload_at_once(6, photo())
    assert slow_decodes["most"] == 2
    assert results.count("accepted") == 2
    busy = sorted(result for result in results if result != "accepted")
    assert len(busy) == 4
    assert all(
        message.endswith("The server is busy and could not take " + message.split("take ")[1]) for message in busy
    )
    assert "try again in a minute." in busy[0]


def test_a_waiting_upload_is_taken_when_a_slot_frees_in_time(settings, slow_decodes):
    settings.UPLOAD_DECODE_SLOTS = 1
    settings.UPLOAD_DECODE_WAIT_SECONDS = 5
    assert upload_at_once(3, photo()) == ["accepted"] * 3
    assert slow_decodes["most"] == 1


def test_the_memory_budget_counts_bytes_per_pixel_of_the_mode(settings, slow_decodes):
    """Four slots, but 1 MB of decode memory: a 500x500 colour image needs 1 MB (4 bytes a
    pixel), so they decode one at a time; grey images (1 byte a pixel) fit four at once."""
    settings.UPLOAD_DECODE_SLOTS = 4
    settings.UPLOAD_DECODE_MEMORY_MB = 1
    settings.UPLOAD_DECODE_WAIT_SECONDS = 5
    assert upload_at_once(3, photo((500, 500))) == ["accepted"] * 3
    assert slow_decodes["most"] == 1
    slow_decodes["most"] = 0
    out = io.BytesIO()
    Image.new("L", (500, 500), 128).save(out, format="PNG")
    assert upload_at_once(4, out.getvalue()) == ["accepted"] * 4
    assert slow_decodes["most"] == 4


def test_the_cost_of_a_decode_follows_the_mode():
    sizes = {mode: image_decode.decode_cost(Image.new(mode, (1000, 1000))) for mode in ("L", "RGB", "RGBA", "I;16")}
    assert sizes == {"L": 1_000_000, "RGB": 4_000_000, "RGBA": 4_000_000, "I;16": 6_000_000}
