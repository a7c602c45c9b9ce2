"""StreamField blocks of a service guide.

They follow the sections of the citizen's manual (คู่มือสำหรับประชาชน) that the Licensing
Facilitation Act B.E. 2558 requires, so an official recognises the page at a glance.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock


class ChannelBlock(blocks.StructBlock):
    """Where, on which days and at what hours the service is given (one row per counter or channel)."""

    place = blocks.CharBlock(
        label=_("place or channel"), max_length=200, help_text=_("e.g. กองช่าง ชั้น 1 อาคารสำนักงานเทศบาล")
    )
    days = blocks.CharBlock(label=_("days"), max_length=120, help_text=_("e.g. จันทร์–ศุกร์ (เว้นวันหยุดราชการ)"))
    hours = blocks.CharBlock(label=_("hours"), max_length=80, help_text=_("e.g. 08:30–16:30 น."))
    note = blocks.CharBlock(label=_("note"), max_length=200, required=False, help_text=_("e.g. มีพักเที่ยง"))

    class Meta:
        icon = "site"
        label = _("Service channel")
        template = "services/blocks/channel.html"
        preview_value = {"place": "กองช่าง ชั้น 1", "days": "จันทร์–ศุกร์", "hours": "08:30–16:30 น."}


# Who may sign a step off (issue 20). The keys are stored in guides and copied onto cases
# (services.cases.models.ApprovalRoleKey holds the same ones); each office names its holders.
APPROVAL_ROLES = [
    ("head_of_division", _("Head of division")),
    ("deputy_clerk", _("Deputy clerk")),
    ("clerk", _("Clerk")),
    ("mayor", _("Mayor")),
]


class StepBlock(blocks.StructBlock):
    """One step of the procedure, with how long it takes and who does it.

    `duration` is the manual's wording; `duration_days` the working days cases count (left
    empty, it is read from `duration`: "7 วัน" is 7, "30 นาที" is 0). Both later keys are
    optional, so guides written before them stay valid."""

    description = blocks.CharBlock(
        label=_("what happens"), max_length=300, help_text=_("Plain language, from the resident's point of view.")
    )
    duration = blocks.CharBlock(
        label=_("duration"), max_length=60, help_text=_("As the manual states it, e.g. 1 วัน or 30 นาที")
    )
    responsible = blocks.CharBlock(label=_("responsible unit"), max_length=120, help_text=_("e.g. กองช่าง, งานธุรการ"))
    duration_days = blocks.IntegerBlock(
        label=_("duration in working days"),
        required=False,
        min_value=0,
        max_value=365,
        help_text=_("What a request's stage counts. Empty: read from the duration above (e.g. 7 วัน is 7)."),
    )
    approval_role = blocks.ChoiceBlock(
        label=_("needs approval by"),
        choices=APPROVAL_ROLES,
        required=False,
        help_text=_("Leave empty when no sign-off is needed. Each office says who holds the role (Approval roles)."),
    )

    class Meta:
        icon = "list-ol"
        label = _("Step")
        template = "services/blocks/step.html"
        preview_value = {"description": "ยื่นคำขอและตรวจเอกสาร", "duration": "30 นาที", "responsible": "กองช่าง"}


class RequiredDocumentBlock(blocks.StructBlock):
    """A document the resident must bring: how many originals and copies, and anything to watch for."""

    name = blocks.CharBlock(label=_("document"), max_length=200, help_text=_("e.g. บัตรประจำตัวประชาชน"))
    originals = blocks.IntegerBlock(label=_("originals"), min_value=0, max_value=20, default=1)
    copies = blocks.IntegerBlock(label=_("copies"), min_value=0, max_value=20, default=1)
    note = blocks.CharBlock(label=_("note"), max_length=300, required=False, help_text=_("e.g. พร้อมรับรองสำเนาถูกต้อง"))

    class Meta:
        icon = "doc-full"
        label = _("Required document")
        template = "services/blocks/required_document.html"
        preview_value = {"name": "บัตรประจำตัวประชาชน", "originals": 1, "copies": 1}

    def clean(self, value):
        value = super().clean(value)
        if not value.get("originals") and not value.get("copies"):
            raise StructBlockValidationError(
                block_errors={"copies": ValidationError(_("Ask for at least one original or one copy."))}
            )
        return value


class FormFileBlock(blocks.StructBlock):
    """A form from the library attached to a guide: a blank form or a filled-in example."""

    document = DocumentChooserBlock(label=_("form"), help_text=_("A document from the forms library."))
    caption = blocks.CharBlock(
        label=_("caption"), max_length=200, required=False, help_text=_("Optional: how to fill it in.")
    )

    class Meta:
        icon = "doc-full-inverse"
        label = _("Form")
        template = "services/blocks/form_file.html"
