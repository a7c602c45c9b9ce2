"""Database triggers that keep the case timeline and Wagtail's admin log append-only (issue 9).

The ORM already refuses (CaseEvent.save/delete, its queryset's update, and the pre_delete
receivers in services/privacy/models.py), but a record an auditor relies on must also hold
against raw SQL, a future bulk update, or a script run in a shell. So the database refuses:

* services_caseevent: any UPDATE except (a) replacing the message with the redaction marker
  (services.privacy.personal_data.REDACTED, when a case is anonymised under the PDPA) and (b) the actor
  becoming NULL when a staff account is deleted — every other column must stay the same (the
  columns are read from the table when the triggers are installed);
* wagtailcore_modellogentry and wagtailcore_pagelogentry (Wagtail's admin action log): every UPDATE;
* DELETE of any of these rows on PostgreSQL. On SQLite, Django's test flush empties tables with
  row-by-row DELETEs (PostgreSQL uses TRUNCATE, which row triggers do not see), so a SQLite
  DELETE trigger would make the database impossible to reset; there the ORM receivers refuse.
"""

REDACTED = "[redacted: personal data removed]"
LOG_TABLES = ("wagtailcore_modellogentry", "wagtailcore_pagelogentry")

# Every other column of a timeline event must stay as it was. The list is read from the table
# when the triggers are installed, so a column added later is protected once its migration
# reinstalls them (services/privacy/migrations/0002_timeline_append_only_again.py): on SQLite,
# adding a column with a default rebuilds the table, which drops its triggers.
_EVENT_FREE = {"message", "actor_id"}
_EVENT_ALLOWED = (
    "{same_columns} AND (NEW.message = OLD.message OR NEW.message = '{redacted}') "
    "AND ({same_actor} OR NEW.actor_id IS NULL)"
)


def _event_allowed(connection, same, leave_out=()):
    """The WHEN condition: `same` compares one column null-safely ("NEW.c IS OLD.c"); columns in
    `leave_out` are about to be dropped (a migration being reversed)."""
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, "services_caseevent")]
    free = _EVENT_FREE | set(leave_out)
    kept = [same.format(column=connection.ops.quote_name(c)) for c in columns if c not in free]
    return _EVENT_ALLOWED.format(
        same_columns=" AND ".join(kept), redacted=REDACTED, same_actor=same.format(column="actor_id")
    )


def _sqlite_statements(connection, leave_out=()):
    allowed = _event_allowed(connection, "NEW.{column} IS OLD.{column}", leave_out)
    statements = [
        "DROP TRIGGER IF EXISTS caseevent_append_only;",
        "CREATE TRIGGER caseevent_append_only BEFORE UPDATE ON services_caseevent "
        f"WHEN NOT ({allowed}) BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;",
    ]
    for table in LOG_TABLES:
        statements.append(
            f"CREATE TRIGGER IF NOT EXISTS {table}_append_only BEFORE UPDATE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'admin log entries are append-only'); END;"
        )
    return statements


def _postgresql_statements(connection, leave_out=()):
    allowed = _event_allowed(connection, "NEW.{column} IS NOT DISTINCT FROM OLD.{column}", leave_out)
    statements = [
        f"""
        CREATE OR REPLACE FUNCTION portal_caseevent_append_only() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND ({allowed}) THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'case events are append-only (% refused)', TG_OP USING ERRCODE = 'raise_exception';
        END $$ LANGUAGE plpgsql;
        """,
        """
        CREATE OR REPLACE FUNCTION portal_log_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'admin log entries are append-only (% refused)', TG_OP USING ERRCODE = 'raise_exception';
        END $$ LANGUAGE plpgsql;
        """,
        "DROP TRIGGER IF EXISTS caseevent_append_only ON services_caseevent;",
        "CREATE TRIGGER caseevent_append_only BEFORE UPDATE OR DELETE ON services_caseevent "
        "FOR EACH ROW EXECUTE FUNCTION portal_caseevent_append_only();",
    ]
    for table in LOG_TABLES:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION portal_log_append_only();",
        ]
    return statements


def install(apps, schema_editor, leave_out=()):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": _sqlite_statements, "postgresql": _postgresql_statements}.get(vendor)
    for statement in statements(schema_editor.connection, leave_out) if statements else []:
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    tables = ("services_caseevent", *LOG_TABLES)
    for table in tables:
        name = "caseevent_append_only" if table == "services_caseevent" else f"{table}_append_only"
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table};")
