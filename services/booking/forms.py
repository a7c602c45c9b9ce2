"""The resident's booking forms: a slot of the chosen day, a name and a phone.

The slot is a radio list of the day's slots, but what comes back is checked against the
calendar itself, not the list: a slot that has passed, a closed day or a made-up time gets its
own message next to the field, and everything else typed is kept.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from forms_builder.fields import ThaiPhoneField
from portal.templatetags.portal_tags import thaidate
from portal.typed_text import TypedTextField
from services.booking.slots import parse_slot

CLOSED_MESSAGES = {
    "weekday": _("The counters are closed on that day. Choose another day."),
    "holiday": _("That day is a public holiday and the office is closed. Choose another day."),
    "closure": _("The office is closed on that day. Choose another day."),
}
PAST_MESSAGE = _("That time has already passed. Choose a later slot.")
OUTSIDE_MESSAGE = _("That time cannot be booked. Choose one of the slots shown.")
FULL_MESSAGE = _("Sorry, that slot has just been taken. Choose another: the next free slots are listed below.")


def slot_label(slot):
    if slot.free:
        return _("%(time)s (%(count)s places left)") % {"time": f"{slot.start:%H:%M}", "count": slot.free}
    return _("%(time)s (full)") % {"time": f"{slot.start:%H:%M}"}


class SlotForm(forms.Form):
    """A slot: used alone to move a booking, and as the first part of the booking form."""

    slot = forms.CharField(label=_("Time"), widget=forms.RadioSelect, error_messages={"required": _("Choose a time.")})

    def __init__(self, *args, calendar, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar = calendar
        self.fields["slot"].widget.choices = [(slot.value, slot_label(slot)) for slot in slots]

    def clean_slot(self):
        parsed = parse_slot(self.cleaned_data["slot"])
        if parsed is None:
            raise forms.ValidationError(OUTSIDE_MESSAGE, code="invalid")
        day, start = parsed
        calendar = self.calendar
        if calendar.is_past(day, start):
            raise forms.ValidationError(PAST_MESSAGE, code="past")
        reason = calendar.closed_reason(day)
        if reason:
            raise forms.ValidationError(CLOSED_MESSAGES[reason], code="closed")
        if not calendar.is_bookable_time(day, start):
            if day > calendar.last_day:
                raise forms.ValidationError(
                    _("Bookings open %(days)s days ahead, up to %(day)s.")
                    % {"days": calendar.settings.days_ahead, "day": thaidate(calendar.last_day, "long")},
                    code="closed",
                )
            raise forms.ValidationError(OUTSIDE_MESSAGE, code="invalid")
        return parsed


class BookingForm(SlotForm):
    name = TypedTextField(label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = ThaiPhoneField(
        label=_("Phone"),
        required=True,
        help_text=_("We send a reminder the day before by SMS to a mobile number. Thai digits are fine."),
    )
    email = forms.EmailField(
        label=_("E-mail (if you prefer the reminder by e-mail)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
