"""StreamField blocks of the home room."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

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
