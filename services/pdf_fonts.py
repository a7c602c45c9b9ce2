"""The one Thai font for every PDF the portal makes (receipts, QR posters, monthly reports,
demo blank forms): Laksaman, shipped in services/fonts/ (see Laksaman-LICENSE.txt) so a fresh
machine needs no font package, with the Debian fonts-thai-tlwg copy as fallback."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

HERE = Path(__file__).resolve().parent / "fonts"
SYSTEM = Path("/usr/share/fonts/truetype/tlwg")
FONT_DIRS = (HERE, SYSTEM)


def font_path(bold=False, dirs=FONT_DIRS):
    name = "Laksaman-Bold.ttf" if bold else "Laksaman.ttf"
    for folder in dirs:
        if (folder / name).exists():
            return str(folder / name)
    raise ImproperlyConfigured(f"No Thai font for PDFs: {HERE / name} is missing (Debian: fonts-thai-tlwg).")


def thai_pdf(**kwargs):
    """An FPDF with the Thai font registered as "Thai" (regular and bold)."""
    from fpdf import FPDF

    pdf = FPDF(**kwargs)
    pdf.add_font("Thai", fname=font_path())
    pdf.add_font("Thai", style="B", fname=font_path(bold=True))
    pdf.set_auto_page_break(False)
    return pdf


def office_for(site):
    from home.models import OfficeSettings

    return OfficeSettings.for_site(site)


def draw_logo(pdf, office, x, y, size):
    """The office's logo from its settings, or the portal's emblem when there is none."""
    from django.contrib.staticfiles import finders

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
