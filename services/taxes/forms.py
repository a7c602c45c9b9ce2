"""The taxpayer's lookup and the officer's import form. Typed boxes are portal.typed_text fields:
Thai digits are digits, control characters are refused next to the box."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.typed_text import DigitsTextField
from services.taxes.bills import PLAN_ALL, PLAN_NEXT
from services.taxes.models import lookup_key


class TaxLookupForm(forms.Form):
    account = DigitsTextField(
        label=_("Tax account number"),
        max_length=40,
        help_text=_("It is on your tax bill (ภ.ด.ส. or ภ.ป.), e.g. L-0001. Spaces and hyphens do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    id_last4 = DigitsTextField(
        label=_("Last 4 digits of the taxpayer's ID"),
        max_length=20,
        help_text=_("Of the national ID card, or of the company's tax ID when a company pays."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_account(self):
        value = self.cleaned_data["account"]
        if not lookup_key(value):
            raise forms.ValidationError(_("Enter the account number as it is on your tax bill, e.g. L-0001."))
        return value

    def clean_id_last4(self):
        """The ID's last 4 digits, whatever else was typed with them: a whole ID with its hyphens
        or spaces is read as its last 4 digits."""
        digits = re.sub(r"\D", "", self.cleaned_data["id_last4"])
        if len(digits) < 4:
            raise forms.ValidationError(_("Enter 4 digits: the last 4 of the taxpayer's ID, e.g. 1234."))
        return digits[-4:]


class PayForm(forms.Form):
    assessment = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    plan = forms.ChoiceField(choices=[(PLAN_ALL, PLAN_ALL), (PLAN_NEXT, PLAN_NEXT)], widget=forms.HiddenInput)


class ImportForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("Office"),
        queryset=None,
        empty_label=None,
        help_text=_("The accounts and assessments are this office's."),
    )
    file = forms.FileField(
        label=_("CSV file from the tax system"),
        help_text=_("UTF-8 or TIS-620, at most 5 MB. The columns are listed below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        if len(offices) == 1:
            self.fields["office"].initial = offices[0].pk
