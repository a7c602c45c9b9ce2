"""Photos decoded within a pixel cap, a memory budget and a few slots per process (issue 16).

A small file can hold a huge image: a 115 KB flat PNG of 6300x6300 pixels decodes to 160 MB
and took ~2 s of CPU; eight sent at once froze every gunicorn thread for 23 s and grew the
workers to 1.5 GB. So, in this order:

1. **The pixel cap, from the header.** `Image.open` reads only the header; an image with more
   pixels than `UPLOAD_MAX_IMAGE_PIXELS` (24 megapixels: a phone photo, 6000x4000) is refused
   before a single pixel is decoded. Pillow's own guard (`Image.MAX_IMAGE_PIXELS`) is set to
   the same number, so every other decode in the process (Wagtail's renditions) warns above it
   and refuses above twice it, as Pillow does.
2. **Decoding at the size that is kept.** A JPEG is decoded at 1/2, 1/4 or 1/8 of its size by
   libjpeg itself (`Image.draft`) when the stored photo is smaller anyway; other formats are
   decoded whole and reduced at once, so only the small copy lives on.
3. **A memory budget and slots per process.** What a decode needs is estimated from the header
   (pixels x bytes per pixel of Pillow's mode: 1 for grey or palette, 2 for 16-bit grey, 4 for
   colour, with or without alpha, and for 16-bit colour, which Pillow keeps in 8 bits). At
   most `UPLOAD_DECODE_SLOTS` decodes run at once in a process, together within
   `UPLOAD_DECODE_MEMORY_MB`; an upload that finds no room within
   `UPLOAD_DECODE_WAIT_SECONDS` is not queued without end: the resident reads "the server is
   busy, try again in a minute" next to the field and keeps the rest of the form. Gunicorn's
   workers are processes of a few threads each, so the waiting threads are bounded too, and
   threads stay free for ordinary pages.
"""

import contextlib
import ctypes
import ctypes.util
import io
import math
import threading
import time
import warnings

from django.conf import settings
from PIL import Image, ImageOps

# mallopt()'s parameter number for the size from which malloc maps memory of its own (malloc.h).
M_MMAP_THRESHOLD = -3
# Bytes per pixel of Pillow's storage, by mode; every other mode takes 4 ("RGB" included: Pillow
# keeps 3 bands in 4 bytes, and 16-bit colour PNGs are read into 8-bit "RGB"/"RGBA").
BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}


class TooManyPixels(Exception):
    """The header says the image is larger than the cap; nothing was decoded."""


class DecodeBusy(Exception):
    """No decode slot or memory came free in time: the resident should try again in a minute."""


def max_pixels():
    return int(settings.UPLOAD_MAX_IMAGE_PIXELS)


def megapixels():
    """The cap as a resident reads it: '24' for 24,000,000."""
    return f"{max_pixels() / 1_000_000:g}"


class DecodeBudget:
    """At most `slots` decodes at once, together needing at most `megabytes`.

    One per process (gunicorn workers are processes; their threads share it). A decode larger
    than the whole budget waits until it has the budget to itself, so it still runs.
    """

    def __init__(self, slots, megabytes):
        self.slots = max(1, int(slots))
        self.capacity = max(1, int(megabytes)) * 1024 * 1024
        self.running = 0
        self.reserved = 0
        self.condition = threading.Condition()

    @contextlib.contextmanager
    def hold(self, cost, timeout):
        cost = min(int(cost), self.capacity)
        deadline = time.monotonic() + max(0.0, float(timeout))
        with self.condition:
            while self.running >= self.slots or self.reserved + cost > self.capacity:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DecodeBusy()
                self.condition.wait(left)
            self.running += 1
            self.reserved += cost
        try:
            yield
        finally:
            with self.condition:
                self.running -= 1
                self.reserved -= cost
                self.condition.notify_all()


_budgets = {}
_budgets_lock = threading.Lock()


def budget():
    """This process's budget, as the settings size it now (tests change them)."""
    key = (int(settings.UPLOAD_DECODE_SLOTS), int(settings.UPLOAD_DECODE_MEMORY_MB))
    with _budgets_lock:
        if key not in _budgets:
            _budgets[key] = DecodeBudget(*key)
        return _budgets[key]


def decode_cost(image, longest_side=None):
    """Bytes a decode of `image` (opened, maybe drafted) needs at its peak: the decoded pixels,
    plus the 8-bit copy a palette or 16-bit image is converted to, plus the reduced copy twice
    (the resample's intermediate and its result; measured: a 6000x4000 JPEG decoded at half size
    peaks at ~60 MB, a 6000x4000 PNG at ~120 MB)."""
    width, height = image.size
    per_pixel = BYTES_PER_PIXEL.get(image.mode, 4)
    if image.mode in ("P", "1", "I;16", "I;16B", "I;16L", "I;16N"):
        per_pixel += 4  # converted before reducing
    factor = max(1, max(image.size) // longest_side) if longest_side else 1
    reduced = 2 * width * height * 4 // factor**2 if longest_side and max(image.size) > longest_side else 0
    return width * height * per_pixel + reduced


def open_header(data):
    """The image, with only its header read; raises TooManyPixels above the cap, and Pillow's
    errors (UnidentifiedImageError, OSError…) for what is not an image."""
    with warnings.catch_warnings():
        # Pillow warns above its guard; the cap below says it to the resident instead.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError:
            raise TooManyPixels() from None
    width, height = image.size
    if width * height > max_pixels():
        image.close()
        raise TooManyPixels()
    return image


def decode(data, longest_side=None, wait=None):
    """Pixels of `data`, upright, at most `longest_side` on their longest side (None: as sent).

    Refuses from the header (TooManyPixels), waits for a slot and memory of this process's
    budget (DecodeBusy after `wait` seconds, UPLOAD_DECODE_WAIT_SECONDS unless given), decodes
    a JPEG at a reduced size when
    the result is smaller anyway. Pillow's errors pass through for an unreadable file.
    """
    image = open_header(data)
    if longest_side and max(image.size) > longest_side:
        scale = longest_side / max(image.size)
        # libjpeg decodes at 1/2, 1/4 or 1/8 directly, never smaller than asked (other formats:
        # no-op, they are reduced after decoding).
        image.draft(None, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    wait = settings.UPLOAD_DECODE_WAIT_SECONDS if wait is None else wait
    with budget().hold(decode_cost(image, longest_side), wait):
        image.load()
        exif = image.info.get("exif")
        pixels = _eight_bit(image)
        if longest_side and max(pixels.size) > longest_side:
            # First by a whole factor (cheap, and the full-size pixels are freed at once), then a
            # good resample of what is left.
            factor = max(pixels.size) // longest_side
            if factor >= 2:
                pixels = _replace(pixels, pixels.reduce(factor), image)
            if max(pixels.size) > longest_side:
                pixels = _replace(
                    pixels, pixels.resize(_fit(pixels.size, longest_side), Image.Resampling.LANCZOS), image
                )
        # The EXIF orientation (read with the header) is applied to the pixels; nothing else of
        # what the file carried is kept (comments, EXIF, XMP, ICC profiles, text chunks).
        kept = {"transparency": pixels.info["transparency"]} if "transparency" in pixels.info else {}
        pixels.info = {"exif": exif} if exif else {}
        ImageOps.exif_transpose(pixels, in_place=True)
        pixels.info = kept
        return pixels


def _eight_bit(image):
    """Pixels that reduce() and every encoder take: palette and 1-bit images as colour, 16-bit
    grey scaled to 8 bits (a plain convert("L") would clip it to white)."""
    if image.mode in ("P", "1"):
        return _replace(image, image.convert("RGBA" if "transparency" in image.info else "RGB"), image)
    if image.mode.startswith("I;16"):
        return _replace(image, image.convert("I").point(lambda value: value / 256).convert("L"), image)
    return image


def _replace(old, new, original):
    """`new` instead of `old`, whose pixels are freed now rather than when the request ends
    (the original file's pixels too, once nothing refers to them)."""
    new.info = {**old.info, **new.info}
    old.close()
    if original is not old:
        original.close()
    return new


def _fit(size, longest_side):
    scale = longest_side / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def configure_process():
    """Once per process: Pillow's guard at the same cap (see the module's docstring), and freed
    pixels handed back to the machine.

    glibc's malloc serves large blocks from per-thread arenas once a few have been freed (its
    mmap threshold rises up to 32 MB), and memory freed in an arena stays with the process: each
    of a worker's threads ends up holding the pixels of the largest photo it decoded. Measured
    with 4 threads decoding 24-megapixel PNGs, the peak grew by 480 MB and 215 MB stayed; with
    the threshold fixed at 1 MB (every Pillow block is its own mapping, returned when freed),
    150 MB and nothing. Other C libraries (musl) have no mallopt: then nothing changes.
    """
    Image.MAX_IMAGE_PIXELS = max_pixels()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.mallopt(M_MMAP_THRESHOLD, 1024 * 1024)
    except (OSError, AttributeError, TypeError):  # pragma: no cover - not glibc
        pass
