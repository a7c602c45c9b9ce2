"""The officer's refer form and the agency's three small forms. Every limit has its message next
to the field; what was typed comes back with it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from services.agencies.models import REFERENCE_MAX_LENGTH, UPDATE_MAX_LENGTH, Agency

NOTE_MAX_LENGTH = 2000


# Django's length validator fills in the limit and the length typed.
TOO_LONG = _("Keep it to %(limit_value)d characters or fewer (you typed %(show_value)d).")


def _text(value):
    """Typed text without the control characters a hostile client can post (NUL breaks
    PostgreSQL), line breaks kept."""
    return "".join(ch for ch in value if ch in "\n\t" or ch.isprintable()).strip()


class ReferForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose the agency to pass this case to."),
            "invalid_choice": _("Choose one of your office's agencies."),
        },
    )
    note = forms.CharField(
        label=_("Note to the agency"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTE_MAX_LENGTH}),
        max_length=NOTE_MAX_LENGTH,
        help_text=_(
            "What the agency needs to know to act: the problem in your words. The agency sees the case's service, "
            "location and photos, never the resident's name or contacts: do not write them here."
        ),
        error_messages={"required": _("Tell the agency what the problem is."), "max_length": TOO_LONG},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(site=site, active=True).order_by("name")

    def clean_note(self):
        return _text(self.cleaned_data["note"])


class TakeBackForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=_("Update for the resident and the office"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": UPDATE_MAX_LENGTH}),
        max_length=UPDATE_MAX_LENGTH,
        help_text=_("Shown on the resident's public tracking page. No names or phone numbers."),
        error_messages={"required": _("Write the update first."), "max_length": TOO_LONG},
    )

    def clean_text(self):
        text = _text(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Write the update first."))
        return text


class ReferenceForm(forms.Form):
    agency_reference = forms.CharField(
        label=_("Your reference for this case"),
        max_length=REFERENCE_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"maxlength": REFERENCE_MAX_LENGTH, "autocomplete": "off"}),
        help_text=_("Your own job or ticket number, so the office can quote it when it calls you."),
        error_messages={"max_length": TOO_LONG},
    )

    def clean_agency_reference(self):
        return " ".join(_text(self.cleaned_data["agency_reference"]).split())


class DoneForm(ReferenceForm):
    message = forms.CharField(
        label=_("What was done (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": UPDATE_MAX_LENGTH}),
        max_length=UPDATE_MAX_LENGTH,
        help_text=_("Shown to the resident with the news that the work is done."),
        error_messages={"max_length": TOO_LONG},
    )

    def clean_message(self):
        return _text(self.cleaned_data["message"])
