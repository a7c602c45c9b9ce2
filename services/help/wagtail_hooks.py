"""The staff handbook in the Wagtail admin's Help menu, next to Wagtail's own editor guide."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from services.help import views


@hooks.register("register_admin_urls")
def handbook_urls():
    return [path("handbook/", views.staff_handbook, name="staff_handbook")]


@hooks.register("register_help_menu_item")
def handbook_menu_item():
    return MenuItem(_("Staff handbook"), reverse("staff_handbook"), icon_name="help", order=900, name="staff-handbook")
