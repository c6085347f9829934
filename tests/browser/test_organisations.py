"""Organisations in a real browser (issue 19): the owner switches between two contracts;
an accountant sees no «Передача показаний» and is told who has it; a person revoked
mid-session is sent to the login page on the next click."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from conftest import ALICE_PASSWORD, browser_login

pytestmark = pytest.mark.browser


def _second_contract(alice):
    from accounts.models import OrganisationContract
    from billing.models import Contract

    first = alice.contract
    contract = Contract.objects.create(
        branch=first.branch,
        number="1002",
        customer=first.customer,
        date=dt.date(2021, 3, 1),
        price_category=1,
        voltage_level="НН",
        max_power_kw=Decimal("80"),
    )
    OrganisationContract.objects.create(
        organisation=alice.membership.organisation, contract=contract
    )
    return contract


def _logged_in_as(page, live_server, user):
    """The person's session in the browser (an employee logs in by e-mail, issue 19 step 3)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_the_owner_switches_between_two_contracts(page, alice):
    _second_contract(alice)
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    expect(page.get_by_text("№ 1001 от")).to_be_visible()
    overview = page.get_by_test_id("contracts-overview")
    expect(overview).to_contain_text("№ 1002 (Кемерово)")
    page.get_by_label("Договор:").select_option(label="№ 1002 (Кемерово)")
    page.get_by_role("button", name="Выбрать").click()
    expect(page.get_by_text("№ 1002 от")).to_be_visible()
    page.get_by_role("link", name="Передача показаний").click()
    expect(page.get_by_label("Договор:")).to_have_value(
        str(alice.membership.granted_contracts().get(number="1002").pk)
    )


def test_an_accountant_sees_no_readings_and_is_told_who_has_them(page, live_server, carol):
    _logged_in_as(page, live_server, carol)
    page.goto("/cabinet/account/")
    menu = page.get_by_role("navigation", name="Разделы личного кабинета", exact=True)
    expect(menu.get_by_role("link", name="Счет фактура (реализация)")).to_be_visible()
    expect(menu.get_by_role("link", name="Передача показаний")).to_have_count(0)
    page.goto("/cabinet/readings/")
    expect(page.get_by_role("heading", name="Нет доступа")).to_be_visible()
    expect(page.get_by_text("«Руководитель», «Энергетик»")).to_be_visible()


def test_a_person_revoked_mid_session_is_sent_to_the_login_page(page, live_server, carol):
    _logged_in_as(page, live_server, carol)
    page.goto("/cabinet/account/")
    expect(page.get_by_role("heading", name="Лицевой счет")).to_be_visible()
    carol.membership.delete()
    page.get_by_role("navigation", name="Разделы личного кабинета", exact=True).get_by_role(
        "link", name="Мои платежи"
    ).click()
    expect(page.get_by_role("heading", name="Вход в личный кабинет")).to_be_visible()


def test_the_owner_adds_a_second_contract_with_the_mailed_code_and_switches(page, alice):
    import re
    import time

    from django.core import mail

    from billing.models import Contract

    first = alice.contract
    Contract.objects.create(
        branch=first.branch,
        number="1002",
        customer=first.customer,
        date=dt.date(2021, 3, 1),
        price_category=1,
        voltage_level="НН",
        max_power_kw=Decimal("80"),
        email="billing-1002@example.ru",
    )
    browser_login(page, "г. Кемерово", "1001", ALICE_PASSWORD)
    expect(page.get_by_label("Договор:")).to_have_count(0)
    menu = page.get_by_role("navigation", name="Разделы личного кабинета", exact=True)
    menu.get_by_role("link", name="Настройки").click()
    page.get_by_role("link", name="Договоры", exact=True).click()
    page.get_by_label("Кемерово", exact=True).check()
    page.get_by_label("Номер договора").fill("1002")
    page.get_by_role("button", name="Получить код").click()
    expect(page.get_by_role("heading", name="Код для добавления договора")).to_be_visible()

    deadline = time.monotonic() + 10
    while not mail.outbox:
        assert time.monotonic() < deadline, "no code mailed"
        time.sleep(0.05)
    assert mail.outbox[-1].to == ["billing-1002@example.ru"]
    code = re.search(r"Код: (\d{6})", mail.outbox[-1].body).group(1)
    page.get_by_label("Код из письма").fill(code)
    page.get_by_role("button", name="Добавить договор").click()
    expect(page.get_by_text("Договор № 1002 (Кемерово) добавлен")).to_be_visible()
    expect(page.get_by_test_id("attached-contracts")).to_contain_text("№ 1002 (Кемерово)")

    page.get_by_label("Договор:").select_option(label="№ 1002 (Кемерово)")
    page.get_by_role("button", name="Выбрать").click()
    menu.get_by_role("link", name="Лицевой счет").click()
    expect(page.get_by_text("№ 1002 от")).to_be_visible()
    expect(page.get_by_test_id("contracts-overview")).to_contain_text("№ 1001 (Кемерово)")
