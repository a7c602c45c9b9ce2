"""Builders for the payment tests: the case world with a building-permit fee and the office's
PromptPay setting."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from services.payments.models import PaymentSettings
from tests.services.cases.support import make_world, open_link

TAX_ID = "0999999999991"  # valid check digit, owned by nobody
BILLER_ID = "099999999999101"


def payment_world(home, promptpay_id=TAX_ID):
    world = make_world(home)
    service = world["service"]
    service.fee_amount = Decimal("20.00")
    service.save_revision().publish()
    settings = PaymentSettings.for_site(world["site"])
    settings.promptpay_id = promptpay_id
    settings.payee_name = "เทศบาลตำบลทดสอบ"
    settings.save()
    world["payment_settings"] = settings
    return world


def slip_png(name="slip.png"):
    out = io.BytesIO()
    Image.new("RGB", (60, 90), (30, 120, 200)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def verify(client, case):
    response = open_link(client, case, HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 302, "verification with the tracking link failed"
