"""The one Thai font and the one PDF class for every PDF the portal makes (receipts, QR posters,
monthly reports, guides, demo blank forms).

The font is Laksaman, shipped in services/fonts/ (see Laksaman-LICENSE.txt) so a fresh machine
needs no font package, with the Debian fonts-thai-tlwg copy as fallback. Text is shaped by
HarfBuzz (uharfbuzz): without shaping the font's mark positioning is never applied and ไม้เอก /
ไม้โท sit beside their consonant, or on top of an upper vowel, instead of above them.
"""

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from fpdf import FPDF
from fpdf.enums import MethodReturnValue
from fpdf.util import Padding
from pythainlp.tokenize import word_tokenize

from home.models import OfficeSettings

HERE = Path(__file__).resolve().parent / "fonts"
SYSTEM = Path("/usr/share/fonts/truetype/tlwg")
FONT_DIRS = (HERE, SYSTEM)
THAI = re.compile("[\u0e00-\u0e7f]")
ZERO_WIDTH_SPACE = "\u200b"  # fpdf2 may break a line here; never printed (see ThaiPDF.multi_cell)


def font_path(bold=False, dirs=None):
    name = "Laksaman-Bold.ttf" if bold else "Laksaman.ttf"
    for folder in FONT_DIRS if dirs is None else dirs:
        if (folder / name).exists():
            return str(folder / name)
    raise ImproperlyConfigured(f"No Thai font for PDFs: {HERE / name} is missing (Debian: fonts-thai-tlwg).")


def word_breaks(text):
    """`text` with a zero-width space between adjacent Thai words (PyThaiNLP's dictionary
    segmentation): Thai is written without spaces, so these are the only places a Thai line
    may break. Nothing is added next to spaces, digits or Latin text."""
    tokens = word_tokenize(text, keep_whitespace=True)
    out = tokens[:1]
    for before, token in zip(tokens, tokens[1:], strict=False):
        if THAI.match(before[-1]) and THAI.match(token[0]):
            out.append(ZERO_WIDTH_SPACE)
        out.append(token)
    return "".join(out)


class ThaiPDF(FPDF):
    """An FPDF that writes Thai properly: the font registered as "Thai" (regular and bold),
    text shaped by HarfBuzz, and `multi_cell` (which table cells use too) wrapping Thai lines
    between words instead of at whichever character reaches the margin ("ส|องชั้น")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_font("Thai", fname=font_path())
        self.add_font("Thai", style="B", fname=font_path(bold=True))
        self.set_text_shaping(True)
        self._wrapping_thai = False

    def fits(self, w, text, padding=0):
        """Whether every line of `text` fits in a cell `w` wide (0: up to the right margin) as it is."""
        padding = Padding.new(padding)
        room = (w or self.w - self.r_margin - self.x) - padding.left - padding.right - 2 * self.c_margin
        return all(self.get_string_width(line) < room for line in text.split("\n"))

    def multi_cell(self, w, h=None, text="", *args, **kwargs):
        if (
            self._wrapping_thai
            or kwargs.get("markdown")
            or not THAI.search(text or "")
            or self.fits(w, text, kwargs.get("padding", 0))  # most cells: no segmentation needed
        ):
            return super().multi_cell(w, h, text, *args, **kwargs)
        # fpdf2 breaks lines at spaces (a zero-width space is one), so let it choose the lines
        # with a break allowed between every two Thai words, then print those lines without the
        # zero-width spaces, so the PDF's text holds nothing invisible between the words.
        self._wrapping_thai = True
        try:
            lines = super().multi_cell(
                w, h, word_breaks(text), *args, **{**kwargs, "dry_run": True, "output": MethodReturnValue.LINES}
            )
            text = "\n".join(line.replace(ZERO_WIDTH_SPACE, "").rstrip() for line in lines)
            return super().multi_cell(w, h, text, *args, **kwargs)
        finally:
            self._wrapping_thai = False


def thai_pdf(page_breaks=False, **kwargs):
    """A ThaiPDF. Receipts and posters are one fixed page (`page_breaks=False`); reports, guides
    and forms run onto a new page when full."""
    pdf = ThaiPDF(**kwargs)
    if not page_breaks:
        pdf.set_auto_page_break(False)
    return pdf


def office_for(site):
    return OfficeSettings.for_site(site)


def draw_logo(pdf, office, x, y, size):
    """The office's logo from its settings, or the portal's emblem when there is none."""
    if office is not None and office.logo_id:
        try:
            with office.logo.open_file() as handle:
                pdf.image(handle, x=x, y=y, w=size, h=size, keep_aspect_ratio=True)
            return
        except (OSError, ValueError):
            pass  # a missing or unreadable file: fall back to the emblem rather than fail the PDF
    emblem = finders.find("img/emblem.svg")
    if emblem:
        pdf.image(emblem, x=x, y=y, w=size, h=size)
