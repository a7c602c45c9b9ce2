"""Issued documents: what an office issues at the end of a case, and how anyone checks it.

- `DocumentTemplate`: the fixed text of a permit, certificate or letter of one service, with
  placeholders filled from the case when it is issued.
- `DocumentRegister`: the office's running number per document kind and Buddhist-Era year.
- `IssuedDocument`: one issued PDF, its number, its unguessable verification code, the SHA-256 of
  the stored (signed) file and its status (valid, revoked, superseded).
- `SigningSettings`: the office's signing certificate (PKCS#12), per site.
- `LetterTemplate` and `OfficialLetter`: outgoing official letters (หนังสือราชการภายนอก) an
  officer writes from a case. A letter is an IssuedDocument of kind "letter" (numbered from the
  office's letter register, signed, verifiable at /v/<code>) with its letter's parts beside it.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from forms_builder.fields import build_definition
from forms_builder.storage import get_private_storage
from services.documents.forms import SigningSettingsForm

# {name} or {answers.key}: names are ASCII identifiers, so "{" in ordinary Thai text is never
# taken for one unless it looks like a placeholder.
PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_\-]+)?)\}")
PLACEHOLDERS = [
    "reference",
    "number",
    "holder_name",
    "service",
    "office",
    "issued_date",
    "valid_until",
]
ANSWER_PREFIX = "answers."


def allowed_placeholders_text(answer_keys=None):
    """The list an editor reads when a placeholder is refused."""
    answers = ["{answers.<key>}"] if answer_keys is None else [f"{{answers.{key}}}" for key in sorted(answer_keys)]
    return ", ".join([*("{" + name + "}" for name in PLACEHOLDERS), *answers])


def form_answer_keys(service):
    """The field keys of the service's e-form, or None when there is no service or it has no
    form (any key is then accepted: a counter-filed case may carry answers of its own)."""
    form = service.online_form if service is not None else None
    if form is None:
        return None
    definition = build_definition(form.specific)
    return {spec.get("key") for step in definition.get("steps", []) for spec in step.get("fields", [])}


def placeholder_errors(instance, fields, answer_keys):
    """{field: message} for the fields of `instance` holding a placeholder issuing could not
    fill; the message lists the ones allowed (an editor fixes a typo without the manual)."""
    errors = {}
    for field in fields:
        unknown = unknown_placeholders(getattr(instance, field), answer_keys)
        if unknown:
            errors[field] = _("Unknown placeholder %(unknown)s. You can use: %(allowed)s") % {
                "unknown": ", ".join(unknown),
                "allowed": allowed_placeholders_text(answer_keys),
            }
    return errors


def unknown_placeholders(text, answer_keys=None):
    """Placeholders in `text` that issuing could not fill. With `answer_keys` (the fields of the
    service's e-form), {answers.<key>} must name one of them."""
    unknown = []
    for name in PLACEHOLDER_RE.findall(text or ""):
        if name in PLACEHOLDERS:
            continue
        key = name[len(ANSWER_PREFIX) :] if name.startswith(ANSWER_PREFIX) else ""
        if key and (answer_keys is None or key in answer_keys):
            continue
        unknown.append("{" + name + "}")
    return sorted(set(unknown))


class DocumentKind(models.TextChoices):
    PERMIT = "permit", _("Permit")
    CERTIFICATE = "certificate", _("Certificate")
    LETTER = "letter", _("Letter")


class DocumentTemplate(models.Model):
    """The fixed wording of one document a service ends with, written by the office's editors.

    Per office (site) and per service guide: the food-shop guide of one municipality issues its
    own certificate, with its own wording. Placeholders are checked when saved, so an officer
    never issues a document with a "{typo}" printed on it."""

    on_public_pages = False  # staff's own settings: an edit changes no public page (portal.pagecache)

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="document_templates",
        help_text=_("The office that issues this document."),
    )
    service = models.ForeignKey(
        "services.ServicePage",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="document_templates",
        help_text=_("The service guide whose cases end with this document. Officers see it on those cases."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=DocumentKind.choices,
        default=DocumentKind.CERTIFICATE,
        help_text=_("Numbers run separately per kind and Buddhist-Era year."),
    )
    title = models.CharField(
        _("title"),
        max_length=255,
        help_text=_("Printed at the top of the document and shown on its verification page."),
    )
    body = models.TextField(
        _("text"),
        help_text=_(
            "The document's text. Placeholders are filled in when it is issued: {reference}, {number}, "
            "{holder_name}, {service}, {office}, {issued_date}, {valid_until}, and {answers.<key>} for an "
            "answer of the form (e.g. {answers.shop_name})."
        ),
    )
    validity_days = models.PositiveIntegerField(
        _("valid for (days)"),
        null=True,
        blank=True,
        help_text=_("How long the document is valid from the day it is issued. Leave empty if it does not expire."),
    )
    signer_title = models.CharField(
        _("signed by (position)"),
        max_length=255,
        blank=True,
        help_text=_("Printed under the signature line, e.g. นายกเทศมนตรีตำบลบ้านสวน."),
    )

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["site", "title"]

    def __str__(self):
        return self.title

    def answer_keys(self):
        return form_answer_keys(self.service if self.service_id else None)

    def clean(self):
        super().clean()
        errors = placeholder_errors(self, ("title", "body"), self.answer_keys())
        if self.service_id and self.site_id and self.service.get_site() not in (None, self.site):
            errors["service"] = _("Choose a service of this office.")
        if errors:
            raise ValidationError(errors)


class DocumentRegister(models.Model):
    """The office's register of numbers for one document kind and Buddhist-Era year.

    One row is the counter: issuing locks it (select_for_update) and takes the next number, so
    concurrent issues queue on the row and get consecutive numbers, none skipped or used twice
    (a failed issue rolls the counter back with its transaction). Rows are created race-safely
    on first use; the unique constraint is the backstop."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(help_text=_("Buddhist-Era year, e.g. 2569."))
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document register")
        verbose_name_plural = _("document registers")
        constraints = [models.UniqueConstraint(fields=["site", "kind", "year"], name="document_register_unique")]

    def __str__(self):
        return f"{self.site_id} {self.kind} {self.year}: {self.last_number}"


class DocumentStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")


class IssuedDocument(models.Model):
    """One document the office issued on a case: the stored PDF and what anyone may check of it.

    The verification page (/v/<code>) reads this row alone, so type, number, dates, initials
    and status are kept here as issued (a template edited later changes no issued document).
    The holder's full name is not stored: a QR code is read by whoever holds the paper."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="issued_documents"
    )
    site = models.ForeignKey("wagtailcore.Site", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(
        DocumentTemplate, verbose_name=_("template"), null=True, on_delete=models.SET_NULL, related_name="issued"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year (B.E.)"))
    number = models.PositiveIntegerField(
        _("number"), null=True, blank=True, help_text=_("Empty for a draft: drafts take no number from the register.")
    )
    number_prefix = models.CharField(
        _("letter code"),
        max_length=40,
        blank=True,
        help_text=_("An official letter's office code, printed before its number (ที่ ชม 52101/12)."),
    )
    code = models.CharField(_("verification code"), max_length=64, unique=True)
    draft = models.BooleanField(_("draft"), default=False, help_text=_("Unsigned and not valid; printed as a draft."))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    holder_initials = models.CharField(_("holder's initials"), max_length=40, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/", storage=get_private_storage)
    status = models.CharField(_("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.VALID)
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            # The backstop of the register: one number per office, kind and year.
            models.UniqueConstraint(
                fields=["site", "kind", "year", "number"],
                condition=Q(number__isnull=False),
                name="issued_document_number_unique",
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.number_display}"

    @property
    def number_display(self):
        """ "12/2569" as printed, "ชม 52101/12" for an official letter; a draft has none."""
        if self.number is None:
            return ""
        if self.number_prefix:
            return f"{self.number_prefix}/{self.number}"
        return f"{self.number}/{self.year}"

    @property
    def is_valid(self):
        return self.status == DocumentStatus.VALID and not self.draft

    @property
    def expired(self):
        return self.valid_until is not None and self.valid_until < timezone.localdate()

    @property
    def download_name(self):
        if self.number is None:
            return f"draft-{self.code[:8]}.pdf"
        return f"{self.kind}-{self.number}-{self.year}.pdf"


@register_setting(icon="key")
class SigningSettings(BaseSiteSetting):
    """The office's signing certificate. Per site: each office signs as itself.

    The PKCS#12 file holds the private key, so it lives in private storage and its passphrase is
    never shown back (services/documents/forms.py). The certificate's public part is kept in
    clear beside it, so checking an uploaded PDF needs neither the key nor the passphrase."""

    pkcs12 = models.FileField(
        _("signing certificate (PKCS#12)"),
        upload_to="signing/",
        storage=get_private_storage,
        blank=True,
        help_text=_(
            "A .p12 or .pfx file holding the office's certificate and its private key, from a certificate "
            "authority (see the README, Issued documents)."
        ),
    )
    passphrase = models.CharField(
        _("passphrase"),
        max_length=255,
        blank=True,
        help_text=_("The file's passphrase. Never shown again; leave empty to keep the one saved."),
    )
    certificate_pem = models.TextField(editable=False, blank=True)
    certificate_subject = models.CharField(max_length=500, editable=False, blank=True)
    certificate_expires = models.DateTimeField(null=True, blank=True, editable=False)
    demo = models.BooleanField(default=False, editable=False)

    base_form_class = SigningSettingsForm
    panels = [
        FieldPanel("pkcs12"),
        FieldPanel("passphrase"),
    ]

    class Meta:
        verbose_name = _("document signing")

    @property
    def configured(self):
        return bool(self.pkcs12 and self.certificate_pem)


CLOSING = "ขอแสดงความนับถือ"
LETTER_TEXT_FIELDS = ("subject", "recipient", "reference_to", "enclosures", "body", "signer_name", "signer_position")


class LetterParts(models.Model):
    """The parts of an external official letter, in the order the Regulation of the Prime
    Minister's Office on Correspondence (ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ) prints them:
    ที่ (the office's code and the letter's number), the date, เรื่อง, เรียน, อ้างถึง,
    สิ่งที่ส่งมาด้วย, the text, the closing, and the signer's name and position."""

    office_code = models.CharField(
        _("office code (ที่)"),
        max_length=40,
        help_text=_("The office's letter code printed before the number, e.g. ชม 52101 or ชม 52101.2 for a division."),
    )
    subject = models.CharField(_("subject (เรื่อง)"), max_length=500, help_text=_("What the letter is about, briefly."))
    recipient = models.CharField(
        _("to (เรียน)"),
        max_length=500,
        help_text=_("Who the letter is addressed to, by position: e.g. ผู้อำนวยการโรงพยาบาล."),
    )
    reference_to = models.TextField(
        _("reference (อ้างถึง)"), blank=True, help_text=_("An earlier letter this one answers. Optional.")
    )
    enclosures = models.TextField(
        _("enclosures (สิ่งที่ส่งมาด้วย)"), blank=True, help_text=_("What is sent with the letter, one per line. Optional.")
    )
    body = models.TextField(_("text"), help_text=_("The letter's text; a blank line starts a new paragraph."))
    closing = models.CharField(_("closing"), max_length=100, default=CLOSING, help_text=_("Usually ขอแสดงความนับถือ."))
    signer_name = models.CharField(
        _("signer's name"), max_length=200, help_text=_("Printed in brackets under the signature.")
    )
    signer_position = models.CharField(
        _("signer's position"), max_length=255, help_text=_("e.g. นายกเทศมนตรีตำบลบ้านสวน.")
    )
    contact = models.TextField(
        _("contact"),
        blank=True,
        help_text=_("The division that owns the matter and its phone, printed at the foot. Optional."),
    )

    class Meta:
        abstract = True


class LetterTemplate(LetterParts):
    """An office's model of an outgoing official letter, written by its editors: the officer
    starts from it on a case, with the case's values filled in, and may edit before issuing.
    Placeholders are checked when saved, as for document templates."""

    on_public_pages = False  # staff's own settings: an edit changes no public page (portal.pagecache)

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("office"),
        on_delete=models.CASCADE,
        related_name="letter_templates",
        help_text=_("The office that sends this letter."),
    )
    service = models.ForeignKey(
        "services.ServicePage",
        verbose_name=_("service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="letter_templates",
        help_text=_("Offer this letter on this service's cases only. Leave empty to offer it on every case."),
    )
    name = models.CharField(
        _("name"),
        max_length=255,
        help_text=_("How officers find the letter, also shown on its verification page, e.g. หนังสือแจ้งผลการพิจารณา."),
    )

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["site", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = placeholder_errors(
            self, LETTER_TEXT_FIELDS, form_answer_keys(self.service if self.service_id else None)
        )
        if self.service_id and self.site_id and self.service.get_site() not in (None, self.site):
            errors["service"] = _("Choose a service of this office.")
        if errors:
            raise ValidationError(errors)


class OfficialLetter(LetterParts):
    """The letter as issued: its parts with the case's values filled in, beside the
    IssuedDocument that holds its number, signed PDF, verification code and status. Kept as
    issued (a template edited later changes no letter sent)."""

    document = models.OneToOneField(
        IssuedDocument, primary_key=True, on_delete=models.CASCADE, related_name="letter", verbose_name=_("document")
    )
    template = models.ForeignKey(
        LetterTemplate, verbose_name=_("template"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("official letter")
        verbose_name_plural = _("official letters")

    def __str__(self):
        return self.subject
