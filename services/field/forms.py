"""The job page's forms. The photo inputs end in `__upload` so the form engine's streaming cap
(`forms_builder.uploads.CappedUploadHandler`) stops reading a file past the limit instead of
after it, and notes which one it skipped."""

from django import forms
from django.utils.translation import gettext_lazy as _

from services.field.evidence import MAX_PHOTO_MB

PHOTO_FIELDS = {"before": "before__upload", "after": "after__upload"}


def photo_input():
    return forms.ClearableFileInput(
        attrs={
            "accept": "image/*",
            "capture": "environment",
            "data-max-bytes": MAX_PHOTO_MB * 1024 * 1024,
            "data-too-big": _("This photo is larger than %(limit)s MB. Take it again at a lower size.")
            % {"limit": MAX_PHOTO_MB},
        }
    )


class ReportForm(forms.Form):
    """Before and after photos, a note for the case file, and (the "done" button) the fix."""

    before__upload = forms.FileField(label=_("Before photo"), required=False, widget=photo_input())
    after__upload = forms.FileField(label=_("After photo"), required=False, widget=photo_input())
    note = forms.CharField(
        label=_("Note for the case file"),
        help_text=_("Seen only by staff, not by the resident."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, too_big=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = set(too_big)

    def clean(self):
        data = super().clean()
        for name in PHOTO_FIELDS.values():
            if name in self.too_big:
                self.add_error(
                    name,
                    _("The photo is larger than %(limit)s MB and was not sent. Take it again at a lower size.")
                    % {"limit": MAX_PHOTO_MB},
                )
        return data

    def photos(self):
        """[(role, uploaded file)] of the photos sent."""
        return [
            (role, self.cleaned_data.get(name)) for role, name in PHOTO_FIELDS.items() if self.cleaned_data.get(name)
        ]


class TakeForm(forms.Form):
    """ "Take this job": an unassigned job of the officer's department becomes theirs."""

    version = forms.IntegerField(widget=forms.HiddenInput)
