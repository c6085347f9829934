"""Several contracts of one organisation: the switcher and the summary on «Лицевой счет».

Alice's organisation holds 1001 and 1002 (the same customer); Carol, her
accountant, was granted 1001 only; Bob's 7007 is another customer's.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import OrganisationContract
from billing.models import Contract


@pytest.fixture
def second_contract(alice, alice_contract):
    contract = Contract.objects.create(
        branch=alice_contract.branch,
        number="1002",
        customer=alice_contract.customer,
        date=dt.date(2021, 3, 1),
        price_category=1,
        voltage_level="НН",
        max_power_kw=Decimal("80"),
    )
    OrganisationContract.objects.create(
        organisation=alice.membership.organisation, contract=contract
    )
    return contract


def _choose(client, contract, next_path="/cabinet/account/"):
    return client.post(reverse("choose_contract"), {"contract": contract.pk, "next": next_path})


def test_a_person_with_one_contract_sees_no_switcher(alice_client):
    assert "Договор:" not in alice_client.get(reverse("billing:account")).content.decode()


def test_the_owner_switches_to_the_second_contract(alice_client, second_contract):
    page = alice_client.get(reverse("billing:account")).content.decode()
    assert "Договор:" in page and "№ 1002 (Кемерово)" in page
    response = _choose(alice_client, second_contract)
    assert response.status_code == 302 and response["Location"] == "/cabinet/account/"
    response = alice_client.get(reverse("billing:account"))
    assert response.context["contract"] == second_contract


def test_another_customers_contract_cannot_be_chosen(alice_client, bob, second_contract):
    response = _choose(alice_client, bob.contract)
    assert response.status_code == 302
    assert alice_client.get(reverse("billing:account")).context["contract"].number == "1001"


def test_an_employee_cannot_choose_a_contract_not_granted(client, carol, second_contract):
    client.force_login(carol)
    answer_for_not_granted = _choose(client, second_contract)
    answer_for_unknown = client.post(reverse("choose_contract"), {"contract": 999999, "next": "/"})
    assert answer_for_not_granted.status_code == answer_for_unknown.status_code == 302
    response = client.get(reverse("billing:account"))
    assert response.context["contract"].number == "1001"
    assert "1002" not in response.content.decode()


def test_switching_on_a_page_of_one_object_returns_to_the_landing_page(
    alice_client, second_contract
):
    response = _choose(alice_client, second_contract, "/cabinet/account/history/5/")
    assert response["Location"] == reverse("billing:account")


def test_the_account_page_sums_up_every_contract(alice_client, alice_contract, second_contract):
    from billing.tests.factories import make_entry

    make_entry(second_contract)
    response = alice_client.get(reverse("billing:account"))
    rows = response.context["overview"]
    assert [row["contract"] for row in rows] == [alice_contract, second_contract]
    assert rows[1]["summary"]["as_of"] is not None
    assert 'data-testid="contracts-overview"' in response.content.decode()


def test_a_section_shows_the_chosen_contracts_objects_only(alice_client, second_contract):
    from billing.tests.factories import make_entry

    entry = make_entry(second_contract)
    url = reverse("billing:entry", kwargs={"pk": entry.pk})
    assert alice_client.get(url).status_code == 404
    _choose(alice_client, second_contract)
    assert alice_client.get(url).status_code == 200
