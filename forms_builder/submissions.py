"""What residents send, and what is kept while they fill a form in: Submission (with its files),
PendingUpload and Draft.

These are the form engine's records, below the wizard and the screens that write and show them.
The form page (forms_builder.models) routes to that wizard and those screens, so the records
cannot live beside the page without a circle: page -> wizard/screens -> records, one way.
forms_builder.models imports this module, which registers the models with the app (and keeps
`forms_builder.models.Submission` importable for the other rooms).

A Submission never depends on the page staying as it was: it keeps a snapshot of the form
definition (labels, options, types) taken at submit time, and the page link is SET_NULL. Editors
can reword, reorder or delete a form without breaking a single old submission.
"""

import os
import secrets
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forms_builder.fields import display_answers
from forms_builder.slugs import random_code
from forms_builder.storage import get_private_storage
from forms_builder.uploads import check_and_clean, original_facts


class Submission(models.Model):
    """One completed form, as the resident sent it. The case queue opens a case from it.

    `answers` maps field keys to JSON values; `form_snapshot` is the definition they answered,
    so both can be displayed forever, whatever happens to the page.
    """

    class Channel(models.TextChoices):
        WEB = "web", _("Online, by the resident")
        COUNTER = "counter", _("At the counter")
        VOLUNTEER = "volunteer", _("Through a volunteer")
        PHONE = "phone", _("By phone")
        LINE = "line", _("By LINE chat")

    form_page = models.ForeignKey(
        "forms_builder.FormPage",
        verbose_name=_("form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
    )
    form_title = models.CharField(_("form title"), max_length=255)
    form_snapshot = models.JSONField(_("form definition at submit time"), default=dict)
    answers = models.JSONField(_("answers"), default=dict)
    language = models.CharField(_("language"), max_length=8, default="th")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="filed_submissions",
        help_text=_("The staff member or volunteer who filled the form for a resident."),
    )
    contact_name = models.CharField(_("contact name"), max_length=255, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    # Set only from LINE itself (a chat with the office's account, or LINE Login's verified ID
    # token), never from what a person typed: updates then reach this LINE user.
    line_user_id = models.CharField(
        _("LINE user"),
        max_length=33,
        blank=True,
        default="",
        # In the database too: bulk loaders (the benches, the queue-plan test) COPY rows without it.
        db_default="",
        db_index=True,
        help_text=_("The resident's LINE user ID, verified by LINE; their updates are sent there."),
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_text = models.CharField(_("location as typed"), max_length=500, blank=True)
    consent_version = models.CharField(_("privacy notice version"), max_length=40, blank=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True, db_index=True)
    expected_date = models.DateField(_("expected completion"), null=True, blank=True)
    tracking_url = models.CharField(_("tracking link"), max_length=300, blank=True)
    wizard_token = models.CharField(
        max_length=40, unique=True, editable=False, help_text=_("One per filling: a replayed submit is refused.")
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=["web", "counter", "volunteer", "phone", "line"]),
                name="fb_submission_channel",
            ),
            # Staff or a volunteer file at the counter, by phone or for a resident; a resident files
            # on the web or by LINE chat themselves.
            models.CheckConstraint(
                condition=models.Q(channel__in=["web", "line"]) | models.Q(filed_by__isnull=False),
                name="fb_submission_filed_by_for_assisted",
            ),
        ]

    def __str__(self):
        return f"{self.reference or self.pk} · {self.form_title}"

    def display_answers(self):
        """[(step title, [(label, display value), ...]), ...] from the snapshot, for people."""
        return display_answers(self.form_snapshot, self.answers, files=list(self.files.all()))


class SubmissionFile(models.Model):
    """An uploaded file, checked by content and stripped of metadata, in private storage. Its
    `evidence` keeps what the original said (hash, capture time, camera, position) for the
    areas that must judge a photo (the case room's "check this fix")."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="files")
    field_key = models.CharField(_("field"), max_length=64)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    file = models.FileField(_("file"), storage=get_private_storage, upload_to="submissions/%Y/%m/", max_length=255)
    evidence = models.JSONField(
        _("facts of the original"),
        default=dict,
        blank=True,
        help_text=_("SHA-256, capture time, camera and GPS of the file as sent, read before it was cleaned."),
    )

    class Meta:
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")

    def __str__(self):
        return self.original_name


class PendingUpload(models.Model):
    """A file accepted on a step before the form is sent: kept across errors, Back and resume.

    `owner` is the wizard's random token: the step form only offers a filling its own uploads,
    so a tampered id can never attach someone else's file.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.CharField(max_length=40, db_index=True)
    field_key = models.CharField(max_length=64)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    file = models.FileField(storage=get_private_storage, upload_to="pending/%Y/%m/", max_length=255)
    # What the original said before it was cleaned (`uploads.original_facts`), for the file's record.
    evidence = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("upload in progress")
        verbose_name_plural = _("uploads in progress")

    def __str__(self):
        return self.original_name


def store_pending(uploaded, spec, owner):
    """Check an uploaded file and keep it as a PendingUpload of this filling."""
    data, content_type, extension = check_and_clean(uploaded, spec)
    # Read from the original bytes, which are not kept: the areas above judge photos by them.
    facts = original_facts(uploaded) if content_type.startswith("image/") else {}
    original = os.path.basename(uploaded.name or "file")[:200]
    stem = os.path.splitext(original)[0][:150] or "file"
    pending = PendingUpload(
        owner=owner,
        field_key=spec["key"],
        original_name=f"{stem}.{extension}",
        content_type=content_type,
        size=len(data),
        evidence=facts,
    )
    pending.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
    pending.save()
    return pending


class Draft(models.Model):
    """A form saved half-way. Residents come back with the link or the short code."""

    form_page = models.ForeignKey("forms_builder.FormPage", on_delete=models.CASCADE, related_name="drafts")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    code = models.CharField(max_length=12, unique=True, default=random_code, editable=False)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("saved draft")
        verbose_name_plural = _("saved drafts")

    def __str__(self):
        return self.code
