"""Key rates are data operators keep current; penalties stop at the day they are confirmed to."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from billing.models import KeyRate, KeyRateConfirmation, LedgerEntry
from billing.services import penalty_report
from core.calendar import next_working_day


def _confirmed_to(day):
    KeyRateConfirmation.objects.all().delete()
    KeyRateConfirmation.objects.create(confirmed_to=day)


def test_import_key_rates_loads_the_rates_and_the_confirmation_day(db, tmp_path, capsys):
    path = tmp_path / "rates.csv"
    path.write_text("date;rate\n16.02.2026;15,50\n01.12.2026;14,50\n", encoding="utf-8")
    call_command("import_key_rates", str(path), "--confirmed-to", "05.12.2026")
    assert KeyRate.objects.get(valid_from=dt.date(2026, 12, 1)).rate == Decimal("14.50")
    assert KeyRateConfirmation.objects.filter(confirmed_to=dt.date(2026, 12, 5)).exists()
    assert "Ключевые ставки подтверждены по 05.12.2026." in capsys.readouterr().out


def test_a_bad_rate_row_names_its_line_and_writes_nothing(db, tmp_path, capsys):
    path = tmp_path / "rates.csv"
    path.write_text("date;rate\n01.12.2026;14,50\n02.12.2026;много\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Ничего не записано"):
        call_command("import_key_rates", str(path), "--confirmed-to", "05.12.2027")
    assert f"{path}:3: rate: «много» не число" in capsys.readouterr().err
    assert not KeyRate.objects.filter(valid_from=dt.date(2026, 12, 1)).exists()
    assert not KeyRateConfirmation.objects.filter(confirmed_to=dt.date(2027, 12, 5)).exists()


def test_accrue_penalties_refuses_a_day_past_the_confirmation(alice_contract):
    _confirmed_to(dt.date(2026, 11, 28))
    LedgerEntry.objects.create(
        contract=alice_contract, kind="accrual", date=dt.date(2026, 10, 31),
        period=dt.date(2026, 10, 1), doc_number="Р-10", debit=Decimal("1000.00"),
    )  # fmt: skip
    with pytest.raises(CommandError, match="Ключевая ставка подтверждена по 28.11.2026"):
        call_command("accrue_penalties", "--date", "30.11.2026")
    assert not LedgerEntry.objects.filter(kind="penalty").exists()
    call_command("accrue_penalties", "--date", "28.11.2026")
    assert LedgerEntry.objects.filter(kind="penalty", date=dt.date(2026, 11, 28)).exists()


def test_the_penalty_page_refuses_a_day_past_the_confirmation(alice_client, alice_contract):
    _confirmed_to(dt.date(2026, 11, 28))
    html = alice_client.get(reverse("billing:penalties"), {"on_date": "2026-11-30"}).content
    assert "Ключевая ставка подтверждена по 28.11.2026" in html.decode()
    assert penalty_report(alice_contract, dt.date(2026, 11, 28)).error == ""


def test_a_term_on_a_moved_holiday_moves_past_it_may_2026():
    # 09.05.2026 is a Saturday; Victory Day's day off moves to Monday 11.05 (decree for 2026).
    assert next_working_day(dt.date(2026, 5, 9)) == dt.date(2026, 5, 12)


def test_a_saturday_made_a_working_day_is_one():
    # 01.11.2025 (Saturday) was a working day: the day off moved to 03.11.2025.
    assert next_working_day(dt.date(2025, 11, 1)) == dt.date(2025, 11, 1)
    assert next_working_day(dt.date(2025, 11, 3)) == dt.date(2025, 11, 5)
