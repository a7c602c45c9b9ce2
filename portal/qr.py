"""QR codes, drawn one way for every room: receipts, PromptPay invoices, posters, the form
confirmation and the authenticator set-up page.

`svg` gives inline markup for pages: qrcode's path renderer, so one <path> and no style
attribute, no script and no image request; it passes a strict Content-Security-Policy and
prints sharply. `png` gives bytes for what cannot take SVG (fpdf2's PDFs, a decoder in tests).
The same text and parameters always give the same image.
"""

import io

import qrcode
import qrcode.constants
import qrcode.image.svg
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# How much of the code may be damaged (a fold, a stain on a poster) and still scan: L 7 %,
# M 15 % (qrcode's default), Q 25 %, H 30 %. More correction means more, smaller modules.
ERROR_CORRECTION = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


def _code(text, box_size, border, error_correction):
    code = qrcode.QRCode(box_size=box_size, border=border, error_correction=ERROR_CORRECTION[error_correction])
    code.add_data(text)
    code.make(fit=True)
    return code


def svg(
    text: str,
    *,
    box_size: int = 10,
    border: int = 4,
    error_correction: str = "M",
    label: str = "",
    css_class: str = "",
) -> SafeString:
    """The QR code of `text` as an inline <svg> element (no XML declaration).

    `box_size` is tenths of a millimetre per module in the SVG's nominal size (CSS usually sets
    the displayed size); `border` is the quiet zone in modules (the standard asks for 4; 2 is
    enough on a white page). A `label` makes it role="img" with that aria-label, for screen
    readers; `css_class` is added as its class. qrcode's fixed id="qr-path" is dropped, so two
    codes on one page (a household's invoices) do not repeat an id.
    """
    image = _code(text, box_size, border, error_correction).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    markup = image.to_string(encoding="unicode").replace(' id="qr-path"', "", 1)
    attributes = ""
    if css_class:
        attributes += f' class="{escape(css_class)}"'
    if label:
        attributes += f' role="img" aria-label="{escape(label)}"'
    markup = markup.replace("<svg", f"<svg{attributes}", 1)
    # Drawn by qrcode (numbers in a path) from our text, which it encodes and never echoes;
    # the attributes are escaped.
    return mark_safe(markup)  # noqa: S308


def png(text: str, *, box_size: int = 10, border: int = 4, error_correction: str = "M") -> bytes:
    """The QR code of `text` as PNG bytes, (modules + 2 * border) * box_size pixels square;
    fpdf2's `pdf.image()` takes them as they are."""
    image = _code(text, box_size, border, error_correction).make_image()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
