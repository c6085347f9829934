"""Background work of the meters app (queue `imports`): a customer's file of readings."""

from celery import shared_task

from core import jobs
from meters import upload


@shared_task(**jobs.TASK_OPTIONS)
def process_upload(job_pk: int) -> str:
    """Check and save an uploaded file of readings, within the upload time limit (core.jobs)."""
    return jobs.run(job_pk, read=upload.read_job, save=upload.save_job)
