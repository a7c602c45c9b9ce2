"""PromptPay QR payloads: EMVCo merchant-presented mode as the Bank of Thailand's Thai QR
Payment standard profiles it.

Written by hand because it is ~60 lines of TLV and a CRC, and the PyPI packages for it are
unmaintained or build only the personal (mobile number) form; the tests check it against
payloads produced by banks' and other projects' generators.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

AID_CREDIT_TRANSFER = "A000000677010111"  # tag 29: pay to a mobile number, tax ID or e-wallet
AID_BILL_PAYMENT = "A000000677010112"  # tag 30: pay a biller, with references
CURRENCY_THB = "764"
COUNTRY = "TH"
MAX_AMOUNT = Decimal("9999999.99")  # the amount field holds at most 13 characters


class PromptPayError(ValueError):
    """The ID, amount or reference cannot be put into a valid payload."""


def tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise PromptPayError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc16(data: str) -> str:
    """CRC-16/CCITT-FALSE (polynomial 0x1021, initial 0xFFFF) as four upper-case hex digits."""
    crc = 0xFFFF
    for byte in data.encode("ascii"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return f"{crc:04X}"


def _amount(amount) -> str:
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value <= 0 or value > MAX_AMOUNT:
        raise PromptPayError("the amount must be more than 0 and at most 9,999,999.99 baht")
    return f"{value:.2f}"


def _reference(text: str) -> str:
    """Bank apps accept upper-case letters and digits only, at most 20 of them."""
    cleaned = re.sub(r"[^0-9A-Z]", "", (text or "").upper())
    if len(cleaned) > 20:
        raise PromptPayError("a bill reference holds at most 20 letters and digits")
    return cleaned


def _account(promptpay_id: str, reference: str) -> str:
    digits = re.sub(r"\D", "", promptpay_id or "")
    if len(digits) == 15:  # a biller ID: tax ID + 2-digit suffix
        account = tlv("00", AID_BILL_PAYMENT) + tlv("01", digits)
        ref = _reference(reference)
        if ref:
            account += tlv("02", ref)
        return tlv("30", account)
    if len(digits) == 13:  # a tax or national ID
        return tlv("29", tlv("00", AID_CREDIT_TRANSFER) + tlv("02", digits))
    if len(digits) == 10 and digits.startswith("0"):  # a mobile number, in international form
        return tlv("29", tlv("00", AID_CREDIT_TRANSFER) + tlv("01", "0066" + digits[1:]))
    raise PromptPayError("a PromptPay ID is a 10-digit mobile number, a 13-digit tax ID or a 15-digit biller ID")


def payload(promptpay_id: str, amount=None, reference: str = "") -> str:
    """The text to draw as a QR code. With an amount the code is single-use ("dynamic")."""
    body = tlv("00", "01") + tlv("01", "12" if amount is not None else "11")
    body += _account(promptpay_id, reference)
    body += tlv("53", CURRENCY_THB)
    if amount is not None:
        body += tlv("54", _amount(amount))
    body += tlv("58", COUNTRY)
    if reference and not (len(re.sub(r"\D", "", promptpay_id)) == 15):
        # Credit transfers have no reference of their own: carry it as the bill number.
        body += tlv("62", tlv("01", _reference(reference)))
    body += "6304"
    return body + crc16(body)


def parse(text: str) -> dict:
    """Split a payload into {tag: value} (nested templates 29, 30 and 62 as dicts); checks the CRC."""
    if len(text) < 8 or text[-8:-4] != "6304" or crc16(text[:-4]) != text[-4:].upper():
        raise PromptPayError("the checksum does not match")
    return _split(text[:-8]) | {"63": text[-4:]}


def _split(text: str, nested=("29", "30", "62")) -> dict:
    fields, position = {}, 0
    while position < len(text):
        tag, length = text[position : position + 2], text[position + 2 : position + 4]
        if not length.isdigit() or position + 4 + int(length) > len(text):
            raise PromptPayError(f"malformed field at position {position}")
        value = text[position + 4 : position + 4 + int(length)]
        fields[tag] = _split(value, ()) if tag in nested else value
        position += 4 + int(length)
    return fields
