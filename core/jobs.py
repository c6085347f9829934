"""Files read by the background worker: the page answers at once (issue 23, Medium 4).

A file someone uploads is kept in the default storage with a row that says its
state; after commit a Celery task (queue `imports`, acks_late) claims the row
with a conditional UPDATE, reads the file and stores the outcome on the row,
which a page shows. Two kinds of row share this: billing.ImportBatch (staff's
billing exports, billing.uploads) and UploadJob (a customer's readings or
hourly profile, `submit` and `run` below).

A customer's file is read within UPLOAD_SOFT_TIME_LIMIT seconds (TASK_OPTIONS):
past it the task stops, writes nothing and the page says «Файл обрабатывался
дольше … секунд и не принят»; past UPLOAD_TIME_LIMIT the worker process is
killed, its transaction rolled back, and the page says the same once the claim
is older than the hard limit. A second delivery of the task finds the row
taken and does nothing; the writes of a job commit together with its «done».
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core.models import UploadJob

logger = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
FAILURE_MESSAGE = "Файл не удалось обработать. Попробуйте загрузить его еще раз."

# The options of every task that reads a customer's file (meters.tasks, calculator.tasks);
# their queue, `imports`, is set by CELERY_TASK_ROUTES.
TASK_OPTIONS = {
    "acks_late": True,
    "soft_time_limit": settings.UPLOAD_SOFT_TIME_LIMIT,
    "time_limit": settings.UPLOAD_TIME_LIMIT,
}


def claim(model: type[models.Model], pk: int, *, stale_after: dt.timedelta, **changes):
    """Take a queued row, or a running one whose claim is older than `stale_after` (its
    worker died); returns the claim's time, None when the row is not there to take."""
    now = timezone.now()
    taken = (
        model.objects.filter(pk=pk)
        .filter(Q(status=QUEUED) | Q(status=RUNNING, claimed_at__lt=now - stale_after))
        .update(status=RUNNING, claimed_at=now, **changes)
    )
    return now if taken else None


@contextmanager
def local_copy(name: str, file_name: str, storage: Storage = default_storage) -> Iterator[Path]:
    """The stored file `name` as a temporary file called `file_name` (readers want a path,
    and the storage may be S3); removed afterwards."""
    safe = file_name.replace("\x00", "").replace("/", "_").replace("\\", "_") or "file"
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        target = Path(folder) / safe
        with storage.open(name, "rb") as source, open(target, "wb") as handle:
            for chunk in source.chunks():
                handle.write(chunk)
        yield target


# --- a customer's file: UploadJob ------------------------------------------------------


def claim_timeout() -> dt.timedelta:
    """A running job older than this lost its worker: the hard time limit and a margin."""
    return dt.timedelta(seconds=settings.UPLOAD_TIME_LIMIT + 30)


def time_limit_message() -> str:
    seconds = settings.UPLOAD_SOFT_TIME_LIMIT
    unit = "секунды" if seconds % 10 == 1 and seconds % 100 != 11 else "секунд"
    return f"Файл обрабатывался дольше {seconds} {unit} и не принят."


def submit(
    kind: str,
    files: dict[str, UploadedFile],
    *,
    contract,
    user,
    params: dict[str, Any],
    task,
) -> UploadJob:
    """Keep the files (form field → upload) and queue `task(job.pk)` once this commits."""
    folder = f"uploads/{timezone.now():%Y/%m}"
    with transaction.atomic():
        job = UploadJob(kind=kind, contract=contract, user=user, params=params)
        for field, upload in files.items():
            name = Path(upload.name or field).name[:200]
            path = default_storage.save(f"{folder}/{name}", upload)
            job.files.append({"field": field, "name": name, "path": path})
        job.save()
        transaction.on_commit(lambda: task.delay(job.pk))
    return job


class _Superseded(Exception):
    """The job is no longer ours (expired by its page): roll back what was written."""


def _finish(pk: int, claimed_at: dt.datetime, **fields) -> bool:
    return bool(
        UploadJob.objects.filter(pk=pk, status=RUNNING, claimed_at=claimed_at).update(
            finished_at=timezone.now(), **fields
        )
    )


def run(
    pk: int,
    *,
    read: Callable[[UploadJob, dict[str, Path]], Any],
    save: Callable[[UploadJob, Any], dict] | None = None,
) -> str:
    """Process a submitted job once; returns its status.

    `read(job, {field: path})` parses the files, outside any transaction (the
    slow part); `save(job, parsed)` writes and returns the result to store, in
    one transaction with the job's «done». Without `save` the parsed value is
    the result. A time limit or an error leaves nothing written.
    """
    claimed_at = claim(UploadJob, pk, stale_after=claim_timeout())
    if claimed_at is None:
        return UploadJob.objects.filter(pk=pk).values_list("status", flat=True).first() or ""
    job = UploadJob.objects.select_related("contract", "user").get(pk=pk)
    try:
        with ExitStack() as stack:
            paths = {
                f["field"]: stack.enter_context(local_copy(f["path"], f["name"])) for f in job.files
            }
            parsed = read(job, paths)
        with transaction.atomic():
            result = save(job, parsed) if save else parsed
            if not _finish(pk, claimed_at, status=DONE, result=result):
                raise _Superseded
    except SoftTimeLimitExceeded:
        logger.warning("upload %s (%s): soft time limit exceeded", pk, job.kind)
        _finish(pk, claimed_at, status=FAILED, report=time_limit_message())
    except _Superseded:
        logger.warning("upload %s (%s): expired while running, nothing written", pk, job.kind)
    except Exception:
        logger.exception("upload %s (%s) failed", pk, job.kind)
        _finish(pk, claimed_at, status=FAILED, report=FAILURE_MESSAGE)
    return UploadJob.objects.filter(pk=pk).values_list("status", flat=True).get()


def job_for_contract(contract, pk: int, kind: str) -> UploadJob:
    """The job `pk` of this contract (404 for anyone else's); a job whose worker was
    killed at the hard time limit is marked as refused here."""
    job = get_object_or_404(UploadJob, pk=pk, contract=contract, kind=kind)
    if job.status == RUNNING and job.claimed_at < timezone.now() - claim_timeout():
        _finish(pk, job.claimed_at, status=FAILED, report=time_limit_message())
        job.refresh_from_db()
    return job


# Seconds between the reloads of «Файл обрабатывается…» (a meta refresh: the CSP allows no
# inline script, and the page works without JavaScript).
WAIT_REFRESH_SECONDS = 2


def render_waiting(request: HttpRequest, job: UploadJob, *, back: str) -> HttpResponse:
    """«Файл обрабатывается…»: the page reloads itself until the job is done."""
    context = {
        "title": "Файл обрабатывается",
        "job": job,
        "back": back,
        "refresh": WAIT_REFRESH_SECONDS,
    }
    return render(request, "core/upload_wait.html", context)
