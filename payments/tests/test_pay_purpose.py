"""«Оплатить» asks what is paid (ГК РФ ст. 319, 319.1) and the choice reaches the ledger."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from billing.ledger import account_summary
from billing.models import LedgerEntry
from billing.services import penalty_report
from billing.tests.factories import make_entry
from payments.tests.helpers import paid

URL = reverse("payments:pay")


def _debt_with_penalty(contract):
    """October's charge, unpaid, and a penalty booked on it at the end of November."""
    make_entry(contract, debit=Decimal("10281.55"))
    LedgerEntry.objects.create(
        contract=contract, kind="penalty", source="system", date=dt.date(2026, 11, 30),
        period=dt.date(2026, 11, 1), debit=Decimal("150.00"),
    )  # fmt: skip


def test_it_offers_energy_prefilled_with_the_energy_debt_and_penalties_with_their_amount(
    alice_client, alice_contract
):
    _debt_with_penalty(alice_contract)
    response = alice_client.get(URL)
    due = penalty_report(alice_contract, timezone.localdate()).due
    assert due > 0
    html = response.content.decode()
    assert response.context["form"].initial == {"purpose": "energy", "amount": Decimal("10281.55")}
    assert "за электроэнергию — задолженность 10 281,55 руб." in html
    assert 'data-testid="purpose-penalty"' in html and "пени — к оплате" in html


def test_asking_for_penalties_prefills_the_unpaid_penalty_not_the_energy_debt(
    alice_client, alice_contract
):
    _debt_with_penalty(alice_contract)
    form = alice_client.get(URL, {"purpose": "penalty"}).context["form"]
    due = penalty_report(alice_contract, timezone.localdate()).due
    assert form.initial == {"purpose": "penalty", "amount": due}


def test_a_payment_for_penalties_is_credited_to_penalties_only(alice_client, alice_contract):
    _debt_with_penalty(alice_contract)
    payment = paid(alice_client, "150,00", purpose="penalty")
    assert payment.status == "paid" and payment.purpose == "penalty"
    assert payment.ledger_entry.purpose == "penalty"
    assert payment.ledger_entry.description == "Оплата пени картой через личный кабинет"
    summary = account_summary(alice_contract)
    assert summary["energy"] == Decimal("-10281.55")  # the energy debt is untouched


def test_a_payment_without_a_stated_purpose_pays_energy(alice_client, alice_contract):
    _debt_with_penalty(alice_contract)
    payment = paid(alice_client, "281,55")
    assert payment.purpose == "energy" and payment.ledger_entry.purpose == "energy"
    summary = account_summary(alice_contract)
    assert summary["energy"] == Decimal("-10000.00")
    assert summary["penalty"] <= Decimal("-150.00")  # never taken from the penalty


def test_an_unknown_purpose_is_refused_next_to_the_choice(alice_client, alice_contract):
    response = alice_client.post(URL, {"purpose": "gift", "amount": "500", "agree": "on"})
    assert response.status_code == 200
    assert "Выберите назначение платежа: за электроэнергию или пени." in response.content.decode()
