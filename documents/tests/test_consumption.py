"""«Расшифровка потребления Э/Э»: per delivery point, meter and zone, as HTML or PDF."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from documents.statements import consumption
from documents.tests.test_pdf import pdf_of, pdf_pages
from meters.models import DeliveryPoint, Meter, Reading


def meter(contract, number, *, code="ТП-1", zones=1, coefficient="1", digits=6):
    point, _ = DeliveryPoint.objects.get_or_create(
        contract=contract, code=code, defaults={"address": f"г. Кемерово, {code}"}
    )
    return Meter.objects.create(delivery_point=point, number=number, model="Меркурий 230",
                                coefficient=Decimal(coefficient), zones=zones, digits=digits)  # fmt: skip


def read(meter, day, value, zone="T", status="accepted", **fields):
    Reading.objects.create(
        meter=meter, date=day, zone=zone, value=Decimal(value), status=status, **fields
    )


def test_meter_consumption_is_the_difference_times_the_coefficient():
    meter = Meter(digits=6, coefficient=Decimal("60"))
    assert meter.consumption(Decimal("36156"), Decimal("36456"), rollover=False) == 18000
    assert meter.consumption(Decimal("999900"), Decimal("100"), rollover=True) == 200 * 60
    # A drop not confirmed as a rollover is a correction: negative, not 999 994 × 60.
    assert meter.consumption(Decimal("36156"), Decimal("36150"), rollover=False) == -360


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_a_value_billing_corrected_downwards_lowers_the_consumption(alice_contract):
    single = meter(alice_contract, "108008060", coefficient="60")
    read(single, dt.date(2026, 7, 31), "36000")
    read(single, dt.date(2026, 8, 31), "36156", source="customer")
    # Billing found 36 156 was misread: its export puts the register back to 36 150.
    read(single, dt.date(2026, 9, 30), "36150", source="import")
    (row,) = consumption(alice_contract, dt.date(2026, 9, 1), dt.date(2026, 9, 1)).points[0].rows
    assert row.kwh == Decimal("-360.000")  # (36 150 − 36 156) × 60, not about 60 000 000
    (whole,) = consumption(alice_contract, dt.date(2026, 8, 1), dt.date(2026, 9, 1)).points[0].rows
    assert whole.kwh == Decimal("9000.000")  # (36 150 − 36 000) × 60


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_a_confirmed_rollover_inside_the_period_counts_across_zero(alice_contract):
    single = meter(alice_contract, "108008060")
    read(single, dt.date(2026, 7, 31), "999800")
    read(single, dt.date(2026, 8, 31), "999900")
    read(single, dt.date(2026, 9, 30), "100", rollover=True)
    (row,) = consumption(alice_contract, dt.date(2026, 8, 1), dt.date(2026, 9, 1)).points[0].rows
    assert (row.start_value, row.end_value, row.kwh) == (
        Decimal("999800"), Decimal("100"), Decimal("300.000"))  # fmt: skip


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_readings_at_the_start_and_end_of_the_period_per_zone(alice_contract):
    single = meter(alice_contract, "108008060", coefficient="60")
    read(single, dt.date(2026, 7, 31), "36000")
    read(single, dt.date(2026, 8, 31), "36100")
    read(single, dt.date(2026, 9, 30), "36156")
    read(single, dt.date(2026, 9, 29), "99999", status="rejected")
    two = meter(alice_contract, "36125481", code="ТП-2", zones=2)
    for zone, start, end in (("D", "1000", "1500"), ("N", "400", "520")):
        read(two, dt.date(2026, 7, 31), start, zone)
        read(two, dt.date(2026, 9, 30), end, zone)
    result = consumption(alice_contract, dt.date(2026, 8, 1), dt.date(2026, 9, 1))
    first, second = result.points
    (row,) = first.rows
    assert (row.start_date, row.start_value, row.end_date, row.end_value) == (
        dt.date(2026, 7, 31), Decimal("36000"), dt.date(2026, 9, 30), Decimal("36156"))  # fmt: skip
    assert row.kwh == Decimal("9360.000")  # 156 × 60
    assert [(r.zone, r.kwh) for r in second.rows] == [
        ("день", Decimal("500.000")),
        ("ночь", Decimal("120.000")),
    ]
    assert result.kwh == Decimal("9980.000")
    assert dict(result.by_zone) == {"сутки": Decimal("9360.000"), "день": Decimal("500.000"),
                                    "ночь": Decimal("120.000")}  # fmt: skip


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_a_meter_without_readings_in_the_period_says_so(alice_contract):
    silent = meter(alice_contract, "1")
    read(silent, dt.date(2026, 1, 31), "10")
    (row,) = consumption(alice_contract, dt.date(2026, 8, 1), dt.date(2026, 9, 1)).points[0].rows
    assert row.kwh is None and row.end_date is None


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_the_html_page_shows_points_meters_and_totals(alice_client, alice_contract):
    single = meter(alice_contract, "108008060", coefficient="60")
    read(single, dt.date(2026, 7, 31), "36000")
    read(single, dt.date(2026, 9, 30), "36156")
    text = alice_client.get(
        reverse("documents:consumption"),
        {"date_from": "2026-08", "date_to": "2026-09", "format": "html"},
    ).content.decode()
    for expected in ("Точка поставки ТП-1", "108008060", "Меркурий 230", "36 000,000", "36 156,000",
                     "9 360,000", "Всего по договору, кВт·ч"):  # fmt: skip
        assert expected in text, expected


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_the_pdf_format_downloads_a_pdf(alice_client, alice_contract):
    single = meter(alice_contract, "108008060")
    read(single, dt.date(2026, 7, 31), "36000")
    read(single, dt.date(2026, 9, 30), "36156")
    response = alice_client.get(
        reverse("documents:consumption"),
        {"date_from": "2026-08", "date_to": "2026-09", "format": "pdf"},
    )
    assert "rasshifrovka-potrebleniya_1001_2026-08_2026-09.pdf" in response["Content-Disposition"]
    _, text = pdf_of(response)
    assert "108008060" in text and "4205000016" in text and "156,000" in text
    assert "4205109750" in text and "От ООО «ЭССК»" in text


@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_bob_does_not_see_alices_meters(bob_client, alice_contract):
    read(meter(alice_contract, "108008060"), dt.date(2026, 9, 30), "1")
    text = bob_client.get(
        reverse("documents:consumption"), {"date_from": "2026-08", "date_to": "2026-09"}
    ).content.decode()
    assert "108008060" not in text and "У договора нет точек поставки." in text


@pytest.mark.parametrize("meters", [1, 8])
@time_machine.travel(dt.datetime(2026, 11, 28, 12, 0), tick=False)
def test_queries_do_not_grow_with_the_number_of_meters(
    alice_client, alice_contract, django_assert_num_queries, meters
):
    for n in range(meters):
        m = meter(alice_contract, str(n), code=f"ТП-{n % 3}", zones=1 + n % 3)
        for zone in m.zone_codes:
            read(m, dt.date(2026, 7, 31), "1", zone)
            read(m, dt.date(2026, 9, 30), "5", zone)
    url = reverse("documents:consumption")
    query = {"date_from": "2026-08", "date_to": "2026-09"}
    alice_client.get(url, query)
    # session, user with its contract; points, meters, reading dates, reading values; the
    # customer; the billed kWh of the months; the chart's 24 months; the last month's hours
    with django_assert_num_queries(10):
        alice_client.get(url, query)


@time_machine.travel(dt.datetime(2026, 11, 20, 12, 0), tick=False)
def test_the_demo_works_charts_equal_the_tables_and_reach_the_pdf(client, db, caplog):
    """Issue 20: month by month, the monthly kWh chart, the heat map and the daily profile of
    the period's last month, each with its figures as a table, in HTML and in the PDF.

    In the PDF the heat map's 31 days sit on one page under its title, with its legend, and the
    print stylesheet holds nothing WeasyPrint cannot lay out (the screen's grid once reached the
    PDF: a warning per page and 7 s to render instead of 3)."""
    import io
    import re

    from django.core.management import call_command

    from accounts.models import User
    from core.formatting import group_digits
    from meters.hourly import contract_profile

    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(username__endswith="/2002"))
    query = {"date_from": "2026-01", "date_to": "2026-10", "format": "html"}
    html = client.get(reverse("documents:consumption"), query).content.decode()
    assert html.count("Итого по точке поставки за") == 2 * 10  # two points, ten months
    assert "данные сетевой организации" in html and "АИИСКУЭ" in html
    heat = html.split("Почасовое потребление за октябрь 2026, кВт·ч</caption>")[1]
    first_row = re.findall(r"<td class=\"num\">([^<]*)</td>", heat.split("</tr>")[1])
    profile = contract_profile(
        __import__("billing.models").models.Contract.objects.get(number="2002"),
        dt.date(2026, 10, 1),
    )
    assert first_row == [
        group_digits(profile[(dt.date(2026, 10, 1), hour)], 1) for hour in range(24)
    ]
    assert html.count('<rect class="heat-') == 31 * 24
    assert "плановые часы пиковой нагрузки" in html and 'class="chart-peak"' in html
    with caplog.at_level("WARNING", logger="weasyprint"):
        response = client.get(reverse("documents:consumption"), {**query, "format": "pdf"})
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
    _, pages = pdf_pages(response)
    text = " ".join(pages)
    assert "Почасовое потребление за октябрь 2026" in text
    (heat_page,) = [page for page in pages if "Почасовое потребление за октябрь 2026" in page]
    last_range = html.split('<ul class="chart-legend">')[2].split("</li>")[-2]
    assert re.sub(r"<[^>]*>", "", last_range) in heat_page  # the legend under the map
    assert heat_page.index("Почасовое потребление") < heat_page.index(" 31 ")
    assert group_digits(profile[(dt.date(2026, 10, 1), 12)], 1) in text
    assert "Средний рабочий день октябрь 2026" in text
