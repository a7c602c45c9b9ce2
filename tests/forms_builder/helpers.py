"""Helpers to fill a form page through the test client, the way a browser posts it."""

import datetime
import io

from PIL import Image

from forms_builder.fields import build_definition
from forms_builder.intake import IntakeReceipt

RECEIPTS = []


def test_intake(submission):
    """A stand-in intake for tests (override_settings): proves the hook without the case queue."""
    reference = f"T-{submission.pk:05d}"
    RECEIPTS.append(submission.pk)
    return IntakeReceipt(
        reference=reference,
        expected_date=datetime.date(2026, 12, 1),
        tracking_url=f"/t/{reference}",
        message="ok",
    )


def broken_intake(submission):
    raise RuntimeError("case queue down")


def jpeg_bytes(size=(40, 30), exif=True):
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif:
        info = Image.Exif()
        info[0x010F] = "SpyPhone"  # Make
        info[0x0110] = "Model X"
        image.save(out, format="JPEG", exif=info.tobytes())
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def _one_page_pdf():
    """A real one-page PDF: uploads must parse as PDF (issue 9), a header and an end marker are not enough."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="ID card copy")
    return bytes(pdf.output())


PDF_BYTES = _one_page_pdf()


class Filler:
    """Drives the wizard of one FormPage with the Django test client."""

    def __init__(self, client, page):
        self.client = client
        self.page = page
        self.definition = build_definition(page)
        self.prefix = f"fb_{page.translation_key.hex[:16]}"
        self.url = page.url

    def step(self, key):
        for step in self.definition["steps"]:
            if step["name"].endswith(key) or step["title"] == key:
                return step["name"]
        raise KeyError(key)

    _token = None

    def token(self):
        if self._token is None:
            self._token = self.client.session[f"wizard_{self.prefix}"]["extra_data"]["token"]
        return self._token

    def current(self):
        return self.client.session[f"wizard_{self.prefix}"]["step"]

    def post(self, step, data=None, files=None, extra=None, token=None):
        payload = {f"{self.prefix}-current_step": step, "wizard_token": token or self.token()}
        for name, value in (data or {}).items():
            payload[f"{step}-{name}"] = value
        for name, value in (files or {}).items():
            payload[f"{step}-{name}__upload"] = value
        payload.update(extra or {})
        return self.client.post(self.page.post_url, payload)
