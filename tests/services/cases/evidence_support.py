"""Photos as phones write them, for the evidence tests: EXIF capture time, camera and GPS
written by Pillow (no extra dependency)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

EXIF_IFD, GPS_IFD = 0x8769, 0x8825
# The world's reported point (tests.factories' submissions file without one: the tests set it).
POINT = (18.788, 98.985)


def dms(value):
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return (float(degrees), float(minutes), seconds)


def photo_bytes(*, taken=None, point=None, make="Apple", model="iPhone 13", colour="orange", offset=None):
    """A JPEG with the EXIF a phone writes: `taken` a naive local datetime, `point` (lat, lon)."""
    exif = Image.Exif()
    if make:
        exif[0x010F] = make
    if model:
        exif[0x0110] = model
    if taken is not None:
        sub = exif.get_ifd(EXIF_IFD)
        sub[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
        if offset:
            sub[0x9011] = offset
    if point is not None:
        lat, lon = point
        gps = exif.get_ifd(GPS_IFD)
        gps.update({1: "N" if lat >= 0 else "S", 2: dms(lat), 3: "E" if lon >= 0 else "W", 4: dms(lon)})
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG", exif=exif)
    return out.getvalue()


def bare_photo(colour="green"):
    out = io.BytesIO()
    Image.new("RGB", (48, 64), colour).save(out, "JPEG")
    return out.getvalue()


def upload(data, name="IMG_0001.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def moved(point, metres_north):
    """`point` moved `metres_north` metres north."""
    return (point[0] + metres_north / 111_195, point[1])
