"""The rich menu under the chat: four large buttons residents tap instead of typing.

The image is drawn here with Pillow (2500 x 843, LINE's large full-width size): an icon and a
Thai label with a small English one per button, in the portal's Thai font (Laksaman), shaped by
libraqm when Pillow has it so tone marks sit above their consonant.
"""

import io

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, features

from services.line import api, chat
from services.pdf_fonts import font_path

WIDTH, HEIGHT = 2500, 843
COLUMNS = 4
NAME = "portal-menu"
COLOURS = ["#1b6e3c", "#1f5fa8", "#7a4fa0", "#b85c16"]


def buttons(site):
    """(Thai label, English label, icon, action) for each of the four areas, left to right."""
    return [
        (
            _("Report a problem"),
            "Report a problem",
            "report",
            {"type": "postback", "data": "action=report", "displayText": _("Report a problem")},
        ),
        (
            _("My requests"),
            "My requests",
            "list",
            {"type": "postback", "data": "action=my_requests", "displayText": _("My requests")},
        ),
        (_("Services"), "Services", "book", {"type": "uri", "uri": chat.services_link(site)}),
        (
            _("Contact us"),
            "Contact us",
            "phone",
            {"type": "postback", "data": "action=contact", "displayText": _("Contact us")},
        ),
    ]


def request_body(site):
    column = WIDTH // COLUMNS
    areas = [
        {
            "bounds": {
                "x": i * column,
                "y": 0,
                "width": column if i < COLUMNS - 1 else WIDTH - i * column,
                "height": HEIGHT,
            },
            "action": action,
        }
        for i, (_th, _en, _icon, action) in enumerate(buttons(site))
    ]
    return {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,
        "name": NAME,
        "chatBarText": str(_("Menu"))[:14],
        "areas": areas,
    }


def _font(size, bold=False):
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(font_path(bold=bold), size, layout_engine=engine)


def _fitting(draw, text, size, width, bold=False):
    """The font at `size`, or smaller until `text` fits `width` pixels."""
    font = _font(size, bold)
    while size > 30 and draw.textlength(text, font=font) > width:
        size -= 6
        font = _font(size, bold)
    return font


def _icon(draw, kind, cx, cy, r):
    """A plain white pictogram, drawn so no icon font or file is needed."""
    white = "#ffffff"
    w = max(8, r // 8)
    if kind == "report":  # a megaphone-like exclamation in a circle
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=white, width=w)
        draw.rounded_rectangle([cx - w, cy - r * 0.55, cx + w, cy + r * 0.2], radius=w, fill=white)
        draw.ellipse([cx - w * 1.2, cy + r * 0.38, cx + w * 1.2, cy + r * 0.62], fill=white)
    elif kind == "list":  # a clipboard with lines
        draw.rounded_rectangle([cx - r * 0.75, cy - r, cx + r * 0.75, cy + r], radius=r // 6, outline=white, width=w)
        for i in range(3):
            y = cy - r * 0.45 + i * r * 0.45
            draw.line([cx - r * 0.45, y, cx + r * 0.45, y], fill=white, width=w)
    elif kind == "book":  # an open book
        draw.polygon(
            [(cx, cy - r * 0.6), (cx - r, cy - r * 0.8), (cx - r, cy + r * 0.7), (cx, cy + r * 0.9)],
            outline=white,
            width=w,
        )
        draw.polygon(
            [(cx, cy - r * 0.6), (cx + r, cy - r * 0.8), (cx + r, cy + r * 0.7), (cx, cy + r * 0.9)],
            outline=white,
            width=w,
        )
    else:  # a handset
        draw.arc([cx - r, cy - r, cx + r, cy + r], start=100, end=260, fill=white, width=w * 2)
        draw.rounded_rectangle([cx - r * 0.55, cy - r * 1.05, cx + r * 0.1, cy - r * 0.6], radius=w, fill=white)
        draw.rounded_rectangle([cx - r * 0.55, cy + r * 0.6, cx + r * 0.1, cy + r * 1.05], radius=w, fill=white)


def image(site):
    """The menu's PNG."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "#ffffff")
    draw = ImageDraw.Draw(canvas)
    column = WIDTH // COLUMNS
    for i, (label_th, label_en, icon, _action) in enumerate(buttons(site)):
        left = i * column
        draw.rectangle([left + 8, 8, left + column - 8, HEIGHT - 8], fill=COLOURS[i])
        cx = left + column // 2
        _icon(draw, icon, cx, 250, 130)
        draw.text(
            (cx, 560),
            str(label_th),
            font=_fitting(draw, str(label_th), 104, column - 60, bold=True),
            fill="#ffffff",
            anchor="mm",
        )
        draw.text((cx, 700), label_en, font=_fitting(draw, label_en, 60, column - 60), fill="#e8e8e8", anchor="mm")
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def install(site, token):
    """Create the office's menu, upload its image, make it the default for every user, then
    delete the menus this command made before (after, so residents never see no menu).
    Returns the new menu's id."""
    existing = api.call(token, "GET", "/v2/bot/richmenu/list").get("richmenus", [])
    created = api.call(token, "POST", "/v2/bot/richmenu", json=request_body(site))["richMenuId"]
    api.call(
        token,
        "POST",
        f"/v2/bot/richmenu/{created}/content",
        data_api=True,
        data=image(site),
        headers={"Content-Type": "image/png"},
    )
    api.call(token, "POST", f"/v2/bot/user/all/richmenu/{created}")
    for menu in existing:
        if menu.get("name") == NAME and menu.get("richMenuId") != created:
            api.call(token, "DELETE", f"/v2/bot/richmenu/{menu['richMenuId']}")
    return created
