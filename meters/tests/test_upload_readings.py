"""A customer's CSV/XLSX of readings: every row checked with the same rules, all or nothing."""

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from meters.models import Reading
from meters.tests.conftest import make_meter, monthly

URL = reverse("meters:upload")


def csv_file(text, name="readings.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def post(client, upload, **extra):
    """Post the file and follow to its job's page: the worker's task runs (eagerly, as in
    `make run`) once the upload commits, so the outcome is there at the first view."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(URL, {"file": upload, **extra})
    if response.status_code != 302:
        return response
    assert response["Location"].startswith(URL)
    return client.get(response["Location"])


def test_a_good_csv_saves_every_row(alice_client, alice_meter, alice_contract, last_month_end):
    second = make_meter(alice_contract, "800", history=monthly(1000, step=10))
    today = timezone.localdate()
    text = (
        f"meter_number;date;value\n108008060;{today:%d.%m.%Y};36 300\n800;{today:%Y-%m-%d};1010,0\n"
    )
    response = post(alice_client, csv_file(text))
    assert response.context["problems"] == []
    assert Reading.objects.get(meter=alice_meter, date=today).value == 36300
    assert Reading.objects.get(meter=second, date=today).value == 1010
    assert "Файл readings.csv принят: сохранено показаний 2" in response.content.decode()


def test_a_good_xlsx_with_zones_saves_every_row(alice_client, alice_contract, last_month_end):
    meter = make_meter(
        alice_contract, "600", zones=2, history=[(last_month_end, {"D": 10, "N": 5})]
    )
    book = Workbook()
    sheet = book.active
    sheet.append(["Meter_Number", "Date", "Value", "Zone"])
    sheet.append(["600", dt.datetime.combine(timezone.localdate(), dt.time()), 20, "день"])
    sheet.append([600, timezone.localdate().isoformat(), 8.0, "N"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = post(alice_client, SimpleUploadedFile("readings.xlsx", buffer.getvalue()))
    assert response.context["problems"] == []
    saved = Reading.objects.filter(meter=meter, date=timezone.localdate())
    assert dict(saved.values_list("zone", "value")) == {"D": 20, "N": 8}


def test_a_file_with_bad_rows_saves_nothing_and_lists_every_bad_row(
    alice_client, alice_meter, bob_meter, last_month_end
):
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    text = (
        "meter_number,date,value\n"
        f"108008060,{last_month_end - dt.timedelta(days=3):%d.%m.%Y},36000\n"
        f"555000111,{today:%d.%m.%Y},5100\n"
        f"108008060,{tomorrow:%d.%m.%Y},36400\n"
        f"108008060,{today:%d.%m.%Y},abc\n"
        f"108008060,31.02.2026,36400\n"
    )
    response = post(alice_client, csv_file(text))
    assert response.status_code == 200
    assert response.context["problems"] == [
        f"строка 2: date: Дата раньше даты последнего показания ({last_month_end:%d.%m.%Y}).",
        "строка 3: meter_number: прибора учета 555000111 нет в договоре",
        "строка 4: date: Дата показания не может быть в будущем.",
        "строка 5: value: «abc» — не число.",
        "строка 6: date: «31.02.2026» не дата (ожидается 31.10.2026 или 2026-10-31)",
    ]
    page = response.content.decode()
    assert "Файл не принят, ничего не сохранено. Строки с ошибками (5)" in page
    assert not Reading.objects.filter(source=Reading.Source.CUSTOMER).exists()


def test_one_bad_row_among_good_ones_saves_nothing(alice_client, alice_meter, alice_contract):
    second = make_meter(alice_contract, "800", history=monthly(1000, step=10))
    today = timezone.localdate()
    text = (
        f"meter_number;date;value\n108008060;{today:%d.%m.%Y};36300\n800;{today:%d.%m.%Y};1000000\n"
    )
    response = post(alice_client, csv_file(text))
    assert response.context["problems"] == [
        "строка 3: value: У этого прибора учета не более 6 цифр до запятой."
    ]
    assert not Reading.objects.filter(meter__in=[alice_meter, second], date=today).exists()


def test_a_repeated_row_is_reported(alice_client, alice_meter):
    today = timezone.localdate()
    text = f"meter_number;date;value\n108008060;{today:%d.%m.%Y};36300\n108008060;{today:%Y-%m-%d};36310\n"
    response = post(alice_client, csv_file(text))
    assert response.context["problems"] == ["строка 3: -: повторяет строку 2"]


def test_several_dates_of_one_meter_are_checked_in_order(alice_client, alice_meter, last_month_end):
    today = timezone.localdate()
    middle = last_month_end + (today - last_month_end) // 2
    text = (
        "meter_number;date;value\n"
        f"108008060;{today:%d.%m.%Y};36200\n"
        f"108008060;{middle:%d.%m.%Y};36250\n"
    )
    response = post(alice_client, csv_file(text))
    # The later date is checked against the earlier one from the same file.
    assert response.context["problems"][0].startswith(
        "строка 2: value: Показание меньше предыдущего (36 250)"
    )


def test_rollovers_and_spikes_in_a_file_need_the_confirmation_boxes(alice_client, alice_contract):
    rolled = make_meter(alice_contract, "300", history=monthly(999_900))
    spiking = make_meter(alice_contract, "310", history=monthly(1000, step=10))
    today = timezone.localdate()
    text = f"meter_number;date;value\n300;{today:%d.%m.%Y};150\n310;{today:%d.%m.%Y};2000\n"
    problems = post(alice_client, csv_file(text)).context["problems"]
    assert problems[0].startswith("строка 2: value: Показание меньше предыдущего (999 900)")
    assert problems[1].startswith("строка 3: value: Расход 1 000 кВт·ч более чем в 3 раза")
    response = post(alice_client, csv_file(text), confirm_rollover="on", confirm_spike="on")
    assert response.context["problems"] == []
    assert Reading.objects.get(meter=rolled, date=today).rollover is True
    assert Reading.objects.get(meter=spiking, date=today).status == Reading.Status.FLAGGED


def test_a_file_that_is_not_csv_or_xlsx_is_refused(alice_client, alice_meter):
    response = post(alice_client, SimpleUploadedFile("readings.pdf", b"%PDF-1.4"))
    assert response.context["upload"].errors["file"] == ["Загрузите файл CSV или XLSX."]


def test_a_file_without_the_columns_is_refused(alice_client, alice_meter):
    response = post(alice_client, csv_file("number;value\n108008060;36300\n"))
    assert response.context["problems"] == [
        "readings.csv: meter_number, date: нет обязательного столбца (нет нескольких столбцов)"
    ]


def test_a_multi_zone_meter_needs_the_zone_column(alice_client, alice_contract, last_month_end):
    make_meter(alice_contract, "600", zones=2, history=[(last_month_end, {"D": 10, "N": 5})])
    today = timezone.localdate()
    response = post(alice_client, csv_file(f"meter_number;date;value\n600;{today:%d.%m.%Y};20\n"))
    assert response.context["problems"] == [
        "строка 2: zone: у прибора учета 600 несколько зон: укажите день, ночь"
    ]
    text = f"meter_number;date;value;zone\n600;{today:%d.%m.%Y};20;день\n"
    assert post(alice_client, csv_file(text)).context["problems"] == [
        "строка 2: zone: Введите показание (ночь)."
    ]
    assert Decimal(0) == Reading.objects.filter(source=Reading.Source.CUSTOMER).count()


def test_an_automatic_meter_in_a_file_is_refused(alice_client, alice_contract):
    make_meter(alice_contract, "700", is_automatic=True, history=monthly(5000, step=10))
    today = timezone.localdate()
    response = post(alice_client, csv_file(f"meter_number;date;value\n700;{today:%d.%m.%Y};5100\n"))
    assert response.context["problems"] == [
        "строка 2: meter_number: прибор учета 700 опрашивается автоматически (АИИСКУЭ)"
    ]


def test_a_small_drop_in_a_file_is_refused_even_with_the_rollover_box(alice_client, alice_meter):
    today = timezone.localdate()
    text = f"meter_number;date;value\n108008060;{today:%d.%m.%Y};36150\n"
    problems = post(alice_client, csv_file(text), confirm_rollover="on").context["problems"]
    assert problems[0].startswith(
        "строка 2: value: Показание меньше предыдущего (36 156), а переход через ноль невозможен"
    )
    assert not Reading.objects.filter(date=today).exists()
