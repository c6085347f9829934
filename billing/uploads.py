"""«Загрузить выгрузку биллинга» in the background: the admin page answers at once.

`submit` keeps the file in the default storage and an ImportBatch «в очереди»;
after commit the task `billing.tasks.run_upload` (queue `imports`, acks_late)
calls `run`, which runs the very import command an operator would, on that
file, and writes its progress and its `file:line: column: reason` report on
the batch (the ImportBatch admin page shows them). A run is claimed with a
conditional UPDATE (core.jobs.claim, shared with the customers' uploads); a
run killed mid-way wrote nothing (the import's write is one transaction) and
is taken over once its claim is older than the task's hard time limit. Past
the soft limit (IMPORT_SOFT_TIME_LIMIT) the import stops, its transaction rolls
back and the batch says so.
"""

import datetime as dt
import logging
from io import StringIO
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from billing.importers import IMPORTS
from billing.models import ImportBatch
from core import jobs

logger = logging.getLogger(__name__)


def claim_timeout() -> dt.timedelta:
    """A running batch older than this lost its worker: the hard time limit and a margin."""
    return dt.timedelta(seconds=settings.IMPORT_TIME_LIMIT + 60)


def time_limit_message() -> str:
    minutes = settings.IMPORT_SOFT_TIME_LIMIT // 60
    return (
        f"Загрузка шла дольше {minutes} мин. и остановлена: ничего не записано. "
        "Разделите файл на части."
    )


def submit(upload: UploadedFile, kind: str, dry_run: bool, user) -> ImportBatch:
    """Store the uploaded file and queue its import; returns the batch to watch."""
    from billing import tasks

    with transaction.atomic():
        batch = ImportBatch(
            kind=kind,
            file_name=Path(upload.name).name[:255],
            user=user,
            status=ImportBatch.Status.QUEUED,
            dry_run=dry_run,
        )
        batch.upload.save(Path(upload.name).name, upload, save=False)
        batch.save()
        transaction.on_commit(lambda: tasks.run_upload.delay(batch.pk))
    return batch


def run(batch_pk: int) -> str:
    """Run the import of a submitted batch once; returns its final status."""
    if not jobs.claim(ImportBatch, batch_pk, stale_after=claim_timeout(), rows_checked=0):
        return ImportBatch.objects.get(pk=batch_pk).status
    batch = ImportBatch.objects.get(pk=batch_pk)
    command, _ = IMPORTS[batch.kind]
    out, err = StringIO(), StringIO()
    # The command reads a path (twice: check, then write), under the file's own name.
    with jobs.local_copy(batch.upload.name, batch.file_name, batch.upload.storage) as target:
        options = {"stdout": out, "stderr": err, "user_id": batch.user_id, "batch_id": batch.pk}
        if batch.dry_run:
            options["dry_run"] = True
        try:
            call_command(command, str(target), **options)
            status = ImportBatch.Status.DONE
        except CommandError as error:
            err.write(str(error))
            status = ImportBatch.Status.FAILED
        except SoftTimeLimitExceeded:
            logger.warning("billing upload %s: soft time limit exceeded", batch_pk)
            err = StringIO(time_limit_message())
            out = StringIO()
            status = ImportBatch.Status.FAILED
    prefix = f"{target.parent}/"
    report = "\n".join(
        line.replace(prefix, "")
        for line in (err.getvalue() + "\n" + out.getvalue()).splitlines()
        if line.strip()
    )
    ImportBatch.objects.filter(pk=batch_pk).update(
        status=status, report=report, finished_at=timezone.now()
    )
    logger.info("billing upload %s (%s): %s", batch_pk, batch.file_name, status)
    return status
