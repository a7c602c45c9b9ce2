"""Issue 15: cases, payments, notifications, privacy, reporting and Open311 left the services app
for apps of their own. An office upgrading from the old layout must find every row where it was,
and every permission it granted to a group still granted, under the new app's name.

The test walks the real migrations: back to the last migration of the old layout (services 0011,
before any area app existed), writes rows the way that code did (historical models, content types
labelled "services", grants to a group), then migrates forward as `manage.py migrate` would.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps as current_apps
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

OLD_LAYOUT = [("services", "0011_servicepage_pay_online_url")]
MOVED = {
    "cases": ["case", "caseevent", "casesettings", "officeclosure", "replytemplate"],
    "payments": ["paymentsettings", "household", "invoice", "payment", "receiptcounter", "monthlycharge"],
    "notifications": ["notificationtemplate", "notificationsettings", "notification"],
    "privacy": ["privacysettings", "retentionrule", "personaldataaccess", "datasubjectrequest", "anonymisation"],
    "reporting": ["monthlyreport", "pageviewcount"],
    "open311": ["open311key"],
}


def migrate(targets):
    """Migrate the test database to `targets`; the historical apps as they are there."""
    executor = MigrationExecutor(connection)
    # migrate() hands back the state it reached: rendering it again would double the cost.
    return executor.migrate(targets).apps


def latest_targets():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_content_types(old_apps):
    """What the old code's post_migrate had made: a content type and the four permissions per model."""
    content_type = old_apps.get_model("contenttypes", "ContentType")
    permission = old_apps.get_model("auth", "Permission")
    for models in MOVED.values():
        for model in models:
            ct, _ = content_type.objects.get_or_create(app_label="services", model=model)
            for action in ("add", "change", "delete", "view"):
                permission.objects.get_or_create(
                    content_type=ct, codename=f"{action}_{model}", defaults={"name": f"Can {action} {model}"}
                )
    case_ct = content_type.objects.get(app_label="services", model="case")
    permission.objects.get_or_create(
        content_type=case_ct, codename="view_all_cases", defaults={"name": "Can see every department's cases"}
    )


@pytest.mark.django_db(transaction=True)
def test_the_old_layouts_rows_and_grants_survive_the_move():
    old = migrate(OLD_LAYOUT)
    old_content_types(old)
    site = old.get_model("wagtailcore", "Site").objects.get(is_default_site=True)
    department = old.get_model("services", "Department").objects.create(site_id=site.pk, name="กองช่าง", code="eng")
    submission = old.get_model("forms_builder", "Submission").objects.create(
        form_title="แจ้งซ่อมไฟฟ้าสาธารณะ", reference="BSR-69-AB123-4", contact_name="สมศรี มีสุข"
    )
    case = old.get_model("services", "Case").objects.create(
        site_id=site.pk,
        submission_id=submission.pk,
        reference="BSR-69-AB123-4",
        service_title="แจ้งซ่อมไฟฟ้าสาธารณะ",
        department_id=department.pk,
        due_date=datetime.date(2026, 12, 4),
    )
    event = old.get_model("services", "CaseEvent").objects.create(case_id=case.pk, kind="created", message="รับเรื่อง")
    invoice = old.get_model("services", "Invoice").objects.create(
        site_id=site.pk, case_id=case.pk, number="INV-69-0001", amount=Decimal("200.00"), description="ค่าธรรมเนียม"
    )
    old.get_model("services", "Notification").objects.create(
        case_id=case.pk,
        case_event_id=event.pk,
        event="received",
        channel="email",
        recipient="somsri@example.com",
        body="เรียน คุณสมศรี",
        idempotency_key="received:1:email",
    )
    old.get_model("services", "MonthlyReport").objects.create(site_id=site.pk, month=datetime.date(2026, 10, 1))
    old.get_model("services", "Open311Key").objects.create(name="LINE OA", prefix="abcd1234", key_hash="0" * 64)
    permission = old.get_model("auth", "Permission")
    officers = old.get_model("auth", "Group").objects.create(name="Officers of the old layout")
    officers.permissions.add(
        *permission.objects.filter(
            content_type__app_label="services",
            codename__in=["view_case", "change_case", "view_all_cases", "view_invoice", "view_notification"],
        )
    )
    old_ids = {
        (app, model): ContentType.objects.get(app_label="services", model=model).pk
        for app, models in MOVED.items()
        for model in models
    }

    migrate(latest_targets())

    # Every moved model's content type is the same row, now under its area's label.
    for (app, model), pk in old_ids.items():
        assert ContentType.objects.get(pk=pk).app_label == app, model
    assert not ContentType.objects.filter(app_label="services", model__in=[m for ms in MOVED.values() for m in ms])
    # The rows are where they were, reachable through today's models and relations.
    Case = current_apps.get_model("cases", "Case")
    moved = Case.objects.get(reference="BSR-69-AB123-4")
    assert moved.pk == case.pk and moved.department.name == "กองช่าง"
    assert moved.submission.contact_name == "สมศรี มีสุข"
    assert list(moved.events.values_list("message", flat=True)) == ["รับเรื่อง"]
    assert moved.invoices.get().pk == invoice.pk and moved.invoices.get().amount == Decimal("200.00")
    assert moved.notifications.get().recipient == "somsri@example.com"
    assert current_apps.get_model("reporting", "MonthlyReport").objects.get().month == datetime.date(2026, 10, 1)
    assert current_apps.get_model("open311", "Open311Key").objects.get().name == "LINE OA"
    # The group's grants are the same permission rows, and an officer in it has them by the new names.
    group = Group.objects.get(name="Officers of the old layout")
    assert sorted(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("cases", "change_case"),
        ("cases", "view_all_cases"),
        ("cases", "view_case"),
        ("notifications", "view_notification"),
        ("payments", "view_invoice"),
    ]
    officer = User.objects.create_user("somchai")
    officer.groups.add(group)
    assert officer.has_perms(["cases.view_all_cases", "cases.change_case", "payments.view_invoice"])
    assert not officer.has_perm("services.view_case")
