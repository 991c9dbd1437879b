"""Who makes a change and why, for the record django-simple-history writes on each save."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from django.conf import settings
from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import get_change_reason_from_object, get_history_model_for_model

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class _RequestUser(enum.Enum):
    REQUEST_USER = enum.auto()


# No user named: simple-history records the user of the request being served, if any.
REQUEST_USER: Final = _RequestUser.REQUEST_USER


def history_note(
    instance: Model,
    *,
    user: AbstractBaseUser | None | _RequestUser = REQUEST_USER,
    reason: str | None = None,
) -> None:
    """Say who makes the next saves (and deletes) of ``instance``, and why.

    simple-history reads both from private attributes of the instance when it writes a history
    record, one per save, delete or many-to-many change; this is the one place that sets them.
    A note replaces the one before: without a reason the next records carry none (a creation's
    reason is not repeated on the links set just after it), and without a user they name the
    request's user (``user=None`` names nobody, the request's user neither).
    """
    attributes = vars(instance)
    if user is REQUEST_USER:
        attributes.pop("_history_user", None)
    else:
        attributes["_history_user"] = user
    if reason is None:
        attributes.pop("_change_reason", None)
    else:
        attributes["_change_reason"] = reason


def history_bulk_record(objs: Sequence[Model], history_type: str) -> None:
    """Write the records one ``save()`` (``"~"``), creation (``"+"``) or deletion (``"-"``) of
    each of ``objs`` writes, in one INSERT, plus one read and one INSERT per many-to-many field
    the history keeps (its snapshot as the database holds it now: call after the writes).

    Each record names whom and why the object's ``history_note`` says, else the request's user,
    exactly as simple-history does for one save: its ``bulk_history_create`` has no deletions
    and no many-to-many snapshots, hence this. simple-history's record signals are not sent
    (nothing here listens to them).
    """
    if not objs or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history_model = get_history_model_for_model(type(objs[0]))
    records = [
        history_model(
            history_date=getattr(obj, "_history_date", None) or timezone.now(),
            history_type=history_type,
            history_user=history_model.get_default_history_user(obj),
            history_change_reason=get_change_reason_from_object(obj),
            **{
                field.attname: getattr(obj, field.attname) for field in history_model.tracked_fields
            },
        )
        for obj in objs
    ]
    history_model.objects.bulk_create(records)
    m2m_fields = history_model._history_m2m_fields
    if m2m_fields and any(record.pk is None for record in records):
        # A database that returns no ids from a bulk insert: the snapshots need them.
        raise NotImplementedError("history snapshots need the ids of a bulk insert")
    for field in m2m_fields:
        snapshot_model = HistoricalRecords.m2m_models[field]
        through = field.remote_field.through
        owner = f"{field.m2m_field_name()}_id"
        rows_of: dict[int, list[Model]] = defaultdict(list)
        for row in through._default_manager.filter(
            **{f"{owner}__in": [obj.pk for obj in objs]}
        ).order_by("pk"):
            rows_of[getattr(row, owner)].append(row)
        columns = [column.attname for column in through._meta.fields]
        snapshot_model.objects.bulk_create(
            [
                snapshot_model(history=record, **{name: getattr(row, name) for name in columns})
                for record, obj in zip(records, objs, strict=True)
                for row in rows_of[obj.pk]
            ]
        )


def history_bulk_update(objs: Sequence[Model], fields: Sequence[str]) -> None:
    """Save ``fields`` of every object in one UPDATE (``bulk_update``) and write the history
    records their saves would, named by each object's ``history_note`` (``history_bulk_record``).
    """
    if not objs:
        return
    if fields:
        rows_update(objs, fields)
    history_bulk_record(objs, "~")


# Rows of one UPDATE … FROM (VALUES …): at most 11 fields each, well under 65,535 parameters.
_UPDATE_BATCH = 1000


def rows_update(objs: Sequence[Model], fields: Sequence[str]) -> None:
    """``bulk_update(objs, fields)``: each object's ``fields`` saved as they are, without
    signals or ``pre_save`` (as ``bulk_update``). On PostgreSQL one ``UPDATE … FROM (VALUES …)``
    per thousand rows: Django's ``bulk_update`` builds a ``CASE WHEN`` per field and row, 15 ms
    of CPU for a report's 19 entries and 5 fields, against about 1 ms here."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, list(fields))
        return
    meta = model._meta
    pk = meta.pk
    columns: list[Field] = [pk]
    for name in fields:
        field = meta.get_field(name)
        if not isinstance(field, Field) or not field.concrete:
            raise ValueError(f"{name}: not a column of {meta.label}")
        columns.append(field)
    casts = ", ".join(f"%s::{column.db_type(connection)}" for column in columns)
    names = ", ".join(_quote(column.column) for column in columns)
    updates = ", ".join(f"{_quote(c.column)} = v.{_quote(c.column)}" for c in columns[1:])
    table = _quote(meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), _UPDATE_BATCH):
            batch = objs[start : start + _UPDATE_BATCH]
            params: list[Any] = []
            for obj in batch:
                params.extend(
                    column.get_db_prep_save(getattr(obj, column.attname), connection)
                    for column in columns
                )
            cursor.execute(
                f"UPDATE {table} AS t SET {updates} "  # noqa: S608 - quoted names, values as parameters
                f"FROM (VALUES {', '.join([f'({casts})'] * len(batch))}) AS v({names}) "
                f"WHERE t.{_quote(pk.column)} = v.{_quote(pk.column)}",
                params,
            )


def history_bulk_delete(objs: Sequence[Model]) -> None:
    """Delete ``objs`` in one DELETE and write the records their deletions would (each named by
    its ``history_note``). Only for rows nothing points at: no cascade and no signal runs."""
    if not objs:
        return
    manager = type(objs[0])._default_manager
    # QuerySet.delete() would fetch the rows and write one record per row (simple-history
    # listens to each deletion); the records are written in bulk just below instead.
    manager.filter(pk__in=[obj.pk for obj in objs])._raw_delete(manager.db)
    history_bulk_record(objs, "-")


# The columns a history record has besides the copy of its object's fields.
_RECORD_FIELDS = {
    "history_id",
    "history_date",
    "history_type",
    "history_user",
    "history_change_reason",
}


def _quote(column: str | None) -> str:
    if column is None:
        raise NotImplementedError("a field without a column")
    return connection.ops.quote_name(column)


def _chunks(values: list[Any]) -> Iterable[tuple[str, list[Any]]]:
    """``values`` as an SQL condition's right-hand side and its parameters: one array on
    PostgreSQL, lists of at most 900 (SQLite's old cap of 999 parameters) elsewhere."""
    if connection.vendor == "postgresql":
        yield "= ANY(%s)", [values]
        return
    for start in range(0, len(values), 900):
        chunk = values[start : start + 900]
        yield f"IN ({', '.join(['%s'] * len(chunk))})", chunk


def history_bulk_copy(
    model: type[Model],
    pks: Sequence[Any],
    *,
    history_type: str,
    date: datetime,
    user: Any,
    reason: str | None,
) -> dict[Any, int]:
    """One history record for each row of ``model`` in ``pks``, copied by the database from
    the row as saved (INSERT … SELECT: nothing crosses the wire but the ids), all at ``date``,
    by ``user``, for ``reason``: the record a save (``"~"``) or creation (``"+"``) of each
    writes, in one statement whatever their number. Returns {pk: id of its new record}.

    For rows just written in bulk, where building a record object per row would cost more
    than writing the rows did. Many-to-many snapshots: ``history_bulk_m2m_copy``.
    """
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return {}
    history_model = get_history_model_for_model(model)
    meta = history_model._meta
    tracked = history_model.tracked_fields
    copied = [field.column for field in tracked]  # in the object's table
    into_columns = [meta.get_field(field.name).column for field in tracked]  # in the record's
    extra = {field.name for field in meta.concrete_fields} - {field.name for field in tracked}
    if extra != _RECORD_FIELDS or not connection.features.can_return_rows_from_bulk_insert:
        raise NotImplementedError(f"history of {model.__name__}: {sorted(extra)}")
    quote = _quote
    record_columns = [
        meta.get_field(name).column
        for name in ("history_date", "history_type", "history_user", "history_change_reason")
    ]
    pk_column = model._meta.pk.column
    history_pk = meta.pk.column
    values = [
        connection.ops.adapt_datetimefield_value(date),
        history_type,
        user.pk if user is not None else None,
        reason,
    ]
    into = ", ".join(quote(column) for column in [*into_columns, *record_columns])
    select = ", ".join([*(quote(column) for column in copied), "%s", "%s", "%s", "%s"])
    records: dict[Any, int] = {}
    with connection.cursor() as cursor:
        for condition, params in _chunks(list(pks)):
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({into}) "  # noqa: S608 (names quoted)
                f"SELECT {select} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(pk_column)} {condition} ORDER BY {quote(pk_column)} "
                f"RETURNING {quote(history_pk)}, {quote(pk_column)}",
                [*values, *params],
            )
            records.update((pk, history_id) for history_id, pk in cursor.fetchall())
    return records


def history_bulk_m2m_copy(model: type[Model], field_name: str, records: Iterable[int]) -> None:
    """The snapshot of ``field_name`` for each history record in ``records`` (ids of records of
    ``model``): its object's links as the database holds them now, copied by the database in
    one statement whatever their number, as simple-history snapshots them on each save."""
    records = list(records)
    if not records or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    field = model._meta.get_field(field_name)
    snapshot_model = HistoricalRecords.m2m_models[field]
    history_model = get_history_model_for_model(model)
    through = field.remote_field.through  # type: ignore[union-attr]
    owner = through._meta.get_field(field.m2m_field_name()).column  # type: ignore[union-attr]
    columns = [link.column for link in through._meta.concrete_fields]
    into_columns = [
        snapshot_model._meta.get_field(link.name).column for link in through._meta.concrete_fields
    ]
    history_column = snapshot_model._meta.get_field("history").column
    quote = _quote
    record_pk, object_pk = history_model._meta.pk.column, model._meta.pk.column
    into = ", ".join(quote(column) for column in [*into_columns, history_column])
    select = ", ".join([*(f"link.{quote(column)}" for column in columns), "h." + quote(record_pk)])
    with connection.cursor() as cursor:
        for condition, params in _chunks(records):
            cursor.execute(
                f"INSERT INTO {quote(snapshot_model._meta.db_table)} ({into}) "  # noqa: S608
                f"SELECT {select} FROM {quote(through._meta.db_table)} link "
                f"JOIN {quote(history_model._meta.db_table)} h "
                f"ON h.{quote(object_pk)} = link.{quote(owner)} "
                f"WHERE h.{quote(record_pk)} {condition} "
                f"ORDER BY h.{quote(record_pk)}, link.{quote(through._meta.pk.column)}",
                params,
            )
