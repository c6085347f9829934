"""Background work of the calculator (queue `imports`): a customer's hourly profiles."""

from celery import shared_task

from calculator import profiles
from core import jobs


@shared_task(**jobs.TASK_OPTIONS)
def read_profiles(job_pk: int) -> str:
    """Read the uploaded profile and planned volumes within the upload time limit (core.jobs)."""
    return jobs.run(job_pk, read=profiles.read_job)
