"""StreamField blocks of the home room."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

ICON_CHOICES = [
    ("megaphone", _("Complaint / megaphone")),
    ("building", _("Building")),
    ("shop", _("Shop")),
    ("bulb", _("Streetlight")),
    ("elderly", _("Elderly and welfare")),
    ("trash", _("Garbage and environment")),
    ("water", _("Water")),
    ("money", _("Taxes and fees")),
    ("document", _("Document")),
    ("calendar", _("Appointment")),
]


class ServiceTileBlock(blocks.StructBlock):
    """A large, tappable tile on the home page leading to one service."""

    page = blocks.PageChooserBlock(label=_("page"), help_text=_("The guide or form this tile opens."))
    title = blocks.CharBlock(label=_("title"), max_length=60, help_text=_("Short: two to four words."))
    icon = blocks.ChoiceBlock(choices=ICON_CHOICES, default="document", label=_("icon"))

    class Meta:
        icon = "grip"
        template = "home/blocks/service_tile.html"
        label = _("Service tile")
        preview_value = {"title": "แจ้งเรื่องร้องเรียน", "icon": "megaphone"}


class ParagraphBlock(blocks.RichTextBlock):
    """Body text with the few formats a news writer needs; no colours or fonts to keep pages readable."""

    def __init__(self, **kwargs):
        kwargs.setdefault("features", ["bold", "italic", "link", "document-link", "ol", "ul"])
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "home/blocks/paragraph.html"
        preview_value = "<p>เทศบาลขอประชาสัมพันธ์ให้ประชาชนทราบโดยทั่วกัน</p>"


class HeadingBlock(blocks.CharBlock):
    """A section heading inside a page body (rendered as h2 so the outline stays correct)."""

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "home/blocks/heading.html"
        preview_value = "รายละเอียด"


class CaptionedImageBlock(blocks.StructBlock):
    """A picture with the alternative text blind readers hear and an optional caption."""

    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(
        label=_("alternative text"),
        max_length=200,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), max_length=200, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "home/blocks/captioned_image.html"


class AttachmentBlock(blocks.StructBlock):
    """A file attached to a news item or page (terms of reference, price tables, results)."""

    document = DocumentChooserBlock(label=_("document"), help_text=_("Upload or choose a document."))
    caption = blocks.CharBlock(
        label=_("caption"), max_length=200, required=False, help_text=_("Optional: what is in the file.")
    )

    class Meta:
        icon = "doc-full"
        label = _("Attachment")
        template = "home/blocks/attachment.html"


class PersonBlock(blocks.StructBlock):
    """An executive or contact person on a standard page (the executives page lists these)."""

    name = blocks.CharBlock(label=_("name"), max_length=120, help_text=_("Full name with title, e.g. นายสมศักดิ์ ใจดี"))
    position = blocks.CharBlock(label=_("position"), max_length=160, help_text=_("e.g. นายกเทศมนตรี"))
    photo = ImageChooserBlock(label=_("photo"), required=False)
    phone = blocks.CharBlock(label=_("phone"), max_length=50, required=False)

    class Meta:
        icon = "user"
        label = _("Person")
        template = "home/blocks/person.html"
        preview_value = {"name": "นายสมศักดิ์ ใจดี", "position": "นายกเทศมนตรี"}


class ContactBlock(blocks.StructBlock):
    """How to reach one unit of the office (contacts page)."""

    unit = blocks.CharBlock(label=_("unit"), max_length=160, help_text=_("e.g. กองช่าง"))
    phone = blocks.CharBlock(label=_("phone"), max_length=50, required=False)
    email = blocks.EmailBlock(label=_("email"), required=False)
    note = blocks.CharBlock(label=_("note"), max_length=200, required=False, help_text=_("e.g. ชั้น 2 อาคารสำนักงาน"))

    class Meta:
        icon = "mail"
        label = _("Contact")
        template = "home/blocks/contact.html"
        preview_value = {"unit": "กองช่าง", "phone": "0 5312 3456 ต่อ 12"}


def body_blocks():
    """The blocks of a news or standard page body, in one place so both stay alike."""
    return [
        ("heading", HeadingBlock()),
        ("paragraph", ParagraphBlock()),
        ("image", CaptionedImageBlock()),
        ("person", PersonBlock()),
        ("contact", ContactBlock()),
    ]
