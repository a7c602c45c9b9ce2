"""Forms of the fee payments: the resident's (slip, household lookup) and the officer's
(issue an invoice, reject a slip).

Every typed box is a portal.typed_text field (issue 16): control characters are refused with a
message next to the box, a value made only of invisible characters is blank, and Thai and
full-width digits are digits."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from forms_builder.uploads import ACCEPT, check_and_clean
from portal.typed_text import DigitsTextField, TypedTextField
from services.payments.billing import SLIP_SPEC, PaymentError, clean_amount

# How officers type baht: "฿1,250.50", "1 250", "250 บาท". The currency words and signs go, and
# spaces and commas between digits are thousands separators.
CURRENCY = re.compile(r"฿|บาท|\bTHB\b|\bbaht\b", re.IGNORECASE)
AMOUNT = re.compile(r"-?\d+(?:[ ,]\d{3})*(?:\.\d*)?|-?\.\d+")


class AmountField(DigitsTextField):
    """Baht as typed by a person, as a Decimal with two places (billing.clean_amount's range).

    More than two decimal places is refused rather than rounded: 250.555 is a typing mistake,
    and money is not silently changed."""

    def clean(self, value):
        value = super().clean(value)  # the text checks (length, control characters) first
        if not value:
            return value
        typed = CURRENCY.sub("", value).strip()
        if not AMOUNT.fullmatch(typed):
            raise ValidationError(_("Enter the amount in baht, e.g. 250 or 250.50."), code="invalid")
        digits = typed.replace(",", "").replace(" ", "")
        if "." in digits and len(digits.split(".", 1)[1].rstrip("0")) > 2:
            raise ValidationError(
                _("Enter at most two decimal places (satang), e.g. 250.50."), code="max_decimal_places"
            )
        try:
            return clean_amount(digits)
        except PaymentError as error:
            raise ValidationError(str(error), code="range") from None


class SlipForm(forms.Form):
    slip = forms.FileField(
        label=_("Transfer slip"),
        help_text=_("A photo or screenshot of the slip from your bank app (JPEG, PNG, WebP, HEIC or PDF, up to 5 MB)."),
        widget=forms.ClearableFileInput(attrs={"accept": f"{ACCEPT['image']},{ACCEPT['pdf']}"}),
    )

    def clean_slip(self):
        uploaded = self.cleaned_data["slip"]
        # The e-forms' own checks (content sniffing, size, PDF shape, image re-encoding).
        self.cleaned_slip = check_and_clean(uploaded, SLIP_SPEC)
        uploaded.seek(0)
        return uploaded


class InvoiceForm(forms.Form):
    amount = AmountField(
        label=_("Amount (baht)"),
        max_length=30,
        help_text=_("More than 0 and at most 1,000,000 baht. The guide's fee is filled in when it has one."),
    )
    description = TypedTextField(
        label=_("What the fee is for"),
        max_length=300,
        required=False,
        help_text=_("The resident reads this, e.g. ค่าธรรมเนียมใบอนุญาตก่อสร้าง และค่าตรวจแบบแปลน 120 ตร.ม."),
    )


class RejectForm(forms.Form):
    reason = TypedTextField(
        label=_("Reason the resident will read"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. The amount on the slip does not match, or no transfer reached our account."),
    )


class HouseholdLookupForm(forms.Form):
    account = DigitsTextField(
        label=_("Account number"),
        max_length=20,
        help_text=_("It is on your garbage and wastewater bill, e.g. G-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    house = DigitsTextField(
        label=_("House number"),
        max_length=30,
        help_text=_("As written on the bill, e.g. 12/3."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    # Bills are retyped on Thai keyboards: G-๐๐๐๑ and ๑๒/๓ are G-0001 and 12/3 (DigitsTextField).
