"""Tables derived from others (a member's yearly hours, a member's last attendance…), kept
by the writers of their source: one statement recomputes the derived rows of a set of keys
from the source, whatever the number of rows.

``upsert_select(model, rows, fields, unique=…, constants=…)`` runs
``INSERT INTO <model> (fields…, constants…) SELECT … ON CONFLICT (unique) DO UPDATE`` with the
SELECT of ``rows`` (a ``values_list`` queryset giving ``fields`` in order, typically grouped):
an upsert, not delete-then-insert, so two writers refreshing the same key at once both
succeed and the later one's figures win.  Works on PostgreSQL and SQLite (3.24+).

``add=("count",)`` makes those columns counters: on conflict the row's value and the new one
are summed (``count = count + excluded.count``), in the same statement, so two writers
adding to the same key at once both count (the burden meter's tallies).
"""
from django.db import connections


def narrowed(member_ids, *querysets):
    """The querysets narrowed to ``member_ids`` (None: left whole), or None when the ids are
    an empty set (nothing to refresh) — the common opening of a derived table's ``refresh``."""
    if member_ids is None:
        return querysets
    ids = sorted({m for m in member_ids if m is not None})
    if not ids:
        return None
    return tuple(qs.filter(member_id__in=ids) for qs in querysets)


def upsert_select(model, rows, fields, *, unique, constants=None, add=()) -> None:
    constants = dict(constants or {})
    columns = [*fields, *constants]
    connection = connections[rows.db]
    quote = connection.ops.quote_name
    names = list(rows.query.values_select) + list(rows.query.annotation_select)
    if len(names) != len(fields):
        raise ValueError(f"the SELECT gives {names}, the table expects {list(fields)}")
    sql, params = rows.query.sql_with_params()
    table = quote(model._meta.db_table)
    updates = ", ".join(
        f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" if c in add else f"{quote(c)} = excluded.{quote(c)}"
        for c in columns if c not in unique
    )
    select = ", ".join([f"s.{quote(n)}" for n in names] + ["%s"] * len(constants))
    statement = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
        f"SELECT {select} FROM ({sql}) s "
        # "WHERE true": SQLite's parser needs it between a SELECT and ON CONFLICT
        f"WHERE true ON CONFLICT ({', '.join(quote(c) for c in unique)}) "
        + (f"DO UPDATE SET {updates}" if updates else "DO NOTHING")
    )
    with connection.cursor() as cursor:
        # the constants' placeholders come before the subquery's in the statement
        cursor.execute(statement, [*constants.values(), *params])
