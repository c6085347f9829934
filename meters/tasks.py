"""Background work of the meters app (queue `imports`): a customer's files of readings
and of hourly data."""

from celery import shared_task

from core import jobs
from meters import hourly_upload, upload


@shared_task(**jobs.TASK_OPTIONS)
def process_upload(job_pk: int) -> str:
    """Check and save an uploaded file of readings, within the upload time limit (core.jobs)."""
    return jobs.run(job_pk, read=upload.read_job, save=upload.save_job)


@shared_task(**jobs.TASK_OPTIONS)
def process_hourly_upload(job_pk: int) -> str:
    """Check and store uploaded 80020 files of hourly data, within the upload time limit."""
    return jobs.run(job_pk, read=hourly_upload.read_job, save=hourly_upload.save_job)
