"""The calculator's hourly files: read by the background worker within a time limit
(issue 23, Medium 4), with Russian column headers and a sample file (issue 21)."""

import io
from decimal import Decimal as D
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from calculator import tasks
from calculator.pricing import month_hours
from calculator.tests.factories import OCTOBER, profile_csv
from calculator.tests.test_calculator_page import PROFILE, errors, post, text, upload
from core.models import UploadJob

URL = reverse("calculator:index")
FIELDS = {
    "month": "2026-10",
    "price_category": "3",
    "voltage_level": "НН",
    "max_power_kw": "150",
    "zone_scheme": "2",
    "calculate": "1",
}


@pytest.fixture
def tariffs(db):
    from calculator.tests.factories import make_tariffs

    return make_tariffs()


def job_url(job):
    return reverse("calculator:upload_job", args=[job.pk])


def submit(client, **fields):
    """Post without running the task: the job and its queued callback."""
    data = {**FIELDS, "profile": upload(profile_csv(volumes=PROFILE)), **fields}
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        response = client.post(URL, data)
    return response, callbacks


# -- in the background -------------------------------------------------------------


def test_a_posted_profile_is_kept_and_queued_not_read_in_the_request(alice_client, alice, tariffs):
    with mock.patch.object(tasks.read_profiles, "delay") as delay:
        response, callbacks = submit(alice_client)
        job = UploadJob.objects.get()
        assert response.status_code == 302 and response["Location"] == job_url(job)
        callbacks[0]()
        delay.assert_called_once_with(job.pk)
    assert (job.kind, job.contract, job.user, job.status) == (
        "calculator",
        alice.contract,
        alice,
        "queued",
    )
    assert job.params["month"] == "2026-10-01"
    assert job.params["data"]["max_power_kw"] == "150"
    assert "csrfmiddlewaretoken" not in job.params["data"]
    assert [f["field"] for f in job.files] == ["profile"]
    page = alice_client.get(job_url(job)).content.decode()
    assert "Файл обрабатывается…" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "<script>" not in page.split("</head>")[0]


def test_the_worker_stores_the_hours_as_decimal_strings_and_the_page_prices_them(
    alice_client, tariffs
):
    submit(alice_client)
    job = UploadJob.objects.get()
    assert tasks.read_profiles(job.pk) == "done"
    job.refresh_from_db()
    hours = job.result["profile"]["hours"]
    assert len(hours) == len(month_hours(OCTOBER))
    assert ["2026-10-02", 3, "300.125"] in hours
    page = text(alice_client.get(job_url(job)))
    assert "почасовой профиль: файл «profile.csv»" in page
    assert "Итого без НДС 66 555,64 руб." in page
    # A second delivery of the task reads nothing again.
    assert tasks.read_profiles(job.pk) == "done"


def test_the_job_of_a_comparison_compares(alice_client, tariffs):
    page = text(post(alice_client, "compare", price_category="3",
                     profile=upload(profile_csv(volumes=PROFILE))))  # fmt: skip
    assert "Сравнение категорий за октябрь 2026" in page


def test_a_profile_past_the_soft_time_limit_is_refused_next_to_its_field(alice_client, tariffs):
    submit(alice_client, price_category="6", planned=upload(profile_csv(), "plan.csv"))
    job = UploadJob.objects.get()
    with mock.patch("calculator.profiles.read_rows", side_effect=SoftTimeLimitExceeded()):
        assert tasks.read_profiles(job.pk) == "failed"
    response = alice_client.get(job_url(job))
    message = "Файл обрабатывался дольше 60 секунд и не принят."
    assert errors(response, "profile") == [message]
    assert errors(response, "planned") == [message]
    assert "Итого" not in text(response)


def test_other_errors_of_the_form_are_shown_with_the_files(alice_client, tariffs):
    response = post(alice_client, price_category="3", max_power_kw="-5",
                    profile=upload(profile_csv(skip={(OCTOBER, 0)})))  # fmt: skip
    assert errors(response, "profile") == ["Нет часов (1): 01.10.2026 0 ч."]
    assert errors(response, "max_power_kw") == ["Мощность не может быть отрицательной."]


def test_a_wrong_kind_of_file_is_refused_at_once_without_a_job(alice_client, tariffs):
    response = post(alice_client, price_category="3", profile=upload(b"x", "photo.png"))
    assert response.status_code == 200
    assert not UploadJob.objects.exists()


def test_another_customers_calculation_is_not_found(client, alice_client, bob, tariffs):
    submit(alice_client)
    job = UploadJob.objects.get()
    client.force_login(bob)
    assert client.get(job_url(job)).status_code == 404


# -- Russian headers and the sample ------------------------------------------------


def russian_csv(header: str) -> bytes:
    return profile_csv(volumes=PROFILE).replace(b"date;hour;kwh", header.encode(), 1)


@pytest.mark.parametrize("header", ["дата;час;кВт·ч", "Дата;ЧАС;кВтч", " ДАТА ;Час;КВт.ч"])
def test_russian_column_headers_are_read(alice_client, tariffs, header):
    response = post(alice_client, price_category="3", profile=upload(russian_csv(header)))
    assert errors(response, "profile") == []
    assert "Итого без НДС 66 555,64 руб." in text(response)


def test_an_xlsx_with_russian_headers_is_read(alice_client, tariffs):
    book = Workbook()
    book.active.append(["Дата", "Час", "кВт·ч"])
    for day, hour in month_hours(OCTOBER):
        book.active.append([day, hour, float(PROFILE.get((day, hour), 0))])
    buffer = io.BytesIO()
    book.save(buffer)
    response = post(alice_client, price_category="3", profile=upload(buffer.getvalue(), "p.xlsx"))
    assert "Итого без НДС 66 555,64 руб." in text(response)


def test_a_missing_russian_column_is_named_by_its_code(alice_client, tariffs):
    response = post(alice_client, price_category="3", profile=upload("дата;час\n".encode()))
    assert errors(response, "profile") == [
        "Файл «profile.csv» не прочитан, строка 1: столбец kwh: нет обязательного столбца."
    ]


def test_the_page_offers_the_sample_file(alice_client, tariffs):
    page = alice_client.get(URL).content.decode()
    assert f'<a href="{reverse("calculator:sample")}">Образец файла</a>' in page


def test_the_sample_is_a_profile_of_the_latest_month_with_russian_headers(alice_client, tariffs):
    response = alice_client.get(reverse("calculator:sample"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="profile-2026-10.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("дата", "час", "кВт·ч")
    assert len(rows) == 1 + len(month_hours(OCTOBER))


def test_the_sample_downloaded_and_uploaded_gives_a_result(alice_client, tariffs):
    sample = alice_client.get(reverse("calculator:sample")).content
    response = post(
        alice_client, price_category="3", profile=upload(sample, "profile-2026-10.xlsx")
    )
    assert errors(response, "profile") == []
    page = text(response)
    assert "Стоимость за октябрь 2026: 3-я ценовая категория" in page
    assert "почасовой профиль: файл «profile-2026-10.xlsx»" in page
    assert "выглядит подозрительно" not in page
    total = sum(
        (D(str(kwh)) for _, _, kwh in list(load_workbook(io.BytesIO(sample)).active.values)[1:]),
        D(0),
    )
    assert total > 0
