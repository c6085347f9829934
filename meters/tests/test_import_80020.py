"""`import_80020`: the market's hourly XML, every problem as `file:line: element: reason`."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from meters.format80020 import write_file
from meters.models import HourlyVolume
from meters.tests.conftest import make_meter

DAY = dt.date(2026, 10, 5)
pytestmark = pytest.mark.usefixtures("_today")


@pytest.fixture
def _today():
    with time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False):
        yield


def halves(kwh="1.5"):
    """48 half-hours of `kwh` each, the daytime ones a little higher (not a flat profile)."""
    return {
        start: D(kwh) + (D("0.25") if 8 * 60 <= start < 20 * 60 else 0)
        for start in range(0, 1440, 30)
    }


def xml(day=DAY, inn="4205000016", points=None, version="2") -> str:
    buffer = io.BytesIO()
    write_file(
        buffer, day=day, inn=inn, name="ООО «Кузбасский хлеб»",
        points=points or {"ТП-1": halves()}, version=version,
    )  # fmt: skip
    return buffer.getvalue().decode()


def save(tmp_path, text, name=None, encoding="utf-8"):
    path = tmp_path / (name or f"80020_4205000016_{DAY:%Y%m%d}_1.xml")
    path.write_bytes(text.encode(encoding))
    return path


def run(*paths):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_80020", *map(str, paths), stdout=out, stderr=err)
    finally:
        run.err = err.getvalue().splitlines()
    return out.getvalue()


def line_of(text, fragment, occurrence=1):
    """The 1-based line of the `occurrence`-th line holding `fragment`."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    return found[occurrence - 1]


@pytest.fixture
def point(alice_contract):
    return make_meter(alice_contract).delivery_point


def test_a_day_is_summed_to_hours_and_loading_it_again_replaces_it(point, tmp_path):
    out = run(save(tmp_path, xml()))
    assert "Часов создано: 24, обновлено: 0." in out
    hours = dict(HourlyVolume.objects.filter(delivery_point=point).values_list("hour", "kwh"))
    assert hours[0] == D("3.000") and hours[8] == D("3.500") and len(hours) == 24
    assert sum(hours.values()) == D("1.5") * 48 + D("0.25") * 24
    assert set(HourlyVolume.objects.values_list("source", flat=True)) == {"80020"}
    out = run(save(tmp_path, xml(points={"ТП-1": halves("2")})))
    assert "Часов создано: 0, обновлено: 24." in out
    assert HourlyVolume.objects.get(hour=0).kwh == D("4.000")


def test_version_1_and_a_windows_1251_file_are_read(point, tmp_path):
    text = xml(version="1").replace('encoding="utf-8"', 'encoding="windows-1251"')
    run(save(tmp_path, text, encoding="cp1251"))
    assert HourlyVolume.objects.count() == 24


def test_a_dry_run_writes_nothing(point, tmp_path):
    out = run(save(tmp_path, xml()), "--dry-run")
    assert "Проверено файлов: 1, часов: 24 (05.10.2026–05.10.2026)" in out
    assert not HourlyVolume.objects.exists()


def problem(tmp_path, text, *, name=None):
    path = save(tmp_path, text, name=name)
    with pytest.raises(CommandError, match="Ничего не записано"):
        run(path)
    assert not HourlyVolume.objects.exists()
    return path


def test_a_point_of_no_contract_or_of_another_customer_is_refused(point, bob_contract, tmp_path):
    make_meter(bob_contract, "2", point_code="ТП-9")
    text = xml(points={"ТП-1": halves(), "ТП-9": halves(), "ТП-404": halves()})
    # Bob's contract is another customer's only when the ИНН differs.
    bob_contract.customer.inn = "4205000023"
    bob_contract.customer.save()
    path = problem(tmp_path, text)
    at1 = line_of(text, 'code="ТП-9"')
    at2 = line_of(text, 'code="ТП-404"')
    assert run.err == [
        f"{path}:{at1}: measuringpoint: точка «ТП-9» относится к "
        "договору другого потребителя (ИНН в файле «4205000016»)",
        f"{path}:{at2}: measuringpoint: точка поставки «ТП-404» не найдена",
    ]


def test_a_missing_and_a_doubled_half_hour_are_refused(point, tmp_path):
    text = xml()
    lines = text.splitlines()
    missing = line_of(text, 'start="1030"')
    doubled = line_of(text, 'start="1100"')
    lines[missing - 1] = ""
    lines.insert(doubled, lines[doubled - 1])
    text = "\n".join(lines)
    path = problem(tmp_path, text)
    at3 = line_of(text, "<measuringchannel")
    assert run.err == [
        f"{path}:{doubled + 1}: period: получас 11:00–11:30 повторяется (первый — строка "
        f"{doubled})",
        f"{path}:{at3}: measuringchannel: точка «ТП-1»: нет получасов 10:30–11:00",
    ]


def test_a_negative_value_and_a_bad_status_are_refused(point, tmp_path):
    text = xml()
    text = text.replace(
        '<period start="0000" end="0030"><value status="0">1.5</value>',
        '<period start="0000" end="0030"><value status="0">-1.5</value>',
    )
    text = text.replace(
        'start="0100" end="0130"><value status="0">', 'start="0100" end="0130"><value status="1">'
    )
    text = text.replace(
        'start="0130" end="0200"><value status="0">', 'start="0130" end="0200"><value status="7">'
    )
    path = problem(tmp_path, text)
    at4 = line_of(text, 'start="0000"')
    at5 = line_of(text, 'start="0100"')
    at6 = line_of(text, 'start="0130"')
    assert run.err == [
        f"{path}:{at4}: value: 00:00–00:30: отрицательное значение -1.5",
        f"{path}:{at5}: value: 01:00–01:30: данные недостоверны (status=1), такие не принимаются",
        f"{path}:{at6}: value: 01:30–02:00: неизвестный статус «7»",
    ]


def test_a_day_outside_the_files_own_date_is_refused(point, tmp_path):
    text = xml().replace(
        '<period start="0000" end="0030">', '<period start="202610060000" end="202610060030">'
    )
    path = problem(tmp_path, text)
    at7 = line_of(text, "202610060000")
    channel = line_of(text, "<measuringchannel")
    assert run.err == [
        f"{path}:{at7}: period: получас другого дня (20261006), не дня файла",
        f"{path}:{channel}: measuringchannel: точка «ТП-1»: нет получасов 00:00–00:30",
    ]
    wrong_name = problem(tmp_path, xml(), name="80020_4205000016_20261006_1.xml")
    assert run.err == [f"{wrong_name}:6: day: дата 20261005 не совпадает с датой в имени файла"]


def test_a_day_to_come_and_the_same_day_twice_are_refused(point, tmp_path):
    future = problem(tmp_path, xml(day=dt.date(2026, 12, 1)), name="future.xml")
    at8 = line_of(xml(), "<measuringpoint")
    assert run.err == [f"{future}:1: day: день 01.12.2026 еще не наступил"]
    first = save(tmp_path, xml(), name="a.xml")
    second = save(tmp_path, xml(), name="b.xml")
    with pytest.raises(CommandError):
        run(first, second)
    assert run.err == [
        f"{second}:{at8}: measuringpoint: точка «ТП-1» за 05.10.2026 уже есть: {first}:{at8}"
    ]
    assert not HourlyVolume.objects.exists()


def test_another_format_broken_xml_and_entities_are_refused(point, tmp_path):
    other = problem(tmp_path, '<?xml version="1.0"?>\n<message class="80040"/>\n', name="x.xml")
    assert run.err == [f'{other}:2: message: это не макет 80020 (нужен <message class="80020">)']
    broken = problem(tmp_path, xml()[:400], name="y.xml")
    assert run.err[0].startswith(f"{broken}:") and "не читается как XML" in run.err[0]
    bomb = problem(
        tmp_path,
        '<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY a "aaaa">]>\n<message class="80020">&a;</message>\n',
        name="z.xml",
    )
    assert run.err == [f"{bomb}:0: -: XML с сущностями (DTD) не принимается"]


def test_a_flat_profile_is_loaded_with_a_warning(point, tmp_path):
    flat = {start: D("1") for start in range(0, 1440, 30)}
    out = run(save(tmp_path, xml(points={"ТП-1": flat})))
    assert "Предупреждение: договор № 1001, 10.2026: профиль ровный" in out
    assert HourlyVolume.objects.count() == 24
