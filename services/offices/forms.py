"""The platform administrator's form for a new office. The checks themselves are create_office's
(services/offices/going_live.py), so the command and the form say the same things."""

from django import forms
from django.utils.translation import gettext_lazy as _


class OfficeForm(forms.Form):
    name = forms.CharField(
        label=_("Office name (Thai)"),
        max_length=500,
        help_text=_("As on the office's letterhead, e.g. องค์การบริหารส่วนตำบลหนองบัว"),
        error_messages={"required": _("Enter the office's name.")},
    )
    name_en = forms.CharField(label=_("Office name (English)"), max_length=500, required=False)
    host = forms.CharField(
        label=_("Host name"),
        max_length=300,
        help_text=_("The address residents type, without http://, e.g. nongbua.go.th"),
        error_messages={"required": _("Enter the host name residents will type.")},
    )
    port = forms.CharField(
        label=_("Port"),
        max_length=20,
        initial="80",
        help_text=_("80 when the site is served behind the web server (the usual case)."),
        error_messages={"required": _("Enter a port number from 1 to 65535 (80 behind a web server).")},
    )
    prefix = forms.CharField(
        label=_("Reference prefix"),
        max_length=50,
        help_text=_("2–6 Latin letters starting every request's reference, e.g. NBA gives NBA-69-7KQ2M-4."),
        error_messages={"required": _("Use 2 to 6 Latin letters (A–Z) for the reference prefix, e.g. NBA.")},
    )
    province = forms.CharField(
        label=_("Province"), max_length=200, required=False, help_text=_("In Thai, e.g. เชียงใหม่")
    )
