"""A new office goes live: one call makes everything an office needs to open its site.

`create_office` checks what was typed, then, in one transaction (nothing is left half-made when
any step fails), makes: the Thai home page and its English translation at the top of the page
tree, the Wagtail Site for the host name, the Office row (province), the starter catalogue
(`portal.starter.load_starter`: departments, categories, guides and their e-forms), the default
settings (office name, reference prefix and default department, payments without a PromptPay ID,
notifications, retention), a collection for the office's images and documents, the staff groups
(office administrators, editors, moderators, volunteers and one officer group per department)
with their Wagtail permissions on the office's pages and collection only; the starter's editorial
workflow is then approved by the office's own moderators.

What cannot be made up (the PromptPay ID, the logo, contacts, the people) is listed by
`todo_list(site)`; the command and the admin form show it.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
)

from home import search
from home.models import HomePage, OfficeSettings
from portal import starter
from portal.i18n import ascii_digits
from portal.models import Office, StaffGroup, StaffRole
from portal.typed_text import CONTROL_MESSAGE, has_control_characters, is_blank, trim
from services.cases.models import CaseSettings
from services.models import Department
from services.notifications.models import NotificationSettings
from services.offices.models import DepartmentGroup
from services.payments.models import PaymentSettings
from services.privacy.models import PrivacySettings

NAME_MAX = 120  # leaves room in auth group names (150) for ": office administrators"
PROVINCE_MAX = 60
PREFIX = re.compile(r"^[A-Z]{2,6}$")
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
DEFAULT_DEPARTMENT_CODES = ("clerk", "admin", "general")  # the starter's front office, if it has one

# Group of each role, by the words after "<office name>: ". Officers get one group per department.
ROLE_GROUPS = [
    (StaffRole.OFFICE_ADMIN, "office administrators"),
    (StaffRole.EDITOR, "editors"),
    (StaffRole.MODERATOR, "moderators"),
    (StaffRole.VOLUNTEER, "volunteers"),
]
OFFICER_GROUP = "officers – {department}"

# Page permissions as Wagtail's own Editors and Moderators groups have them (wagtailcore 0002);
# office administrators may also delete pages.
PAGE_PERMISSIONS = {
    StaffRole.OFFICE_ADMIN: ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"],
    StaffRole.EDITOR: ["add_page", "change_page"],
    StaffRole.MODERATOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
# Images and documents in the office's collection.
EDIT_FILES = ["add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document"]
COLLECTION_PERMISSIONS = {
    StaffRole.OFFICE_ADMIN: [*EDIT_FILES, "delete_image", "delete_document"],
    StaffRole.EDITOR: EDIT_FILES,
    StaffRole.MODERATOR: [*EDIT_FILES, "delete_image", "delete_document"],
    StaffRole.OFFICER: ["choose_image", "choose_document"],
}
# Model permissions ("app_label.codename"). Snippets and settings are per office: the isolation
# work scopes their listings to the staff member's offices; the permission only opens the screen.
OFFICE_SNIPPETS = [
    "services.department",
    "services.servicecategory",
    "cases.replytemplate",
    "cases.officeclosure",
    "notifications.notificationtemplate",
    "payments.household",
    "privacy.retentionrule",
    # Communities and the rules sending requests to departments: how the office is organised,
    # so its administrators' (not editors', who write pages, nor officers', who work the queue).
    "areas.area",
    "areas.routingrule",
    # The outside agencies officers refer cases to (issue 21): who the office works with, kept by
    # its administrators; officers choose among them on the refer screen, which needs no
    # permission beyond acting on the case.
    "agencies.agency",
    # The volunteers named in the help box (issue 22): people of the office's communities who
    # agreed to be shown, and the record of that consent, kept by its administrators.
    "portal_help.volunteer",
]
OFFICE_SETTINGS = [
    "home.change_officesettings",
    "cases.change_casesettings",
    "payments.change_paymentsettings",
    "notifications.change_notificationsettings",
    "privacy.change_privacysettings",
]


def _crud(label, actions=("add", "change", "delete", "view")):
    app, model = label.split(".")
    return [f"{app}.{action}_{model}" for action in actions]


# The newer areas. Issued documents: editors write the document and letter templates (issue 20:
# "editors define document templates per service"); the registers of numbers are read by the
# administrators and by officers, who issue from the cases they work (issuing itself needs no
# permission of its own: whoever may act on a case may issue on it). Queue booking: officers run
# the counters' queue (day list, arrived / served / no-show, walk-in tickets); the counters,
# the services booked by visit and the hours are the administrators'. Local taxes: the tax
# accounts, the import and confirming tax slips (payments lists tax invoices to whoever may see
# tax accounts) are the administrators' and the finance division's, as household fees are.
DOCUMENT_TEMPLATES = [*_crud("documents.documenttemplate"), *_crud("documents.lettertemplate")]
DOCUMENT_REGISTERS = ["documents.view_documentregister"]
RUN_QUEUE = ["booking.manage_queue"]
TAX_WORK = [*_crud("taxes.taxaccount", ("change", "view")), "taxes.import_assessments"]
AREA_SNIPPETS = ["booking.counter", "booking.bookableservice", "taxes.taxaccount"]
AREA_SETTINGS = [
    "documents.change_signingsettings",
    "booking.change_bookingsettings",
    "taxes.change_taxsettings",
]
# Officer groups of a department with this code (the starter's กองคลัง) get these as well.
DEPARTMENT_PERMISSIONS = {"finance": TAX_WORK}

MODEL_PERMISSIONS = {
    StaffRole.OFFICE_ADMIN: [
        "wagtailadmin.access_admin",
        "wagtail_localize.submit_translation",
        "cases.view_all_cases",
        "reporting.view_monthlyreport",
        *DOCUMENT_TEMPLATES,
        *DOCUMENT_REGISTERS,
        *RUN_QUEUE,
        "taxes.import_assessments",
        *AREA_SETTINGS,
        *(permission for label in AREA_SNIPPETS for permission in _crud(label)),
        # Their own office's people and groups only: portal/office_users.py scopes Wagtail's users
        # and groups admin to the office, so these open the screens, not the whole install.
        *(f"auth.{action}_{model}" for model in ("user", "group") for action in ("add", "change", "delete", "view")),
        *OFFICE_SETTINGS,
        *(
            f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
            for label in OFFICE_SNIPPETS
            for action in ("add", "change", "delete", "view")
        ),
    ],
    StaffRole.EDITOR: ["wagtailadmin.access_admin", "wagtail_localize.submit_translation", *DOCUMENT_TEMPLATES],
    StaffRole.MODERATOR: ["wagtailadmin.access_admin", "wagtail_localize.submit_translation"],
    StaffRole.OFFICER: ["wagtailadmin.access_admin", "cases.view_replytemplate", *DOCUMENT_REGISTERS, *RUN_QUEUE],
    StaffRole.VOLUNTEER: [],  # volunteers file requests on the public forms; they do not use the admin
}


def _problem(field, message):
    return ValidationError({field: [message]})


def clean_name(value, field="name", required=True, limit=NAME_MAX):
    """Typed text with no invisible edges and single spaces inside; blank when nothing is visible."""
    value = " ".join(trim(unicodedata.normalize("NFC", value or "")).split())
    if has_control_characters(value):
        raise _problem(field, CONTROL_MESSAGE[False])
    if required and is_blank(value):
        raise _problem(field, _("Enter the office's name: spaces or invisible characters alone are not a name."))
    if len(value) > limit:
        raise _problem(field, _("Use at most %(limit)d characters.") % {"limit": limit})
    return value


def clean_host(value):
    """A host name in lower case, as Wagtail matches it (Thai domain names become their xn-- form)."""
    value = trim(unicodedata.normalize("NFKC", value or "")).lower()
    if "://" in value:
        value = urlsplit(value).hostname or ""
    value = value.rstrip("/").rstrip(".")
    message = _("Enter a host name such as nongbua.go.th: letters, digits and hyphens in parts separated by dots.")
    if not value:
        raise _problem("host", message)
    try:
        value = value.encode("idna").decode("ascii")
    except UnicodeError:
        raise _problem("host", message) from None
    if len(value) > 253 or not all(HOST_LABEL.match(label) for label in value.split(".")):
        raise _problem("host", message)
    taken = Site.objects.filter(hostname__iexact=value).first()
    if taken is not None:
        raise _problem(
            "host",
            _("The host name %(host)s is already used by %(office)s.")
            % {"host": value, "office": taken.site_name or taken.hostname},
        )
    return value


def clean_prefix(value):
    """2-6 Latin letters, upper case, used by no other office of this install."""
    value = trim(ascii_digits(value or "")).upper()
    if not PREFIX.match(value):
        raise _problem("prefix", _("Use 2 to 6 Latin letters (A–Z) for the reference prefix, e.g. NBA."))
    taken = CaseSettings.objects.filter(reference_prefix__iexact=value).select_related("site").first()
    if taken is not None:
        raise _problem(
            "prefix",
            _("The reference prefix %(prefix)s is already used by %(office)s: each office needs its own.")
            % {"prefix": value, "office": taken.site.site_name or taken.site.hostname},
        )
    return value


def clean_port(value):
    """A port number; Thai and full-width digits are digits."""
    try:
        port = int(trim(ascii_digits(str(value))))
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535:
        raise _problem("port", _("Enter a port number from 1 to 65535 (80 behind a web server)."))
    return port


def clean_office(name, host, prefix, *, name_en="", province="", port=80):
    """The typed values, cleaned; every problem at once, by field (a ValidationError's dict)."""
    cleaned, errors = {}, {}
    steps = [
        ("name", lambda: clean_name(name)),
        ("name_en", lambda: clean_name(name_en, field="name_en", required=False)),
        ("host", lambda: clean_host(host)),
        ("port", lambda: clean_port(port)),
        ("prefix", lambda: clean_prefix(prefix)),
        ("province", lambda: clean_name(province, field="province", required=False, limit=PROVINCE_MAX)),
    ]
    for field, step in steps:
        try:
            cleaned[field] = step()
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


class _Quiet:
    def write(self, text):
        pass


def create_office(name, host, prefix, *, name_en="", province="", port=80, out=None):
    """Make a new office and return its Site. Raises ValidationError (a dict by field: name,
    name_en, host, port, prefix, province) and changes nothing when the input is wrong; any other
    failure on the way also leaves nothing behind (one transaction)."""
    out = out or _Quiet()
    values = clean_office(name, host, prefix, name_en=name_en, province=province, port=port)
    # Wagtail's admin search index and reference index of the new pages and rows: one task after
    # the commit (a new office has no editors searching yet), not some 800 queries in here.
    with transaction.atomic(), starter.wagtail_tasks_after_commit():
        site = _build(values, out)
    out.write("Left to do:\n")
    for line in todo_list(site):
        out.write(f"  - {line}\n")
    return site


def _build(values, out):
    name, name_en, host = values["name"], values["name_en"], values["host"]
    thai = Locale.objects.get(language_code="th")
    english = Locale.objects.get(language_code="en")

    root = Page.get_first_root_node()
    slug = _free_slug(root, slugify(host) or "office")
    home = root.add_child(instance=HomePage(title=name, draft_title=name, slug=slug, locale=thai, live=True))
    home_en = home.copy_for_translation(english).specific
    # Its slug is the one Wagtail's copy chose (free, with "-en"): changing it here made Wagtail
    # look for redirects to create for the whole new tree on commit (a tenth of going live).
    home_en.title = home_en.draft_title = name_en or name
    home_en.save_revision().publish()
    homes = [home, home_en]

    site = Site.objects.create(hostname=host, port=values["port"], root_page=home, site_name=name)
    office, _created = Office.objects.get_or_create(site=site)  # made by the post_save receiver
    office.province = values["province"]
    office.save(update_fields=["province"])
    site.office = office
    OfficeSettings.objects.update_or_create(site=site, defaults={"name": name, "name_en": name_en})
    out.write(f"Office {name} at {host}: site and home pages (th, en)\n")

    collection = _collection(name, host)
    # Groups before the starter: its editorial workflow is approved by the office's moderators.
    groups = _role_groups(site, name, host, homes, collection)
    with search.indexed_after_commit():
        starter.load_starter(site, out)
    officers = [ensure_officer_group(department) for department in Department.objects.filter(site=site)]

    cases = CaseSettings.for_site(site)
    cases.reference_prefix = values["prefix"]
    cases.default_department = _default_department(site)
    cases.save()
    payments = PaymentSettings.for_site(site)
    payments.promptpay_id = ""  # the office's own, typed by its administrator: never a made-up one
    payments.payee_name = name
    payments.save()
    NotificationSettings.for_site(site)
    PrivacySettings.for_site(site)

    out.write(f"  settings, collection '{collection.name}', {len(groups) + len(officers)} groups\n")
    return site


def _free_slug(parent, slug):
    """`slug`, or `slug-2`, `slug-3`…: siblings at the top of the tree need different slugs."""
    slug = slug[:240]
    taken = set(parent.get_children().filter(slug__startswith=slug).values_list("slug", flat=True))
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def _collection(name, host):
    root = Collection.get_first_root_node()
    label = name if not root.get_children().filter(name=name).exists() else f"{name} ({host})"
    return root.add_child(name=label)


def _group_prefix(site):
    """ "<office name>: " for the office's groups, with the host added when another office has the
    same name (Thailand has many a ตำบลหนองบัว)."""
    name = site.site_name
    if Group.objects.filter(name__startswith=f"{name}: ").exclude(office_role__site=site).exists():
        name = f"{name} ({site.hostname})"
    return name


def _permissions(labels):
    """Permission rows for "app_label.codename" labels, in their order. `labels` is read twice:
    a generator (the page permissions) would be empty the second time, granting nothing."""
    labels = list(labels)
    wanted = [label.split(".", 1) for label in labels]
    found = Permission.objects.filter(
        content_type__app_label__in={app for app, _codename in wanted}, codename__in={c for _app, c in wanted}
    ).select_related("content_type")
    by_label = {f"{p.content_type.app_label}.{p.codename}": p for p in found}
    return [by_label[label] for label in labels if label in by_label]


def _grant(group, role, homes, collection, extra=()):
    group.permissions.set(_permissions([*MODEL_PERMISSIONS.get(role, []), *extra]))
    page_perms = _permissions(f"wagtailcore.{codename}" for codename in PAGE_PERMISSIONS.get(role, []))
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(group=group, page=page, permission=perm) for page in homes for perm in page_perms
    )
    image_perms = [f"wagtailimages.{c}" for c in COLLECTION_PERMISSIONS.get(role, []) if c.endswith("_image")]
    document_perms = [f"wagtaildocs.{c}" for c in COLLECTION_PERMISSIONS.get(role, []) if c.endswith("_document")]
    GroupCollectionPermission.objects.bulk_create(
        GroupCollectionPermission(group=group, collection=collection, permission=perm)
        for perm in _permissions([*image_perms, *document_perms])
    )


def _role_groups(site, name, host, homes, collection):
    prefix = _group_prefix(site)
    groups = {}
    for role, words in ROLE_GROUPS:
        group = Group.objects.create(name=f"{prefix}: {words}"[:150])
        StaffGroup.objects.create(group=group, site=site, role=role)
        _grant(group, role, homes, collection)
        groups[role] = group
    return groups


def ensure_officer_group(department):
    """The officer group of `department` (made once): its members work the department's queue.
    Called for every department when an office is created, and when an office that went live
    this way adds a department."""
    link = DepartmentGroup.objects.filter(department=department).select_related("group").first()
    if link is not None:
        return link.group
    site = department.site
    label = OFFICER_GROUP.format(department=department.name)
    name = f"{_group_prefix(site)}: {label}"[:150]
    if Group.objects.filter(name=name).exists():
        name = f"{name[:140]} ({department.pk})"
    group = Group.objects.create(name=name)
    StaffGroup.objects.create(group=group, site=site, role=StaffRole.OFFICER)
    DepartmentGroup.objects.create(group=group, department=department)
    collection = Collection.objects.filter(depth=2, name__in=[site.site_name, f"{site.site_name} ({site.hostname})"])
    homes = [site.root_page, *site.root_page.get_translations()]
    _grant(
        group,
        StaffRole.OFFICER,
        homes,
        collection.first() or Collection.get_first_root_node(),
        extra=DEPARTMENT_PERMISSIONS.get(department.code, ()),
    )
    return group


def _default_department(site):
    departments = Department.objects.filter(site=site)
    for code in DEFAULT_DEPARTMENT_CODES:
        found = departments.filter(code=code).first()
        if found is not None:
            return found
    return departments.order_by("pk").first()


def todo_list(site):
    """What the platform administrator or the office still has to do before residents use the site."""
    office = OfficeSettings.objects.filter(site=site).first()
    payments = PaymentSettings.objects.filter(site=site).first()
    todo = []
    if payments is None or not payments.promptpay_id:
        todo.append(_("PromptPay ID: the office's 13-digit tax ID or biller ID (Settings → Payment settings)."))
    if office is None or not office.logo_id:
        todo.append(_("Logo: a square image of at least 128 × 128 pixels (Settings → Office details)."))
    if office is None or not (office.phone or office.email):
        todo.append(_("Contacts: phone, e-mail, opening hours, LINE (Settings → Office details)."))
    if office is None or not office.address:
        todo.append(_("Address, in Thai and English (Settings → Office details)."))
    if not site.staff_groups.filter(role=StaffRole.OFFICE_ADMIN, group__user__isnull=False).exists():
        todo.append(
            _("Staff: add the office administrators' accounts to “%(group)s”.")
            % {
                "group": site.staff_groups.filter(role=StaffRole.OFFICE_ADMIN)
                .values_list("group__name", flat=True)
                .first()
                or _("office administrators")
            }
        )
    todo.append(_("Department heads and officers: put each officer in their department's officer group."))
    todo.append(
        _("DNS and TLS: point %(host)s at this server and add it to the web server's certificate and ALLOWED_HOSTS.")
        % {"host": site.hostname}
    )
    return todo


def remove_office(site):
    """Undo a going-live made by mistake: the site, its page trees, groups, workflow and (empty)
    collection. Refused with ProtectedError when the office holds residents' requests: such an
    office is archived instead (see signals.refuse_deleting_office_with_cases)."""
    with transaction.atomic():
        homes = [site.root_page, *site.root_page.get_translations()]
        workflows = list(Workflow.objects.filter(workflow_pages__page__in=homes).distinct())
        groups = Group.objects.filter(office_role__site=site)
        collection = Collection.objects.filter(
            depth=2, name__in=[site.site_name, f"{site.site_name} ({site.hostname})"]
        )
        collection = collection.first()
        site.delete()
        groups.delete()
        for page in homes:
            page.specific.delete()
        for workflow in workflows:
            tasks = [task.specific for task in workflow.tasks.all()]
            workflow.delete()
            for task in tasks:
                if not task.workflow_tasks.exists():
                    task.delete()
        if collection is not None and not _holds_files(collection):
            collection.delete()


def _holds_files(collection):
    return (
        get_image_model().objects.filter(collection=collection).exists()
        or get_document_model().objects.filter(collection=collection).exists()
    )
