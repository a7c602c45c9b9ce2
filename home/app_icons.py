"""Home-screen icons: the office's logo made into the square PNGs a phone asks for, or the
default emblem shipped in static/img (drawn here, written by `manage.py make_app_icons`).

Two kinds per size, as the web app manifest names them: "any" (the whole square is the icon)
and "maskable" (a phone may cut it to a circle or a squircle, so the picture keeps to the
middle 60%, the part every mask leaves whole, on a full-bleed background).
"""

import hashlib
import io

from django.core.cache import cache
from PIL import Image, ImageDraw

SIZES = (192, 512)
APPLE_SIZE = 180  # iOS's home-screen size; it ignores the manifest and reads apple-touch-icon
PURPOSES = ("any", "maskable")
# The middle of a maskable icon that every mask keeps (the spec's safe zone is a circle of
# 80% diameter; a square of 60% sits inside it with a margin).
MASKABLE_SAFE = 0.6
LOGO_PADDING = 0.08  # of the side, round an "any" icon's logo, so it does not touch the edge
WHITE = (255, 255, 255, 255)

GREEN = (11, 93, 59, 255)
YELLOW = (255, 221, 0, 255)


def icon_name(size, purpose):
    """File and URL name of an icon: app-icon-192.png, app-icon-maskable-512.png."""
    return f"app-icon-{size}.png" if purpose == "any" else f"app-icon-{purpose}-{size}.png"


def draw_default(size, purpose="any"):
    """The portal's emblem (static/img/emblem.svg, a house with a yellow door) in white on the
    theme green, drawn at four times the size and reduced so its edges are smooth."""
    scale = 4
    side = size * scale
    canvas = Image.new("RGBA", (side, side), GREEN)
    draw = ImageDraw.Draw(canvas)
    share = MASKABLE_SAFE if purpose == "maskable" else 0.8
    box = side * share
    left = (side - box) / 2
    top = (side - box) / 2

    def at(x, y):  # emblem.svg's 64-unit grid (its drawing spans x 8..56, y 10..56)
        return (left + (x - 8) / 48 * box, top + (y - 9) / 48 * box)

    draw.polygon([at(32, 10), at(12, 26), at(18, 26), at(18, 48), at(46, 48), at(46, 26), at(52, 26)], fill=WHITE)
    draw.rectangle([at(27, 34), at(37, 48)], fill=YELLOW)
    line_top = at(8, 52)
    line_bottom = at(56, 56)
    draw.rectangle([line_top, line_bottom], fill=WHITE)
    return canvas.resize((size, size), Image.Resampling.LANCZOS).convert("RGB")


def _png(image):
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def default_png(size, purpose="any"):
    return _png(draw_default(size, purpose))


def logo_version(logo):
    """Changes when the office's logo (or its file) changes: the manifest's icon URLs carry it,
    so a phone never keeps an old logo under a current URL."""
    source = f"{logo.pk}:{logo.file.name}:{getattr(logo, 'file_hash', '')}"
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def logo_png(logo, size, purpose="any"):
    """The logo as a square PNG icon on white (phones show transparent corners black).

    The logo is reduced by a Wagtail rendition (Wagtail's decoding limits apply, and the
    rendition is kept) and placed on the square; the PNG is kept in the cache by logo version.
    """
    key = f"home:app-icon:{logo_version(logo)}:{size}:{purpose}"
    found = cache.get(key)
    if found is not None:
        return found
    inner = round(size * (MASKABLE_SAFE if purpose == "maskable" else 1 - 2 * LOGO_PADDING))
    rendition = logo.get_rendition(f"max-{inner}x{inner}|format-png")
    with rendition.file.open("rb") as handle:
        picture = Image.open(handle)
        picture.load()
    picture = picture.convert("RGBA")
    canvas = Image.new("RGBA", (size, size), WHITE)
    canvas.alpha_composite(picture, ((size - picture.width) // 2, (size - picture.height) // 2))
    data = _png(canvas.convert("RGB"))
    cache.set(key, data, 24 * 3600)
    return data
