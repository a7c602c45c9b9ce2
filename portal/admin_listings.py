"""What the admin's read-only listings share: rows the code writes and staff only read (payments
to confirm, failed deliveries, the personal-data access log, monthly reports).

Each is a Wagtail `ModelViewSet` (filters, ordering, spreadsheet export, menu) whose permission
policy allows "view" to whom the area decides and nothing else, even to a superuser: nobody types
in a payment, an outbox row, an access record or a report. Cells that need markup (a link, a
Buddhist-Era date, a form) are drawn by small templates.
"""

from django.contrib.auth.models import Permission
from django.middleware.csrf import get_token
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy


class ViewOnlyPolicy(ModelPermissionPolicy):
    """ "view" for users `can_view(user)` accepts; add, change and delete for nobody.

    The answer is kept on the user object for the request, because the menu and the listing
    both ask and `can_view` may cost a query.
    """

    def __init__(self, model, can_view):
        super().__init__(model)
        self.can_view = can_view
        self.cache_attribute = f"_can_view_{model._meta.label_lower.replace('.', '_')}"

    def user_has_permission(self, user, action):
        if action != "view" or not (user.is_authenticated and user.is_active):
            return False
        if not hasattr(user, self.cache_attribute):
            setattr(user, self.cache_attribute, bool(self.can_view(user)))
        return getattr(user, self.cache_attribute)


def view_only(model, can_view):
    """Register (Wagtail 8 asks its registry, not the viewset) and return `model`'s view-only policy."""
    policy = ViewOnlyPolicy(model, can_view)
    register_permission_policy(model, policy, exact_class=True)
    return policy


class ViewOnlyViewSet(ModelViewSet):
    """A listing of rows nobody edits by hand (see ViewOnlyPolicy)."""

    exclude_form_fields = []  # ModelViewSet needs a form even when the policy never shows it
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50

    def get_permissions_to_register(self):
        return Permission.objects.none()  # nothing to grant on the group editor: the policy decides


class TemplateColumn(Column):
    """A cell drawn by `<folder>/<name>.html`, with the row in the context as `object_name` (and a
    CSRF token when the cell holds a form, such as confirm, reject or resend)."""

    def __init__(self, name, label, *, folder, object_name="row", with_form=False, **kwargs):
        super().__init__(name, label=label, accessor=lambda row: row, **kwargs)
        self.cell_template_name = f"{folder}/{name}.html"
        self.object_name = object_name
        self.with_form = with_form

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context[self.object_name] = instance
        if self.with_form:
            context["csrf_token"] = get_token(context["request"])
        return context
