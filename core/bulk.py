"""Loading many rows at once: demo and benchmark data, and the new rows of an import."""

from django.db import connection
from django.utils import timezone


def copy_rows(model, fields: list[str], rows) -> int:
    """Insert many rows of `fields` (attnames) quickly: COPY on PostgreSQL, bulk_create elsewhere.

    The benchmark data is millions of rows, an import's new rows a hundred thousand;
    building a model instance for each costs most of the time. Every other column gets
    its model default (auto_now: now). The caller has checked the rows: no model
    validation runs here, as none runs in bulk_create.
    """
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=2000)
        return len(objects)
    now = timezone.now()
    columns = [model._meta.get_field(name).column for name in fields]
    rest = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in fields:
            continue
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        columns.append(field.column)
        rest.append(field.get_db_prep_save(now if auto else field.get_default(), connection))
    rest = tuple(rest)
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row + rest)
            count += 1
    return count
