"""The one Thai font and the one PDF class for every PDF the portal makes (receipts, QR posters,
monthly reports, guides, demo blank forms).

The font is Laksaman, shipped in services/fonts/ (see Laksaman-LICENSE.txt) so a fresh machine
needs no font package, with the Debian fonts-thai-tlwg copy as fallback. Text is shaped by
HarfBuzz (uharfbuzz): without shaping the font's mark positioning is never applied and ไม้เอก /
ไม้โท sit beside their consonant, or on top of an upper vowel, instead of above them.

Burmese, Khmer and Lao (issue 22) are drawn with Noto Sans Myanmar / Khmer / Lao (OFL, subsets in
services/fonts/, NotoSans-LICENSE.txt; Debian's fonts-noto-core as fallback), fpdf2's fallback
fonts for any character Laksaman lacks. They are registered the first time such text is written,
so a Thai receipt does not parse three more fonts.
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
NOTO_DIRS = (HERE, Path("/usr/share/fonts/truetype/noto"))
THAI = re.compile("[\u0e00-\u0e7f]")
ZERO_WIDTH_SPACE = "\u200b"  # fpdf2 may break a line here; never printed (see ThaiPDF.multi_cell)
# fpdf2 family name: (font file stem, the script's Unicode ranges)
SCRIPT_FONTS = {
    "Myanmar": ("NotoSansMyanmar", "\u1000-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f"),
    "Khmer": ("NotoSansKhmer", "\u1780-\u17ff\u19e0-\u19ff"),
    "Lao": ("NotoSansLao", "\u0e80-\u0eff"),
}
OTHER_SCRIPTS = re.compile("[" + "".join(ranges for _stem, ranges in SCRIPT_FONTS.values()) + "]")
# A line may break before a letter that starts a new cluster: not before a combining mark, not
# after Burmese's stacking virama or Khmer's coeng (the next consonant is written below), not
# before Burmese's asat (which kills the consonant before it), not after a Lao leading vowel.
_NO_BREAK_AFTER = "\u1039\u17d2\u0ec0-\u0ec4"
_NO_BREAK_BEFORE = "\u103a\u1039\u17d2"
CLUSTER_START = re.compile(
    f"(?<=[{SCRIPT_FONTS['Myanmar'][1]}{SCRIPT_FONTS['Khmer'][1]}{SCRIPT_FONTS['Lao'][1]}])"
    f"(?<![{_NO_BREAK_AFTER}])"
    f"(?=[\u1000-\u102a\u103f-\u104f\u1780-\u17b3\u17d4-\u17dc\u17e0-\u17e9\u0e81-\u0eb0\u0eb3\u0ebd-\u0ec4\u0ed0-\u0edf]"
    f"(?![{_NO_BREAK_BEFORE}]))"
)


def font_path(bold=False, dirs=None, stem="Laksaman"):
    name = f"{stem}-Bold.ttf" if bold else ("Laksaman.ttf" if stem == "Laksaman" else f"{stem}-Regular.ttf")
    default_dirs = FONT_DIRS if stem == "Laksaman" else NOTO_DIRS
    for folder in default_dirs if dirs is None else dirs:
        if (folder / name).exists():
            return str(folder / name)
    package = "fonts-thai-tlwg" if stem == "Laksaman" else "fonts-noto-core"
    raise ImproperlyConfigured(f"No font for PDFs: {HERE / name} is missing (Debian: {package}).")


def cluster_breaks(text):
    """`text` with a zero-width space where a Burmese, Khmer or Lao line may break: between
    syllable clusters, never inside one (a stacked consonant or a vowel sign split from its
    consonant). These scripts, like Thai, leave no space between words; there is no dictionary
    segmentation for them here, so a line may end inside a word but not inside a letter."""
    return CLUSTER_START.sub(ZERO_WIDTH_SPACE, text)


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
        self._script_fonts = False

    def normalize_text(self, text):
        """Every text fpdf2 writes passes here first: the Burmese, Khmer and Lao fonts join as
        fallbacks the first time one of those scripts appears."""
        if not self._script_fonts and OTHER_SCRIPTS.search(text or ""):
            self._script_fonts = True
            for family, (stem, _ranges) in SCRIPT_FONTS.items():
                self.add_font(family, fname=font_path(stem=stem))
                self.add_font(family, style="B", fname=font_path(bold=True, stem=stem))
            self.set_fallback_fonts(list(SCRIPT_FONTS), exact_match=False)
        return super().normalize_text(text)

    def fits(self, w, text, padding=0):
        """Whether every line of `text` fits in a cell `w` wide (0: up to the right margin) as it is."""
        padding = Padding.new(padding)
        room = (w or self.w - self.r_margin - self.x) - padding.left - padding.right - 2 * self.c_margin
        return all(self.get_string_width(line) < room for line in text.split("\n"))

    def multi_cell(self, w, h=None, text="", *args, **kwargs):
        if (
            self._wrapping_thai
            or kwargs.get("markdown")
            or not (THAI.search(text or "") or OTHER_SCRIPTS.search(text or ""))
            or self.fits(w, text, kwargs.get("padding", 0))  # most cells: no segmentation needed
        ):
            return super().multi_cell(w, h, text, *args, **kwargs)
        # fpdf2 breaks lines at spaces (a zero-width space is one), so let it choose the lines
        # with a break allowed between every two Thai words, then print those lines without the
        # zero-width spaces, so the PDF's text holds nothing invisible between the words.
        self._wrapping_thai = True
        try:
            lines = super().multi_cell(
                w,
                h,
                cluster_breaks(word_breaks(text)),
                *args,
                **{**kwargs, "dry_run": True, "output": MethodReturnValue.LINES},
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
