"""Issue 17 proof in a real browser: one test per contradiction a customer could see between
the money pages («Лицевой счет», «Оплатить», «Расчет пени», the history, «Акт сверки»,
«Счет на оплату»). The portal and the mock bank are served by the live server over HTTP."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from billing import demo
from billing.models import Contract, LedgerEntry
from conftest import ALICE_PASSWORD, browser_login, make_user
from core.dates import month_end, month_start
from documents.demo import advance_line
from documents.models import Document
from documents.services import issue_document

pytestmark = pytest.mark.browser

D = Decimal
PASSWORD_2002 = "Pass-2002-word"


@pytest.fixture
def real_http(settings, live_server):
    """The portal and the mock bank talk real HTTP on the live server's port."""
    from gateway import notifications
    from payments import client

    client.TRANSPORT, notifications.TRANSPORT = None, None


def _text(locator) -> str:
    return re.sub(r"\s+", " ", locator.inner_text()).strip()


def _pay_by_card(page, amount: str) -> None:
    """On «Оплатить» with the amount prefilled: consent, the bank's page, the success card."""
    expect(page.get_by_label("Сумма оплаты, руб.")).to_have_value(amount)
    page.get_by_label("Я согласен с условиями оплаты пользовательского соглашения").check()
    page.get_by_role("button", name="Оплатить").click()
    expect(page.get_by_role("heading", name="Оплата банковской картой")).to_be_visible()
    page.get_by_label("Номер карты").fill("4111 1111 1111 1111")
    page.get_by_label("Срок действия (ММ/ГГ)").fill("12/30")
    page.get_by_label("Владелец карты").fill("IVAN PETROV")
    page.get_by_label("CVV/CVC2").fill("123")
    page.get_by_role("button", name="Оплатить").click()
    page.get_by_role("button", name="Подтвердить").click()
    expect(page.get_by_text("Оплата проведена успешно")).to_be_visible()


def _field_amount(shown: str) -> str:
    """«3 187 660,92 руб.» (or «3 187 660,92») as the amount field holds it: «3187660,92»."""
    return shown.removesuffix(" руб.").replace(" ", "").replace("\u00a0", "")


def _statement(page, date_from: str, date_to: str) -> str:
    page.get_by_role("link", name="Акт сверки").click()
    page.get_by_label("Период с").fill(date_from)
    page.get_by_label("Период по").fill(date_to)
    page.get_by_role("button", name="Сформировать").click()
    return _text(page.locator("p.conclusion"))


# (a) Paying the prefilled amounts leaves neither debt, penalty nor overpayment -----------


@pytest.fixture
def contract_2002(db):
    """The demo's contract 2002 (billing.demo): twelve months, payments late, penalties booked
    at the end of last month, more calculated since."""
    demo.seed({}, io.StringIO())
    contract = Contract.objects.get(branch__code="kemerovo", number="2002")
    make_user(contract, PASSWORD_2002)
    return contract


def test_paying_energy_and_penalties_as_prefilled_clears_the_account_and_the_statement(
    page, real_http, contract_2002
):
    browser_login(page, "г. Кемерово", "2002", PASSWORD_2002)
    energy = _text(page.get_by_test_id("energy"))
    expect(page.locator("dl.state")).to_contain_text("Задолженность")
    expect(page.get_by_test_id("penalty")).not_to_have_text("нет")
    expect(page.get_by_test_id("penalty-calculated")).to_be_visible()

    page.get_by_role("link", name="Оплатить электроэнергию").click()
    expect(page.get_by_test_id("purpose-energy")).to_be_checked()
    _pay_by_card(page, _field_amount(energy))
    page.get_by_role("link", name="Лицевой счет").first.click()
    expect(page.get_by_test_id("energy")).to_have_text("нет")
    # Energy paid does not pay the penalty (ГК РФ ст. 319): it is still owed, not overpaid.
    expect(page.get_by_text("Переплата")).to_have_count(0)

    page.get_by_role("link", name="Оплатить пени").click()
    expect(page.get_by_test_id("purpose-penalty")).to_be_checked()
    penalty = page.get_by_test_id("purpose-penalty").get_attribute("data-amount")
    _pay_by_card(page, _field_amount(penalty))
    page.get_by_role("link", name="Лицевой счет").first.click()
    expect(page.get_by_test_id("energy")).to_have_text("нет")
    expect(page.get_by_test_id("penalty")).to_have_text("нет")
    expect(page.get_by_test_id("penalty-calculated")).to_have_count(0)
    expect(page.get_by_text("Переплата")).to_have_count(0)
    expect(page.get_by_role("link", name="Оплатить пени")).to_have_count(0)

    today = timezone.localdate()
    conclusion = _statement(page, f"{month_start(today, -12):%Y-%m}", f"{today:%Y-%m}")
    assert conclusion == f"На {today:%d.%m.%Y} задолженность отсутствует."


# (b) «Задолженность» and «Пени» are the same figures on every page -----------------------


@pytest.fixture
def alice_in_debt(alice):
    """Two months ago billed 120 000,00; 20 000,00 paid last month; no penalty booked yet."""
    today = timezone.localdate()
    billed = month_start(today, -2)
    LedgerEntry.objects.create(
        contract=alice.contract, kind="accrual", date=month_end(billed), period=billed,
        doc_number="Р-1", doc_date=month_end(billed), debit=D("120000.00"),
    )  # fmt: skip
    paid_on = month_start(today, -1) + dt.timedelta(days=14)
    LedgerEntry.objects.create(
        contract=alice.contract, kind="payment", date=paid_on, doc_number="п/п 77",
        doc_date=paid_on, credit=D("20000.00"),
    )  # fmt: skip
    return billed


def test_the_debt_and_the_penalty_read_the_same_on_every_page(page, alice_in_debt):
    today = timezone.localdate()
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    expect(page.get_by_test_id("energy")).to_have_text("100 000,00 руб.")
    expect(page.get_by_test_id("penalty")).to_have_text("нет")
    # Not booked yet, but calculated: the account says so beside «Пени начисленные: нет».
    calculated = _text(page.get_by_test_id("penalty-calculated"))
    assert calculated.endswith(" руб.") and calculated != "0,00 руб."
    expect(page.locator("dl.state")).to_contain_text(
        f"Пени по расчету на {today:%d.%m.%Y}, еще не начисленные"
    )
    page.get_by_role("link", name="Показать расчет пени").click()
    expect(page.get_by_test_id("calculated")).to_have_text(calculated)
    page.get_by_role("link", name="← Лицевой счет").click()

    page.get_by_role("link", name="Вся история операций").click()
    page.get_by_label("Период с").fill(f"{alice_in_debt:%Y-%m-%d}")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_test_id("closing")).to_have_text(
        "Задолженность: 100 000,00 руб.; Пени начисленные: нет"
    )
    conclusion = _statement(page, f"{alice_in_debt:%Y-%m}", f"{today:%Y-%m}")
    assert conclusion.startswith(
        f"На {today:%d.%m.%Y} задолженность в пользу ООО «ЭССК» составляет 100 000,00 руб."
    )
    assert "Пени" not in conclusion

    # The penalty run books the calculation: every page now shows it as booked.
    call_command("accrue_penalties", "--date", f"{today:%d.%m.%Y}", stdout=io.StringIO())
    page.get_by_role("link", name="Лицевой счет").first.click()
    expect(page.get_by_test_id("energy")).to_have_text("100 000,00 руб.")
    expect(page.get_by_test_id("penalty")).to_have_text(calculated)
    expect(page.get_by_test_id("penalty-calculated")).to_have_count(0)
    page.get_by_role("link", name="Вся история операций").click()
    page.get_by_label("Период с").fill(f"{alice_in_debt:%Y-%m-%d}")
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_test_id("closing")).to_have_text(
        f"Задолженность: 100 000,00 руб.; Пени начисленные: {calculated}"
    )
    conclusion = _statement(page, f"{alice_in_debt:%Y-%m}", f"{today:%Y-%m}")
    assert f"Пени, начисленные и не оплаченные, составляют {calculated}" in conclusion


# (c) Paying the advance invoice exactly leaves nothing short --------------------------------


@pytest.fixture
def november_advance_invoice(alice):
    """October 2026 billed 3 192 040,85 (310 463 kWh); the 30 % advance invoice of November."""
    october = LedgerEntry.objects.create(
        contract=alice.contract, kind="accrual", date=dt.date(2026, 10, 31),
        period=dt.date(2026, 10, 1), doc_number="Р-10", doc_date=dt.date(2026, 10, 31),
        volume_kwh=D("310463"), amount_net=D("2616426.93"), vat=D("575613.92"),
        debit=D("3192040.85"),
    )  # fmt: skip
    november = dt.date(2026, 11, 1)
    return issue_document(
        alice.contract, Document.Kind.INVOICE, "А-1001-202611", november, november,
        [advance_line(october, november)],
    )  # fmt: skip


def test_the_advance_invoice_paid_exactly_on_its_day_leaves_nothing_late(
    page, november_advance_invoice, tmp_path
):
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    menu = page.get_by_role("navigation", name="Разделы личного кабинета")
    menu.get_by_role("link", name="Счет на оплату", exact=True).click()
    page.get_by_role("link", name="№ А-1001-202611", exact=True).click()
    total = _text(page.locator("tr", has_text="Всего к оплате:").locator("td.num"))
    assert total == "957 612,26"  # 30 % of 3 192 040,85 = 957 612,255, to the kopeck

    # The customer's bank pays the invoice to the kopeck on its term, 10.11.2026.
    payments = tmp_path / "payments.csv"
    payments.write_text(
        "city;contract_number;date;amount;doc_number\n"
        f"Кемерово;1001;10.11.2026;{total.replace(' ', '')};п/п 501\n",
        encoding="utf-8",
    )
    call_command("import_payments", str(payments), stdout=io.StringIO())

    page.get_by_role("link", name="Лицевой счет").first.click()
    page.get_by_role("link", name="Показать расчет пени").click()
    page.get_by_label("Дата расчета").fill("2026-11-17")
    page.get_by_role("button", name="Рассчитать").click()
    expect(
        page.get_by_text("Просроченных платежей на 17.11.2026 нет — пени не начисляются.")
    ).to_be_visible()
    expect(page.get_by_test_id("calculated")).to_have_text("0,00 руб.")

    # Later, October's rest and the 40 % are late; the 30 % advance, paid exactly, never is.
    page.get_by_label("Дата расчета").fill("2026-11-30")
    page.get_by_role("button", name="Рассчитать").click()
    table = page.locator("table.penalties")
    expect(table).to_contain_text("Окончательный расчет за октябрь 2026")
    expect(table).to_contain_text("Аванс 40 % за ноябрь 2026")
    expect(table).not_to_contain_text("Аванс 30 % за ноябрь 2026")
