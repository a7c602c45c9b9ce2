"""PromptPay payloads against ones made by other generators (banks' bill-payment QR codes and
published examples), field by field and to the checksum."""

from decimal import Decimal

import pytest

from services.payments.promptpay import PromptPayError, crc16, parse, payload

# Published payloads, each with the inputs that produce it.
BILLER_NO_AMOUNT = "00020101021130510016A000000677010112011501055230093500202085555890053037645802TH6304A648"
MOBILE_50_BAHT = "00020101021229370016A000000677010111011300669141854015303764540550.005802TH630401F8"
KRUNGTHAI_SHOP = (
    "00020101021130730016A0000006770101120115010753700088205021916151060181105030020307PIRASIT"
    "53037645802TH620807040000630443A3"
)


def test_checksums_of_published_payloads():
    for text in (BILLER_NO_AMOUNT, MOBILE_50_BAHT, KRUNGTHAI_SHOP):
        assert crc16(text[:-4]) == text[-4:]


def test_biller_payload_without_amount_matches_a_bank_generated_one():
    assert payload("010552300935002", reference="55558900") == BILLER_NO_AMOUNT


def test_parse_reads_a_bank_shop_code():
    fields = parse(KRUNGTHAI_SHOP)
    assert fields["30"] == {
        "00": "A000000677010112",
        "01": "010753700088205",
        "02": "1615106018110503002",
        "03": "PIRASIT",
    }
    assert fields["62"] == {"07": "0000"}


def test_mobile_payload_with_amount_matches_the_published_one():
    assert payload("091-418-5401", amount=Decimal("50")) == MOBILE_50_BAHT


def test_invoice_payload_carries_every_field():
    text = payload("099400016550100", amount="1234.5", reference="BSR-69-7KQ2M-4")
    fields = parse(text)
    assert fields["00"] == "01"
    assert fields["01"] == "12"  # single use, because it has an amount
    assert fields["30"] == {"00": "A000000677010112", "01": "099400016550100", "02": "BSR697KQ2M4"}
    assert fields["53"] == "764"
    assert fields["54"] == "1234.50"
    assert fields["58"] == "TH"
    assert fields["63"] == crc16(text[:-4])


def test_tax_id_payload_puts_the_reference_in_the_bill_number():
    fields = parse(payload("0994000165501", amount=300, reference="BSR-69-AAAAA-1"))
    assert fields["29"] == {"00": "A000000677010111", "02": "0994000165501"}
    assert fields["62"] == {"01": "BSR69AAAAA1"}


@pytest.mark.parametrize("amount", [0, -5, "0.001", "10000000"])
def test_zero_negative_and_over_limit_amounts_are_refused(amount):
    with pytest.raises(PromptPayError):
        payload("0994000165501", amount=amount)


@pytest.mark.parametrize("bad_id", ["", "12345", "abc", "1" * 16])
def test_an_invalid_promptpay_id_is_refused(bad_id):
    with pytest.raises(PromptPayError):
        payload(bad_id, amount=10)


def test_a_tampered_payload_fails_its_checksum():
    with pytest.raises(PromptPayError):
        parse(MOBILE_50_BAHT.replace("50.00", "90.00"))
