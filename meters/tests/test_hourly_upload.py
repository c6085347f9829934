"""Issue 20: a category 3–6 customer uploads its own 80020 files on «Передача показаний»."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from meters.format80020 import write_file
from meters.models import HourlyVolume
from meters.tests.conftest import make_meter

DAY = dt.date(2026, 10, 5)
URL = reverse("meters:hourly_upload")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False):
        yield


@pytest.fixture
def works(alice_contract):
    alice_contract.price_category = 3
    alice_contract.save()
    return make_meter(alice_contract).delivery_point


def day_file(day=DAY, code="ТП-1", inn="4205000016", flat=False):
    values = {
        start: D("1") if flat else D("1.5") + (D("0.5") if 8 * 60 <= start < 20 * 60 else 0)
        for start in range(0, 1440, 30)
    }
    buffer = io.BytesIO()
    write_file(buffer, day=day, inn=inn, name="ООО", points={code: values})
    return SimpleUploadedFile(f"80020_{inn}_{day:%Y%m%d}_1.xml", buffer.getvalue(), "text/xml")


def upload(client, *files, confirm=False):
    """Post the files and follow to the job's page: the worker's task runs eagerly once the
    upload commits, as in `make run`."""
    data = {"files": list(files)}
    if confirm:
        data["confirm_warnings"] = "on"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(URL, data)
    if response.status_code != 302:
        return response
    page = client.get(response["Location"])
    page.job_url = response["Location"]
    return page


def test_two_days_are_stored_and_the_page_says_so(alice_client, works):
    page = upload(alice_client, day_file(), day_file(DAY + dt.timedelta(days=1)))
    text = page.content.decode()
    assert "Почасовые данные приняты: 48 ч с 05.10.2026 по 06.10.2026" in text
    assert HourlyVolume.objects.filter(delivery_point=works).count() == 48
    assert HourlyVolume.objects.get(date=DAY, hour=9).kwh == D("4.000")


def test_another_contracts_point_is_refused_without_saying_whose(alice_client, works, bob_contract):
    make_meter(bob_contract, "2", point_code="ТП-9")
    text = upload(alice_client, day_file(), day_file(code="ТП-9")).content.decode()
    assert "Файлы не приняты, ничего не сохранено." in text
    assert "точка «ТП-9» не относится к договору № 1001" in text
    assert "1002" not in text.split('id="hourly-problems"')[1].split("</div>")[0]
    assert not HourlyVolume.objects.exists()


def test_warnings_hold_the_files_until_confirmed(alice_client, works):
    text = upload(alice_client, day_file(flat=True)).content.decode()
    assert "профиль ровный" in text and "Данные не сохранены" in text
    assert not HourlyVolume.objects.exists()
    text = upload(alice_client, day_file(flat=True), confirm=True).content.decode()
    assert "Почасовые данные приняты: 24 ч" in text and "Сохранено с предупреждениями" in text
    assert HourlyVolume.objects.count() == 24


def test_the_form_refuses_what_is_not_xml_and_keeps_the_page(alice_client, works):
    bad = SimpleUploadedFile("readings.csv", b"meter_number;date;value\n", "text/csv")
    response = alice_client.post(URL, {"files": [bad]})
    assert response.status_code == 200
    assert "readings.csv: загрузите файлы XML макета 80020." in response.content.decode()
    assert not HourlyVolume.objects.exists()


def test_categories_1_and_2_have_no_hourly_upload(alice_client, alice_contract):
    make_meter(alice_contract)
    assert (
        "Почасовые данные (макет 80020)"
        not in alice_client.get(reverse("meters:bulk")).content.decode()
    )
    assert alice_client.post(URL, {"files": [day_file()]}).status_code == 404


def test_another_customers_job_is_404(alice_client, bob, works):
    page = upload(alice_client, day_file())
    assert alice_client.get(page.job_url).status_code == 200
    alice_client.force_login(bob)
    assert alice_client.get(page.job_url).status_code == 404
