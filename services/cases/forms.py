"""Forms of the case queue: the resident's (tracking, verification, reply, reopen, rating) and
the officer's (status change, assignment, notes, replies, queue filters)."""

import os
from typing import NamedTuple

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from forms_builder.uploads import ACCEPT, check_and_clean, hard_cap_bytes
from portal.typed_text import DigitsTextField, TypedTextField
from services.cases.models import CaseStatus, Channel, DeficiencyRecord, Priority, RejectReason, ReplyTemplate


class CleanFile(NamedTuple):
    """A checked file, ready to store: the bytes are already cleaned (images re-encoded)."""

    name: str
    content_type: str
    extension: str
    data: bytes


class TrackForm(forms.Form):
    ref = forms.CharField(
        label=_("Reference number"),
        max_length=40,
        help_text=_("It is on your receipt, for example BSR-69-7KQ2M-4"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class VerifyForm(forms.Form):
    """The one-time code the resident asked for. Digits are read as ASCII whatever the keyboard
    typed (Thai ๐-๙, full-width), so comparing never meets anything but 0-9."""

    code = DigitsTextField(
        label=_("The 6-digit code we sent you"),
        max_length=20,
        help_text=_("It is valid for 10 minutes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": _("Type the 6-digit code from the message.")},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].replace("-", " ").split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("The code is 6 digits, for example 123456."))
        return code


class CodeRequestForm(forms.Form):
    """Where the resident wants the code: to the phone or the e-mail they gave on the form."""

    via = forms.ChoiceField(
        label=_("Send me a code by"),
        choices=[("phone", _("Text message (SMS) to my phone")), ("email", _("E-mail"))],
        initial="phone",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose where to send the code.")},
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe): cleans to a list."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ResidentReplyForm(forms.Form):
    """The resident's answer to an officer, with the photos or PDFs the officer asked for.

    Files pass the e-forms' own checks (`forms_builder.uploads.check_and_clean`: type read from
    the bytes, PDFs parsed, virus scan when configured, images re-encoded without EXIF/GPS).
    The input's name ends in `__upload`, so the e-forms' upload handler stops reading a file
    the moment it passes the cap; the view reports those (`too_big`).
    """

    MAX_FILES = 3
    FILE_SPEC = {"key": "reply", "allowed_types": ["image", "pdf"], "max_size_mb": 10}

    message = TypedTextField(
        label=_("Your message"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    files__upload = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("Up to 3 files: photos (JPEG, PNG, WebP, HEIC) or PDF, up to 10 MB each."),
        widget=MultipleFileInput(attrs={"accept": f"{ACCEPT['image']},{ACCEPT['pdf']}"}),
    )

    def __init__(self, *args, too_big=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = list(too_big)

    def clean_files__upload(self):
        uploads = self.cleaned_data.get("files__upload") or []
        errors = [
            _("%(name)s is larger than %(limit)s MB, the most a reply can take.")
            % {"name": name, "limit": hard_cap_bytes() // (1024 * 1024)}
            for name in self.too_big
        ]
        if len(uploads) + len(self.too_big) > self.MAX_FILES:
            raise forms.ValidationError(_("Upload at most %(count)s files here.") % {"count": self.MAX_FILES})
        cleaned = []
        for uploaded in uploads:
            try:
                data, content_type, extension = check_and_clean(uploaded, self.FILE_SPEC)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            stem = os.path.splitext(os.path.basename(uploaded.name or "file"))[0][:150] or "file"
            cleaned.append(CleanFile(f"{stem}.{extension}", content_type, extension, data))
        if errors:
            raise forms.ValidationError(errors)
        return cleaned

    def clean(self):
        cleaned = super().clean()
        # A photo alone answers "please send a photo"; an empty reply answers nothing.
        if not cleaned.get("message") and not cleaned.get("files__upload") and not self.errors:
            self.add_error("message", _("Write a message or attach a file."))
        return cleaned


class ReopenForm(forms.Form):
    reason = TypedTextField(
        label=_("Why should we reopen your request?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class FixAnswerForm(forms.Form):
    """The resident's answer to "Is it fixed?" (services.cases.workflow.confirm_fix / dispute_fix)."""

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("Yes, it is fixed")), ("no", _("No, it is not fixed"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    comment = TypedTextField(
        label=_("What is still wrong? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Staff ----------------------------------------------------------------------------------


class VersionedForm(forms.Form):
    """Carries the case version the officer saw, for the optimistic lock."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class StatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("New status"))
    reject_reason = forms.ChoiceField(
        label=_("Rejection reason"), required=False, choices=[("", "—"), *RejectReason.choices]
    )
    message = forms.CharField(
        label=_("Message to the resident"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when closing or rejecting: the resident reads it."),
    )
    after_photo = forms.ImageField(label=_("After photo (optional)"), required=False)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(t, CaseStatus(t).label) for t in targets]


class AssignForm(VersionedForm):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=get_user_model().objects.none(), required=False)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignees is not None:
            self.fields["assignee"].queryset = assignees


class MergeForm(VersionedForm):
    """Which report this case repeats: one of its possible duplicates, or any case of the office
    typed by reference (a duplicate filed further away, or a month later)."""

    target = forms.TypedChoiceField(
        label=_("The report this case repeats"), required=False, coerce=int, empty_value=None, widget=forms.RadioSelect
    )
    reference = forms.CharField(
        label=_("Or type its reference"),
        required=False,
        max_length=40,
        help_text=_("Any case of this office, for example BSR-69-7KQ2M-4."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        """`candidates`: the possible duplicates (`services.cases.nearby.Nearby` rows) offered."""
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.fields["target"].choices = [(str(near.case.pk), near.case.reference) for near in self.candidates]

    def clean_reference(self):
        return self.cleaned_data["reference"].strip()

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("reference") and data.get("target") is None:
            self.add_error("reference", _("Choose one of the possible duplicates or type a reference."))
        return data


class UnmergeForm(VersionedForm):
    """ "Not a duplicate": carries only the version, for the optimistic lock."""


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only staff see notes. Never shown to the resident."),
    )


class ReplyForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Start from a template"), queryset=ReplyTemplate.objects.none(), required=False
    )
    reply = forms.CharField(
        label=_("Reply to the resident"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The resident reads this on the tracking page. Leave empty to use the template's text."),
    )
    public = forms.BooleanField(
        label=_("Public: anyone with the reference may read this reply"),
        required=False,
        help_text=_(
            "Leave unticked for replies about this resident: only they see it, after opening their link or "
            "typing a code. Tick only for general news, e.g. the team is on its way."
        ),
    )

    def __init__(self, *args, site=None, **kwargs):
        """`site`: the case's office, whose reply templates the officer may start from."""
        super().__init__(*args, **kwargs)
        if site is not None:
            self.fields["template"].queryset = ReplyTemplate.objects.filter(site=site)

    def clean(self):
        data = super().clean()
        if not (data.get("reply") or "").strip() and not data.get("template"):
            raise forms.ValidationError(_("Write a reply or choose a template."))
        return data


class LongSelect(forms.Select):
    """A select of many plain options (a platform's 1,000 offices) written in one pass: Django's
    template per option took a third of a second for a thousand."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) == chosen else "", label) for key, label in self.choices),
        )
        return format_html('<select name="{}" id="{}">{}</select>', name, attrs.get("id", ""), options)


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Reference, name or phone"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), ("open", _("All open")), *CaseStatus.choices]
    )
    department = forms.ChoiceField(label=_("Department"), required=False)
    service = forms.CharField(label=_("Service"), required=False, max_length=255)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any")), *Channel.choices])
    priority = forms.TypedChoiceField(
        label=_("Priority"), required=False, coerce=int, empty_value=None, choices=[("", _("Any")), *Priority.choices]
    )
    overdue = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), ("overdue", _("Overdue")), ("soon", _("Due soon"))],
    )
    check = forms.ChoiceField(
        label=_("Evidence"),
        required=False,
        choices=[("", _("Any")), ("flagged", _("Fixes to check"))],
        help_text=_(
            "Cases whose after photo was flagged: taken before the report, far from it, without capture data, or used before."
        ),
    )
    date_from = forms.DateField(
        label=_("Submitted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("Submitted to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("due", _("Due date, soonest first")),
            ("-due", _("Due date, latest first")),
            ("-submitted", _("Newest first")),
            ("submitted", _("Oldest first")),
        ],
    )

    def __init__(self, *args, departments=None, services=(), assignees=(), offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offices is not None:
            # First of the filters: the department, service and assignee lists follow it.
            self.fields = {
                "office": forms.ChoiceField(
                    label=_("Office"),
                    required=False,
                    choices=[("", _("Any")), *[(str(pk), label) for pk, label in offices]],
                    widget=LongSelect,
                ),
                **self.fields,
            }
        # (id, label) pairs: the label names the office when the person works for several.
        self.fields["department"].choices = [("", _("Any")), *[(str(pk), label) for pk, label in departments or ()]]
        self.fields["service"].widget = forms.Select(choices=[("", _("Any")), *[(s, s) for s in services]])
        self.fields["assignee"].choices = [("", _("Anyone")), ("none", _("Unassigned")), ("me", _("Me")), *assignees]

    def clean_q(self):
        """Names are found through trigrams (three characters): a shorter search would read every
        submission on PostgreSQL, and match too many people to be useful anyway."""
        query = self.cleaned_data["q"].strip()
        if 0 < len(query) < 3:
            raise forms.ValidationError(_("Type at least 3 characters."))
        return query


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[("assign", _("Assign")), ("status", _("Change status"))])
    assignee = forms.IntegerField(required=False)
    status = forms.ChoiceField(required=False, choices=CaseStatus.choices)
    message = forms.CharField(required=False, max_length=4000)


# --- Stages, approvals and missing documents (services.cases.stages) ------------------------------


class StageMoveForm(VersionedForm):
    """ "This stage is done": carries only the version, for the optimistic lock."""


class DeficiencyForm(VersionedForm):
    """The record of missing documents: for each document the guide asks for, whether it is
    missing or wrong (left empty: fine), and a note the resident reads."""

    note = TypedTextField(
        label=_("Note to the resident"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What exactly is wrong, e.g. the plans are not signed by the engineer."),
    )

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = list(documents)
        choices = [("", _("Fine")), *DeficiencyRecord.Problem.choices]
        for index, name in enumerate(self.documents):
            self.fields[f"doc_{index}"] = forms.ChoiceField(label=name, choices=choices, required=False)

    def document_fields(self):
        return [self[f"doc_{index}"] for index in range(len(self.documents))]

    def items(self):
        data = self.cleaned_data
        return [
            {"name": name, "problem": data[f"doc_{index}"]}
            for index, name in enumerate(self.documents)
            if data.get(f"doc_{index}")
        ]

    def clean(self):
        data = super().clean()
        if not self.errors and not self.items():
            self.add_error(None, _("Mark at least one document as missing or wrong."))
        return data


class DecisionForm(forms.Form):
    """An approver's decision on a stage: approve, or send back with the reason (required)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("send_back", _("Send back"))],
        widget=forms.RadioSelect,
    )
    reason = TypedTextField(
        label=_("Reason or note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when sending back: the officers read it on the case's timeline."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "send_back" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the stage is sent back."))
        return data


class MissingDocumentsForm(ResidentReplyForm):
    """The resident's upload of the documents a record of missing documents asked for: the same
    checks as a reply's files (type read from the bytes, PDFs parsed, virus scan), at least one."""

    MAX_FILES = 5
    FILE_SPEC = {"key": "deficiency", "allowed_types": ["image", "pdf"], "max_size_mb": 10}

    message = None
    files__upload = MultipleFileField(
        label=_("The missing documents"),
        required=False,
        help_text=_("Up to 5 files: PDF or photos (JPEG, PNG, WebP, HEIC), up to 10 MB each."),
        widget=MultipleFileInput(attrs={"accept": f"{ACCEPT['image']},{ACCEPT['pdf']}"}),
    )

    def clean(self):
        cleaned = forms.Form.clean(self)
        if not cleaned.get("files__upload") and not self.errors:
            self.add_error("files__upload", _("Choose the files to send."))
        return cleaned
