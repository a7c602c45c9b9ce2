"""Admin URLs of the portal's security features: two-step sign-in setup, verification and backup
codes, and the account page's link to the backup codes."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail import hooks
from wagtail.admin.views.pages.bulk_actions import delete as page_delete
from wagtail.admin.views.pages.bulk_actions import move as page_move
from wagtail.admin.views.pages.bulk_actions import publish as page_publish
from wagtail.admin.views.pages.bulk_actions import unpublish as page_unpublish

from portal import office_admin, office_users, two_factor
from portal.offices import is_platform_admin


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("2fa/setup/", two_factor.setup, name="otp_setup"),
        path("2fa/verify/", two_factor.verify, name="otp_verify"),
        path("2fa/backup-codes/", two_factor.backup_codes, name="otp_backup_codes"),
    ]


@hooks.register("register_account_menu_item")
def backup_codes_menu_item(request):
    """Only for accounts with an authenticator: the codes stand in for it."""
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return None
    return {
        "url": reverse("otp_backup_codes"),
        "label": _("Backup codes"),
        "help_text": _("One-time codes for signing in when your phone is lost; make new ones here."),
    }


# -- Offices: what a person's admin shows (portal/office_admin.py, portal/office_users.py) --------


@hooks.register("construct_page_chooser_queryset")
def office_pages_in_chooser(pages, request):
    """The page chooser lists every page of the install to anyone: cut it to one's offices
    (browsing into another office's page is refused by office_admin.OfficePagesMiddleware)."""
    return office_admin.scope_pages(pages, request.user)


@hooks.register("construct_explorer_page_queryset")
def office_pages_in_explorer(parent_page, pages, request):
    """Another office's page itself is not found (office_admin.OfficePagesMiddleware); its
    children are not listed either way."""
    return office_admin.scope_pages(pages, request.user)


@hooks.register("before_move_page")
def office_pages_to_move(request, page, destination):
    """Wagtail's move confirmation checks nothing before showing the page: the person must be
    allowed to move it there (another office's pages are refused by OfficePagesMiddleware)."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        raise PermissionDenied


class OfficePagesOnly:
    """A bulk action on pages (delete, move, publish, unpublish) acts on, and lists, only the
    pages of one's offices: Wagtail would name the others as "no permission"."""

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        user = self.request.user
        return (
            [page for page in objects if office_admin.page_in_offices(user, page)],
            {
                **extra,
                "items_with_no_access": [
                    page for page in extra["items_with_no_access"] if office_admin.page_in_offices(user, page)
                ],
            },
        )


# Registered after Wagtail's own (order=100): a later registration of the same action wins.
@hooks.register("register_bulk_action", order=100)
class DeleteOfficePages(OfficePagesOnly, page_delete.DeleteBulkAction):
    pass


@hooks.register("register_bulk_action", order=100)
class MoveOfficePages(OfficePagesOnly, page_move.MoveBulkAction):
    pass


@hooks.register("register_bulk_action", order=100)
class PublishOfficePages(OfficePagesOnly, page_publish.PublishBulkAction):
    pass


@hooks.register("register_bulk_action", order=100)
class UnpublishOfficePages(OfficePagesOnly, page_unpublish.UnpublishBulkAction):
    pass


@hooks.register("construct_image_chooser_queryset")
def office_images_in_chooser(images, request):
    return office_admin.scope_collection_items(images, request.user)


@hooks.register("construct_document_chooser_queryset")
def office_documents_in_chooser(documents, request):
    return office_admin.scope_collection_items(documents, request.user)


@hooks.register("before_serve_document")
def private_documents_of_own_office(document, request):
    """A document in a private collection is served to its own office's staff only (and
    platform administrators): being signed in to another office is not enough."""
    user = request.user
    if not user.is_authenticated or not office_admin.document_is_private(document):
        return None
    ids = office_admin.collection_ids(user)
    if ids is not None and document.collection_id not in ids:
        raise PermissionDenied
    return None


@hooks.register("before_bulk_action")
def office_users_in_bulk_actions(request, action_type, objects, action):
    """Bulk actions on users (delete, deactivate, assign a group): only one's office's users,
    and only one's office's groups."""
    if get_user_model() not in getattr(action, "models", ()):
        return None
    user = request.user
    if office_users.administered_office_ids(user) is None:
        return None
    allowed = set(
        office_users.manageable_users(user).filter(pk__in=[o.pk for o in objects]).values_list("pk", flat=True)
    )
    if any(o.pk not in allowed for o in objects):
        raise PermissionDenied
    form = getattr(action, "cleaned_form", None)
    role = form.cleaned_data.get("role") if form is not None else None
    if role is not None and not office_users.manageable_groups(user).filter(pk=role.pk).exists():
        raise PermissionDenied
    return None


@hooks.register("construct_reports_menu")
def page_types_usage_for_the_platform(request, menu_items):
    """The page-types usage report counts every office's pages (office_admin.OfficePagesMiddleware)."""
    if not is_platform_admin(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]
