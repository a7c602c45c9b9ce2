"""Editors' pictures lose their metadata too: a phone photo of a village event carries the GPS
position (often the editor's home) and the phone's serial, and Wagtail serves the original file
to anyone at /media/original_images/… (renditions are re-encoded, originals are not).

Connected in `ServicesConfig.ready()` to the Wagtail image model's `pre_save`, so every way an
image arrives (the admin's upload, a replaced file, the demo) is cleaned the same way as a
resident's upload (`forms_builder.uploads.without_metadata`).
"""

import io
import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from forms_builder.uploads import IMAGE_TYPES, without_metadata

# An editor's upload waits for a decode slot rather than being stored with its GPS position
# because residents' photos were decoding at that moment (portal/image_decode.py).
EDITOR_WAIT_SECONDS = 60


def clean_new_image_file(sender, instance, **kwargs):
    """Before an image row is saved with a file that is being uploaded now, replace the file by
    its pixels alone. Files already stored are left as they are (no rewrite on every save)."""
    upload = instance.file
    if not upload or getattr(upload, "_committed", True):
        return
    upload.open()
    data = upload.read()
    upload.seek(0)
    try:
        cleaned, content_type = without_metadata(data, os.path.basename(upload.name), wait=EDITOR_WAIT_SECONDS)
    except ValidationError:
        return  # not a JPEG/PNG/WebP/HEIC (a GIF, an SVG): Wagtail's own checks decide
    if cleaned is data:
        return
    stem = os.path.splitext(os.path.basename(upload.name))[0]
    instance.file = ContentFile(cleaned, name=f"{stem}.{IMAGE_TYPES[content_type][0]}")
    with Image.open(io.BytesIO(cleaned)) as picture:  # the orientation was applied to the pixels
        instance.width, instance.height = picture.size
    instance._set_image_file_metadata()  # size and hash of what is stored, not of the upload
