from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    """Going live: a new office (site, page tree, settings, groups) in one command or one admin
    form, the platform administrators' list of offices, and the demo's second office."""

    name = "services.offices"
    label = "offices"
    verbose_name = _("Offices")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here, not at the top: the receivers use Wagtail's and the rooms' models, which
        # Django loads only after every app's config (this is one).
        from django.contrib.auth import get_user_model
        from wagtail.models import Site

        from services.models import Department
        from services.offices import signals

        m2m_changed.connect(
            signals.officer_groups_changed,
            sender=get_user_model().groups.through,
            dispatch_uid="offices_officer_group_is_department_queue",
        )
        post_save.connect(
            signals.department_created,
            sender=Department,
            dispatch_uid="offices_department_gets_officer_group",
        )
        pre_delete.connect(
            signals.refuse_deleting_office_with_cases,
            sender=Site,
            dispatch_uid="offices_site_with_cases_is_archived",
        )
