"""The volunteer's edit form in the admin: the office's choices only (the kernel's
`OfficeAdminForm` narrows the office and the community), an account only among the volunteers of
those offices, and the phone checked as residents' phones are (Thai and full-width digits are
digits; letters are refused next to the field)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from forms_builder.fields import ThaiPhoneField
from portal.models import StaffRole
from portal.office_viewsets import OfficeAdminForm
from portal.offices import office_ids


def volunteer_accounts(ids):
    """Accounts in a volunteers' group of the offices `ids` (None: every office)."""
    users = get_user_model().objects.filter(groups__office_role__role=StaffRole.VOLUNTEER)
    if ids is not None:
        users = users.filter(groups__office_role__site_id__in=sorted(ids))
    return users.distinct().order_by("first_name", "last_name", "username")


def account_label(user):
    """How an account is named in the choice: the person's name and user name."""
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


class VolunteerForm(OfficeAdminForm):
    phone = ThaiPhoneField(
        label=_("phone"),
        required=True,
        help_text=_("The number residents call, shown on the website. Thai digits are fine."),
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        account = self.fields.get("user")
        if account is not None and for_user is not None:
            account.queryset = volunteer_accounts(office_ids(for_user))
            account.label_from_instance = account_label

    def clean(self):
        cleaned = super().clean()
        site, user = cleaned.get("site"), cleaned.get("user")
        if site is not None and user is not None and not volunteer_accounts({site.pk}).filter(pk=user.pk).exists():
            self.add_error("user", _("Choose an account in this office's volunteers group."))
        return cleaned
