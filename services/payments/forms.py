"""Forms of the fee payments: the resident's (slip, household lookup) and the officer's
(issue an invoice, reject a slip)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from forms_builder.uploads import ACCEPT, check_and_clean
from portal.i18n import ascii_digits
from services.payments.billing import SLIP_SPEC, PaymentError, clean_amount


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
    amount = forms.CharField(
        label=_("Amount (baht)"),
        max_length=20,
        help_text=_("More than 0 and at most 1,000,000 baht. The guide's fee is filled in when it has one."),
    )
    description = forms.CharField(
        label=_("What the fee is for"),
        max_length=300,
        required=False,
        help_text=_("The resident reads this, e.g. ค่าธรรมเนียมใบอนุญาตก่อสร้าง และค่าตรวจแบบแปลน 120 ตร.ม."),
    )

    def clean_amount(self):
        try:
            return clean_amount(self.cleaned_data["amount"])
        except PaymentError as error:
            raise ValidationError(str(error)) from None


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason the resident will read"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. The amount on the slip does not match, or no transfer reached our account."),
    )


class HouseholdLookupForm(forms.Form):
    account = forms.CharField(
        label=_("Account number"),
        max_length=20,
        help_text=_("It is on your garbage and wastewater bill, e.g. G-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    house = forms.CharField(
        label=_("House number"),
        max_length=30,
        help_text=_("As written on the bill, e.g. 12/3."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    # Bills are retyped on Thai keyboards: G-๐๐๐๑ and ๑๒/๓ are G-0001 and 12/3 (the e-forms' normaliser).
    def clean_account(self):
        return ascii_digits(self.cleaned_data["account"])

    def clean_house(self):
        return ascii_digits(self.cleaned_data["house"])
