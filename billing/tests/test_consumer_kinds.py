"""Penalties by consumer kind (35-ФЗ ст. 37 п. 2; ЖК РФ ст. 155 п. 14), worked by hand.

One debt of 100 000,00 руб. due 18.11.2025 (a Tuesday) and unpaid, calculated on
18.03.2026: late from 19.11.2025 to 18.03.2026 inclusive = 12 + 31 + 31 + 28 + 18 = 120
days, at the key rate of the calculation day (15,50 % since 16.02.2026).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from billing.models import Contract
from billing.penalties import (
    HOUSING,
    OTHER,
    POPULATION,
    KeyRates,
    Obligation,
    penalty_lines,
)

D = Decimal
RATES = KeyRates(
    [
        (dt.date(2025, 10, 27), D("16.50")),
        (dt.date(2025, 12, 22), D("16.00")),
        (dt.date(2026, 2, 16), D("15.50")),
    ]
)
DUE = [Obligation(dt.date(2025, 11, 18), D("100000.00"), "Окончательный расчет за октябрь")]
ON = dt.date(2026, 3, 18)


def _lines(kind):
    lines = penalty_lines(DUE, [], RATES, ON, kind)
    return [(line.date_from, line.date_to, line.days, line.share, line.amount) for line in lines]


def test_the_debt_is_late_120_days():
    assert (ON - DUE[0].due).days == 120


def test_other_consumers_pay_1_130th_from_the_first_day():
    # 100 000 × 120 × 15,5 % / 130 = 1 860 000 / 130 = 14 307,692… → 14 307,69
    assert _lines(OTHER) == [
        (dt.date(2025, 11, 19), ON, 120, "1/130", D("14307.69")),
    ]


def test_a_managing_organisation_pays_1_300th_then_1_170th_then_1_130th():
    # days 1–60 (19.11.2025–17.01.2026): 100 000 × 60 × 0,155 / 300 = 930 000 / 300 = 3 100,00
    # days 61–90 (18.01–16.02.2026): 100 000 × 30 × 0,155 / 170 = 465 000 / 170 = 2 735,294… → 2 735,29
    # days 91–120 (17.02–18.03.2026): 100 000 × 30 × 0,155 / 130 = 465 000 / 130 = 3 576,923… → 3 576,92
    # total 9 412,21
    lines = _lines(HOUSING)
    assert lines == [
        (dt.date(2025, 11, 19), dt.date(2026, 1, 17), 60, "1/300", D("3100.00")),
        (dt.date(2026, 1, 18), dt.date(2026, 2, 16), 30, "1/170", D("2735.29")),
        (dt.date(2026, 2, 17), ON, 30, "1/130", D("3576.92")),
    ]
    assert sum(line[-1] for line in lines) == D("9412.21")


def test_the_population_pays_nothing_for_30_days_then_1_300th_then_1_130th():
    # days 1–30 (19.11–18.12.2025): nothing
    # days 31–90 (19.12.2025–16.02.2026): 100 000 × 60 × 0,155 / 300 = 3 100,00
    # days 91–120 (17.02–18.03.2026): 100 000 × 30 × 0,155 / 130 = 3 576,923… → 3 576,92
    # total 6 676,92
    lines = _lines(POPULATION)
    assert lines == [
        (dt.date(2025, 11, 19), dt.date(2025, 12, 18), 30, "0", D("0.00")),
        (dt.date(2025, 12, 19), dt.date(2026, 2, 16), 60, "1/300", D("3100.00")),
        (dt.date(2026, 2, 17), ON, 30, "1/130", D("3576.92")),
    ]
    assert sum(line[-1] for line in lines) == D("6676.92")


def test_a_debt_paid_on_day_20_costs_the_population_nothing():
    paid = [(dt.date(2025, 12, 8), D("100000.00"))]
    lines = penalty_lines(DUE, paid, RATES, ON, POPULATION)
    assert sum(line.amount for line in lines) == D("0.00")


def test_the_contracts_kind_comes_from_import_contracts_default_other(kemerovo, tmp_path):
    path = tmp_path / "contracts.csv"
    path.write_text(
        "city;contract_number;contract_date;customer_name;inn;kpp;address;price_category;"
        "voltage_level;max_power_kw;consumer_kind\n"
        "Кемерово;7001;15.01.2020;ТСЖ «Мира»;4205000016;420501001;ул. Мира, 5;1;НН;15;ТСЖ\n"
        "Кемерово;7002;15.01.2020;ТСЖ «Мира»;4205000016;420501001;ул. Мира, 5;1;НН;15;население\n"
        "Кемерово;7003;15.01.2020;ТСЖ «Мира»;4205000016;420501001;ул. Мира, 5;1;НН;15;\n",
        encoding="utf-8",
    )
    call_command("import_contracts", str(path))
    kinds = dict(Contract.objects.values_list("number", "consumer_kind"))
    assert kinds == {"7001": "housing", "7002": "population", "7003": "other"}


def test_a_bad_consumer_kind_is_refused_with_its_line(kemerovo, tmp_path, capsys):
    path = tmp_path / "contracts.csv"
    path.write_text(
        "city;contract_number;contract_date;customer_name;inn;kpp;address;price_category;"
        "voltage_level;max_power_kw;consumer_kind\n"
        "Кемерово;7001;15.01.2020;ООО «А»;4205000016;420501001;ул. Мира, 5;1;НН;15;бюджет\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="Ничего не записано"):
        call_command("import_contracts", str(path))
    assert f"{path}:2: consumer_kind: «бюджет» — допустимо" in capsys.readouterr().err
    assert not Contract.objects.exists()


def test_the_penalty_page_names_the_contracts_kind(alice_client, alice_contract):
    alice_contract.consumer_kind = "housing"
    alice_contract.save(update_fields=["consumer_kind"])
    html = alice_client.get(reverse("billing:penalties")).content.decode()
    assert (
        "Категория потребителя по договору: <strong>управляющие организации, ТСЖ, ЖСК</strong>"
        in html
    )
