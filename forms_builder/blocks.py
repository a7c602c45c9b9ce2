"""The pieces an editor builds a form from: steps, and the fields inside them.

Every answer is stored under the field's `key`. Keys, option values and condition values are
RegexBlocks, which wagtail-localize does not offer for translation, so the Thai page and its
English translation store answers under the same names. When a key is left empty the block's id
is used: block ids are stable across edits and translations too.
"""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
KEY_HELP = _(
    "Optional short name the answer is stored under (lower-case letters, digits, _). "
    "Never change it once people have submitted the form: old answers keep the old name."
)
VALUE_PATTERN = r"^[\w.-]{1,40}$"

key_error = {"invalid": _("Use lower-case letters, digits and _ only, starting with a letter.")}


class ConditionBlock(blocks.StructBlock):
    """Show a field or step only when an earlier answer matches; hidden answers are dropped."""

    field = blocks.RegexBlock(
        regex=KEY_PATTERN,
        required=False,
        error_messages=key_error,
        label=_("only when the answer to"),
        help_text=_("The key of an earlier field. Leave empty to always show."),
    )
    operator = blocks.ChoiceBlock(
        choices=[
            ("eq", _("is")),
            ("ne", _("is not")),
            ("gt", _("is more than (numbers)")),
            ("lte", _("is at most (numbers)")),
        ],
        default="eq",
        label=_("condition"),
    )
    # Not named "value": wagtail-localize reads a nested struct's "value" key as its wrapper.
    target = blocks.RegexBlock(
        regex=VALUE_PATTERN,
        required=False,
        error_messages={"invalid": _("Letters, digits, . _ and - only.")},
        label=_("value"),
        help_text=_("An option's value, a number, or 'yes' for a ticked checkbox."),
    )

    class Meta:
        icon = "link"
        label = _("Show only when")
        form_classname = "struct-block fb-condition"
        collapsed = True


class BaseFieldBlock(blocks.StructBlock):
    """What every question has: a stored key, a label, help text, required, and a condition."""

    key = blocks.RegexBlock(regex=KEY_PATTERN, required=False, error_messages=key_error, help_text=KEY_HELP)
    label = blocks.CharBlock(label=_("label"), max_length=255, help_text=_("The question, in plain words."))
    help_text = blocks.TextBlock(
        label=_("help text"), required=False, help_text=_("A hint under the question, e.g. an example answer.")
    )
    required = blocks.BooleanBlock(
        label=_("required"), required=False, default=True, help_text=_("The resident must answer.")
    )
    condition = ConditionBlock(required=False)

    class Meta:
        template = "forms_builder/blocks/field_preview.html"
        icon = "form"
        preview_value = {"key": "example", "label": "ชื่อ-นามสกุล", "help_text": "เช่น สมศรี ใจดี", "required": True}


class ShortTextBlock(BaseFieldBlock):
    is_contact_name = blocks.BooleanBlock(
        label=_("this is the applicant's name"),
        required=False,
        help_text=_("Shown to staff as the contact name of the request."),
    )
    max_length = blocks.IntegerBlock(label=_("maximum length"), default=200, min_value=1, max_value=1000)

    class Meta:
        icon = "pilcrow"
        label = _("Short text")


class LongTextBlock(BaseFieldBlock):
    max_length = blocks.IntegerBlock(label=_("maximum length"), default=3000, min_value=1, max_value=10000)

    class Meta:
        icon = "doc-full"
        label = _("Long text")


class NumberBlock(BaseFieldBlock):
    min_value = blocks.DecimalBlock(label=_("smallest allowed"), required=False)
    max_value = blocks.DecimalBlock(label=_("largest allowed"), required=False)
    unit = blocks.CharBlock(label=_("unit"), required=False, max_length=30, help_text=_("e.g. ตร.ม."))

    class Meta:
        icon = "order"
        label = _("Number")


class EmailFieldBlock(BaseFieldBlock):
    class Meta:
        icon = "mail"
        label = _("Email")


class PhoneBlock(BaseFieldBlock):
    """A Thai phone number: a mobile or a home line, unless the answer is used for SMS."""

    mobile_only = blocks.BooleanBlock(
        label=_("mobile only"),
        required=False,
        help_text=_(
            "Tick when the number is used for SMS messages: home lines are then refused. Say so in the help text."
        ),
    )

    class Meta:
        icon = "mobile-alt"
        label = _("Thai phone number")
        preview_value = {
            "label": "หมายเลขโทรศัพท์",
            "help_text": "มือถือ 10 หลัก หรือโทรศัพท์บ้าน 9 หลัก เช่น 053123456",
            "required": True,
        }


class NationalIdBlock(BaseFieldBlock):
    class Meta:
        icon = "user"
        label = _("Thai national ID")
        preview_value = {"label": "เลขประจำตัวประชาชน", "help_text": "13 หลัก", "required": True}


class DateFieldBlock(BaseFieldBlock):
    past_only = blocks.BooleanBlock(label=_("not in the future"), required=False, help_text=_("e.g. a date of birth."))
    min_age = blocks.IntegerBlock(
        label=_("minimum age on 1 October"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_(
            "For a date of birth: the age the person must reach by 1 October, the start of the next Thai "
            "fiscal year, e.g. 60 for the elderly allowance. Leave empty for no age check."
        ),
    )

    class Meta:
        icon = "date"
        label = _("Date (Buddhist Era)")
        preview_value = {"label": "วันเกิด", "required": True}


class ChoiceOptionBlock(blocks.StructBlock):
    value = blocks.RegexBlock(
        regex=VALUE_PATTERN,
        error_messages={"invalid": _("Letters, digits, . _ and - only.")},
        label=_("stored value"),
        help_text=_("Never change once people have chosen it; conditions refer to it."),
    )
    label = blocks.CharBlock(label=_("label"), max_length=255)

    class Meta:
        icon = "list-ul"
        label = _("Option")


class SingleChoiceBlock(BaseFieldBlock):
    options = blocks.ListBlock(ChoiceOptionBlock(), label=_("options"), min_num=1)

    class Meta:
        icon = "radio-full"
        label = _("Single choice")
        preview_value = {
            "label": "ประเภทเรื่อง",
            "required": True,
            "options": [{"value": "road", "label": "ถนนชำรุด"}, {"value": "garbage", "label": "ขยะ"}],
        }


class MultipleChoiceBlock(SingleChoiceBlock):
    class Meta:
        icon = "tasks"
        label = _("Multiple choice")


class CheckboxBlock(BaseFieldBlock):
    class Meta:
        icon = "tick-inverse"
        label = _("Checkbox")
        preview_value = {"label": "ข้าพเจ้าขอรับรองว่าข้อมูลเป็นความจริง", "required": True}


class AddressBlock(BaseFieldBlock):
    class Meta:
        icon = "home"
        label = _("Thai address")
        preview_value = {"label": "ที่อยู่", "required": True}


FILE_TYPE_CHOICES = [
    ("image", _("Photos (JPEG, PNG, WebP, HEIC)")),
    ("pdf", _("PDF documents")),
]


class FileUploadBlock(BaseFieldBlock):
    allowed_types = blocks.MultipleChoiceBlock(
        choices=FILE_TYPE_CHOICES, default=["image", "pdf"], label=_("allowed file types")
    )
    max_size_mb = blocks.IntegerBlock(
        label=_("largest file (MB)"),
        default=5,
        min_value=1,
        max_value=10,
        help_text=_("Per file. Phones take 3–5 MB photos; at most 10."),
    )
    max_files = blocks.IntegerBlock(label=_("most files"), default=3, min_value=1, max_value=10)

    class Meta:
        icon = "doc-full-inverse"
        label = _("File upload")
        preview_value = {"label": "รูปถ่าย", "required": False, "max_size_mb": 5, "max_files": 3}


class MapLocationBlock(BaseFieldBlock):
    class Meta:
        icon = "site"
        label = _("Map location")
        preview_value = {"label": "ตำแหน่งที่เกิดเหตุ", "help_text": "แตะแผนที่ หรือพิมพ์สถานที่", "required": True}


class ConsentBlock(BaseFieldBlock):
    notice = blocks.RichTextBlock(
        label=_("privacy notice"),
        features=["bold", "link", "ul"],
        help_text=_("The PDPA notice: what is collected, why, how long it is kept, whom to contact."),
    )
    version = blocks.RegexBlock(
        regex=VALUE_PATTERN,
        error_messages={"invalid": _("Letters, digits, . _ and - only.")},
        label=_("notice version"),
        help_text=_("Stored with every answer, e.g. 2569-1. Change it whenever the notice changes."),
    )

    class Meta:
        icon = "lock"
        label = _("Consent (PDPA)")
        preview_value = {"label": "ยินยอมให้เก็บข้อมูล", "version": "2569-1", "required": True}


class InfoBlock(blocks.StructBlock):
    """Text between questions: no answer is stored."""

    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=255)
    body = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link", "ul", "ol"])
    condition = ConditionBlock(required=False)

    class Meta:
        icon = "info-circle"
        label = _("Information")
        template = "forms_builder/blocks/field_preview.html"
        preview_value = {"heading": "ก่อนเริ่ม", "body": "<p>เตรียมสำเนาบัตรประชาชน</p>"}


class FieldStreamBlock(blocks.StreamBlock):
    short_text = ShortTextBlock()
    long_text = LongTextBlock()
    number = NumberBlock()
    email = EmailFieldBlock()
    phone = PhoneBlock()
    national_id = NationalIdBlock()
    date = DateFieldBlock()
    single_choice = SingleChoiceBlock()
    multiple_choice = MultipleChoiceBlock()
    checkbox = CheckboxBlock()
    address = AddressBlock()
    file_upload = FileUploadBlock()
    map_location = MapLocationBlock()
    consent = ConsentBlock()
    info = InfoBlock()

    class Meta:
        label = _("Questions")


class StepBlock(blocks.StructBlock):
    """One screen of the form."""

    title = blocks.CharBlock(label=_("step title"), max_length=120, help_text=_("e.g. เรื่องที่แจ้ง"))
    intro = blocks.TextBlock(label=_("intro"), required=False, help_text=_("One or two sentences at the top."))
    condition = ConditionBlock(required=False)
    ends_form = blocks.BooleanBlock(
        label=_("this step ends the form"),
        required=False,
        help_text=_(
            "For a dead end, e.g. 'apply at the office instead': the step is shown without a "
            "Continue button and nothing can be submitted from it."
        ),
    )
    fields = FieldStreamBlock(label=_("questions"))

    class Meta:
        icon = "list-ol"
        label = _("Step")
        template = "forms_builder/blocks/step_preview.html"
        preview_value = {"title": "เรื่องที่แจ้ง", "intro": "บอกเราว่าเกิดอะไรขึ้น"}


key_validator = RegexValidator(KEY_PATTERN)
