"""Audit: the case timeline and Wagtail's admin log are append-only. The ORM refuses, and so does
the database (triggers installed by services/migrations/0008_privacy.py, services/privacy/audit_sql.py),
so neither a shell script nor raw SQL can rewrite history."""

import pytest
from django.db import DatabaseError, connection, transaction
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry, PageLogEntry

from services.cases.models import Case, CaseEvent
from services.privacy import personal_data as privacy
from tests.services.cases.support import submit

pytestmark = pytest.mark.django_db


def refused(sql, params):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_timeline_refuses_rewrites_through_the_orm(world):
    case, _ = submit(world["form"])
    event = case.events.get()
    event.message = "ไม่เคยแจ้งเรื่องนี้"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=case).update(message="x")
    with pytest.raises(TypeError), transaction.atomic():
        CaseEvent.objects.filter(case=case).delete()  # the deletion collector, not Model.delete()
    with pytest.raises(TypeError), transaction.atomic():
        Case.objects.filter(pk=case.pk).delete()  # a case would take its timeline with it
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_timeline_refuses_rewrites_in_raw_sql(world):
    case, _ = submit(world["form"])
    event = case.events.get()
    refused("UPDATE services_caseevent SET message = %s WHERE id = %s", ["rewritten", event.pk])
    refused(
        "UPDATE services_caseevent SET created_at = created_at + interval '1 day' WHERE id = %s"
        if connection.vendor == "postgresql"
        else "UPDATE services_caseevent SET created_at = '2020-01-01' WHERE id = %s",
        [event.pk],
    )
    refused("UPDATE services_caseevent SET kind = 'note', public = %s WHERE id = %s", [False, event.pk])
    if connection.vendor == "postgresql":
        refused("DELETE FROM services_caseevent WHERE id = %s", [event.pk])
    assert CaseEvent.objects.get(pk=event.pk).message == event.message


def test_the_one_allowed_change_is_the_pdpa_redaction(world):
    case, _ = submit(world["form"])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE services_caseevent SET message = %s WHERE case_id = %s", [privacy.REDACTED, case.pk])
    assert set(case.events.values_list("message", flat=True)) == {privacy.REDACTED}
    # ...and a redaction cannot be used to smuggle in another change.
    event = case.events.get()
    refused(
        "UPDATE services_caseevent SET message = %s, public = NOT public WHERE id = %s", [privacy.REDACTED, event.pk]
    )


def test_admin_log_entries_cannot_be_changed_or_deleted(world, home_th):
    log(instance=world["works"], action="wagtail.edit", user=world["officer_works"])
    entry = ModelLogEntry.objects.get(action="wagtail.edit")
    refused("UPDATE wagtailcore_modellogentry SET action = 'wagtail.create' WHERE id = %s", [entry.pk])
    refused("UPDATE wagtailcore_modellogentry SET user_id = NULL WHERE id = %s", [entry.pk])
    with pytest.raises(TypeError), transaction.atomic():
        entry.delete()
    with pytest.raises(TypeError), transaction.atomic():
        ModelLogEntry.objects.filter(pk=entry.pk).delete()
    if connection.vendor == "postgresql":
        refused("DELETE FROM wagtailcore_modellogentry WHERE id = %s", [entry.pk])
    home_th.save_revision(user=world["officer_works"], log_action=True)
    page_entry = PageLogEntry.objects.filter(page=home_th).latest("id")
    refused("UPDATE wagtailcore_pagelogentry SET timestamp = timestamp WHERE id = %s", [page_entry.pk])
    with pytest.raises(TypeError), transaction.atomic():
        PageLogEntry.objects.filter(pk=page_entry.pk).delete()
    assert ModelLogEntry.objects.filter(pk=entry.pk, action="wagtail.edit").exists()


def test_deleting_a_page_keeps_its_log(world):
    """Wagtail logs a deletion and keeps the page's history: the triggers must not get in the way."""
    page = world["service"]
    page.save_revision(user=world["officer_works"], log_action=True)
    page_id = page.pk
    page.delete()
    assert PageLogEntry.objects.filter(page_id=page_id).exists()
