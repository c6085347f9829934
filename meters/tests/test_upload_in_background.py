"""The readings upload is read by the background worker, within a time limit (issue 23, Medium 4).

The page keeps the file and answers at once with «Файл обрабатывается…»; the
task (queue `imports`) checks and saves the rows; a file that takes longer than
the soft time limit writes nothing and says so; another customer's job is a 404.
"""

import datetime as dt
import io
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from core import jobs
from core.models import AuditEvent, UploadJob
from meters import tasks
from meters.models import Reading

URL = reverse("meters:upload")


def good_file():
    text = f"meter_number;date;value\n108008060;{timezone.localdate():%d.%m.%Y};36300\n"
    return SimpleUploadedFile("readings.csv", text.encode(), content_type="text/csv")


def submit(client, upload=None):
    """Post the file without running the task: the job and its queued callback."""
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = client.post(URL, {"file": upload or good_file()})
    return response, callbacks


def job_url(job):
    return reverse("meters:upload_job", args=[job.pk])


def test_the_page_stores_the_file_and_queues_the_task_without_reading_it(
    alice_client, alice_meter, alice
):
    with mock.patch.object(tasks.process_upload, "delay") as delay:
        response, callbacks = submit(alice_client)
        job = UploadJob.objects.get()
        assert response.status_code == 302 and response["Location"] == job_url(job)
        assert len(callbacks) == 1
        callbacks[0]()
        delay.assert_called_once_with(job.pk)
    assert (job.kind, job.contract, job.user, job.status) == (
        "readings",
        alice.contract,
        alice,
        "queued",
    )
    assert job.files[0]["name"] == "readings.csv"
    assert not Reading.objects.filter(date=timezone.localdate()).exists()
    page = alice_client.get(job_url(job))
    text = page.content.decode()
    assert "Файл обрабатывается…" in text
    assert '<meta http-equiv="refresh" content="2">' in text
    assert "<script>" not in text


def test_the_task_runs_on_the_imports_queue_with_a_time_limit(settings):
    from eskk_portal.celery import app

    route = app.amqp.router.route({}, tasks.process_upload.name)
    assert route["queue"].name == "imports"
    assert tasks.process_upload.acks_late is True
    assert tasks.process_upload.soft_time_limit == settings.UPLOAD_SOFT_TIME_LIMIT == 60
    assert tasks.process_upload.time_limit == settings.UPLOAD_TIME_LIMIT == 90


def test_the_eager_run_shows_the_result_at_the_first_view(alice_client, alice_meter):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = alice_client.post(URL, {"file": good_file()})
    page = alice_client.get(response["Location"]).content.decode()
    assert "Файл readings.csv принят: сохранено показаний 1 по 1 записям." in page
    assert "Файл обрабатывается" not in page
    assert Reading.objects.get(meter=alice_meter, date=timezone.localdate()).value == 36300
    assert UploadJob.objects.get().status == "done"


def test_a_second_delivery_of_the_task_saves_nothing_again(alice_client, alice_meter):
    _, callbacks = submit(alice_client)
    job = UploadJob.objects.get()
    assert tasks.process_upload(job.pk) == "done"
    assert tasks.process_upload(job.pk) == "done"
    assert Reading.objects.filter(meter=alice_meter, date=timezone.localdate()).count() == 1
    assert AuditEvent.objects.filter(action="reading.submitted").count() == 1


def test_a_file_past_the_soft_time_limit_writes_nothing_and_says_so(alice_client, alice_meter):
    _, _ = submit(alice_client)
    job = UploadJob.objects.get()
    # The worker's signal arrives while the rows are saved: the transaction is rolled back.
    with mock.patch("meters.upload.submit_many", side_effect=SoftTimeLimitExceeded()):
        assert tasks.process_upload(job.pk) == "failed"
    assert not Reading.objects.filter(date=timezone.localdate()).exists()
    assert not AuditEvent.objects.filter(action="reading.submitted").exists()
    page = alice_client.get(job_url(job)).content.decode()
    assert "Файл не принят, ничего не сохранено." in page
    assert "readings.csv: Файл обрабатывался дольше 60 секунд и не принят." in page


def test_a_soft_time_limit_while_reading_the_file_writes_nothing(
    alice_client, alice_meter, settings
):
    settings.UPLOAD_SOFT_TIME_LIMIT = 5
    _, _ = submit(alice_client)
    job = UploadJob.objects.get()
    with mock.patch("meters.upload.read_rows", side_effect=SoftTimeLimitExceeded()):
        assert tasks.process_upload(job.pk) == "failed"
    job.refresh_from_db()
    assert job.report == "Файл обрабатывался дольше 5 секунд и не принят."
    assert not Reading.objects.filter(date=timezone.localdate()).exists()


def test_a_worker_killed_at_the_hard_limit_is_reported_as_refused(alice_client, alice_meter):
    _, _ = submit(alice_client)
    job = UploadJob.objects.get()
    # The claim of a worker that was killed 3 minutes ago, its transaction rolled back.
    long_ago = timezone.now() - dt.timedelta(minutes=3)
    UploadJob.objects.filter(pk=job.pk).update(status="running", claimed_at=long_ago)
    page = alice_client.get(job_url(job)).content.decode()
    assert "Файл обрабатывался дольше 60 секунд и не принят." in page
    # A late redelivery of the task finds the job closed and writes nothing.
    assert tasks.process_upload(job.pk) == "failed"
    assert not Reading.objects.filter(date=timezone.localdate()).exists()


def test_a_recent_claim_is_not_taken_twice(alice_client, alice_meter):
    _, _ = submit(alice_client)
    job = UploadJob.objects.get()
    assert jobs.claim(UploadJob, job.pk, stale_after=jobs.claim_timeout())
    assert tasks.process_upload(job.pk) == "running"
    assert not Reading.objects.filter(date=timezone.localdate()).exists()


def test_an_unexpected_error_is_a_refusal_not_a_page_that_waits_forever(alice_client, alice_meter):
    _, _ = submit(alice_client)
    job = UploadJob.objects.get()
    with mock.patch("meters.upload.submit_many", side_effect=RuntimeError("bug")):
        assert tasks.process_upload(job.pk) == "failed"
    page = alice_client.get(job_url(job)).content.decode()
    assert "Файл не удалось обработать" in page


@pytest.mark.parametrize("who", ["bob", "anonymous"])
def test_another_customers_job_is_not_found(client, alice_client, alice_meter, bob, who):
    _, _ = submit(alice_client)
    job = UploadJob.objects.get()
    client.logout()
    if who == "bob":
        client.force_login(bob)
        assert client.get(job_url(job)).status_code == 404
    else:
        response = client.get(job_url(job))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_the_time_limit_inside_the_xlsx_reader_is_not_taken_for_a_broken_file(
    alice_client, alice_meter
):
    """Found with a real worker: the reader's «openpyxl raises many kinds» once turned the
    worker's signal into «файл XLSX не читается (SoftTimeLimitExceeded)»."""
    book = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["meter_number", "date", "value"])
    workbook.save(book)
    submit(alice_client, SimpleUploadedFile("readings.xlsx", book.getvalue()))
    job = UploadJob.objects.get()
    with mock.patch("openpyxl.load_workbook", side_effect=SoftTimeLimitExceeded()):
        assert tasks.process_upload(job.pk) == "failed"
    job.refresh_from_db()
    assert job.report == "Файл обрабатывался дольше 60 секунд и не принят."
