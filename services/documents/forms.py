"""Forms of issued documents: the office's signing settings, the officer's issue / revoke /
re-issue, and the public verification upload."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from portal.typed_text import has_control_characters
from services.documents import signing

MAX_PKCS12_BYTES = 200 * 1024
MAX_VERIFY_BYTES = 10 * 1024 * 1024
# A PDF starts with "%PDF-" within its first kilobyte (ISO 32000 allows a little before it).
PDF_MAGIC = b"%PDF-"


class SigningSettingsForm(WagtailAdminModelForm):
    """The passphrase is never sent back to the browser (an empty field keeps the saved one), and
    a certificate is checked with its passphrase before it is kept, so an office learns of a
    wrong passphrase when uploading, not when an officer first issues a document."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "passphrase" in self.fields:
            self.fields["passphrase"].widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
        if "pkcs12" in self.fields:
            # The stored file has no URL (private storage): a plain file input, no "currently" link.
            self.fields["pkcs12"].widget = forms.FileInput(attrs={"accept": ".p12,.pfx,application/x-pkcs12"})
            if self.instance.certificate_subject:
                current = _("Current certificate: %(subject)s, valid until %(expires)s.") % {
                    "subject": self.instance.certificate_subject,
                    "expires": self.instance.certificate_expires.date().isoformat()
                    if self.instance.certificate_expires
                    else "-",
                }
                if self.instance.demo:
                    current += " " + _("This is the demo's self-signed certificate: never use it for real documents.")
                self.fields["pkcs12"].help_text = f"{current} {self.fields['pkcs12'].help_text}"

    def clean(self):
        cleaned = super().clean()
        upload = self.files.get(self.add_prefix("pkcs12"))
        typed = cleaned.get("passphrase")
        passphrase = typed or self.instance.passphrase
        cleaned["passphrase"] = passphrase
        if upload is None and not typed:
            return cleaned  # nothing changed
        if upload is not None:
            if upload.size > MAX_PKCS12_BYTES:
                self.add_error("pkcs12", _("A PKCS#12 file is a few kilobytes; this one is too large."))
                return cleaned
            data = upload.read()
            upload.seek(0)
        elif self.instance.pkcs12:
            with self.instance.pkcs12.open("rb") as handle:
                data = handle.read()
        else:
            return cleaned
        try:
            certificate, subject, expires = signing.read_pkcs12(data, passphrase)
        except signing.SigningError as error:
            self.add_error("pkcs12" if upload is not None else "passphrase", str(error))
            return cleaned
        self.instance.certificate_pem = signing.certificate_pem(certificate)
        self.instance.certificate_subject = subject[:500]
        self.instance.certificate_expires = expires
        self.instance.demo = False
        return cleaned


class IssueForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Document"), queryset=None, empty_label=None)
    draft = forms.BooleanField(
        label=_("Draft (unsigned, not valid)"),
        required=False,
        help_text=_("A draft takes no number and its verification page says it is not valid."),
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates


class ReasonForm(forms.Form):
    """Revoking or re-issuing: the reason goes on the case's timeline."""

    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.TextInput)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if has_control_characters(reason):
            raise ValidationError(_("Remove the control characters from the reason."))
        return reason


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("The PDF to check"),
        help_text=_("The document as you received it (PDF, up to 10 MB). We keep nothing of it."),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_VERIFY_BYTES:
            raise ValidationError(_("This file is larger than 10 MB: an issued document is much smaller."))
        head = upload.read(1024)
        upload.seek(0)
        if PDF_MAGIC not in head:
            raise ValidationError(_("This is not a PDF file. Choose the document as you received it (a .pdf file)."))
        return upload
