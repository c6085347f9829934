"""Pen-test High 1 (issue 23): a city, a contract number and the public ИНН open no cabinet.

The attacker (Mallory) knows all three. The owner (ООО «Гамма») proves itself by
the e-mail billing holds for the contract, by the «Код регистрации» of its
«Счет на оплату», or staff approve the registration.
"""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts import services, tokens
from accounts.models import User
from accounts.tests.helpers import NEW_PASSWORD, last_link, link_in, post_login, post_registration
from conftest import make_contract

MALLORY = "mallory@evil.example"


@pytest.fixture
def gamma_with_billing_email(kemerovo):
    return make_contract(kemerovo, "3003", name="ООО «Гамма»", email="buh@gamma.example")


@pytest.fixture
def gamma_without_email(kemerovo):
    return make_contract(kemerovo, "3003", name="ООО «Гамма»")


def test_the_link_goes_to_billings_address_not_to_the_registrant(
    client, kemerovo, gamma_with_billing_email
):
    response = post_registration(client, kemerovo, email=MALLORY)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["buh@gamma.example"]
    assert MALLORY in message.body  # the owner sees who asked
    user = User.objects.get(contract=gamma_with_billing_email)
    assert user.awaits_confirmation and user.confirmation_sent_to == "buh@gamma.example"
    # Mallory's right password opens nothing until the owner opens the link.
    login = post_login(client, kemerovo, "3003", NEW_PASSWORD)
    assert "_auth_user_id" not in client.session
    assert "Регистрация не подтверждена" in login.content.decode()


def test_the_registration_code_sends_the_link_to_the_registrant(
    client, kemerovo, gamma_without_email
):
    code = gamma_without_email.registration_code
    typed = f" {code[:5].lower()} {code[5:]} "  # as a person copies it from paper
    post_registration(client, kemerovo, registration_code=typed)
    (message,) = mail.outbox
    assert message.to == ["gamma@example.ru"]
    response = client.get(link_in(message))
    assert response.status_code == 302
    assert User.objects.get(contract=gamma_without_email).is_active


def test_without_billings_email_or_the_code_staff_must_approve(
    client, kemerovo, gamma_without_email, stella
):
    post_registration(client, kemerovo, email=MALLORY, registration_code="WRONGCODE2")
    assert mail.outbox == []
    user = User.objects.get(contract=gamma_without_email)
    assert user.awaits_confirmation and user.confirmation_sent_to == ""
    # «Отправить письмо повторно» sends nothing either.
    services.resend_confirmation(kemerovo, "3003", lambda path: "http://testserver" + path)
    assert mail.outbox == []

    client.force_login(stella)
    changelist = reverse("admin:accounts_user_changelist")
    assert "ждет одобрения сотрудником" in client.get(changelist).content.decode()
    client.post(changelist, {"action": "approve_registration", "_selected_action": [user.pk]})
    (message,) = mail.outbox
    assert message.to == [MALLORY]  # the person staff checked
    client.logout()
    assert client.get(link_in(message)).status_code == 302
    assert User.objects.get(pk=user.pk).is_active


def test_a_new_registration_replaces_an_unconfirmed_one_and_kills_its_link(
    client, kemerovo, gamma_without_email
):
    code = gamma_without_email.registration_code
    # Mallory got hold of an old invoice; the owner registers after her.
    post_registration(client, kemerovo, email=MALLORY, registration_code=code)
    mallorys_link = last_link()
    post_registration(client, kemerovo, email="owner@gamma.example", registration_code=code)
    owners_link = last_link()
    assert mail.outbox[-1].to == ["owner@gamma.example"]

    failed = client.get(mallorys_link)
    assert failed.status_code == 400
    assert client.get(owners_link).status_code == 302
    user = User.objects.get(contract=gamma_without_email)
    assert user.is_active and user.email == "owner@gamma.example"


def test_a_registration_expires_after_72_hours(
    client, kemerovo, gamma_with_billing_email, monkeypatch, stella
):
    post_registration(client, kemerovo)
    token = last_link().rstrip("/").rsplit("/", 1)[-1]
    later = timezone.now() + dt.timedelta(hours=72, minutes=1)
    monkeypatch.setattr(services.timezone, "now", lambda: later)
    with pytest.raises(tokens.LinkExpired):
        services.confirm_registration(token)
    user = User.objects.get(contract=gamma_with_billing_email)
    with pytest.raises(services.RegistrationExpired):
        services.approve_registration(user, lambda path: path, staff=stella)
    assert not User.objects.get(pk=user.pk).is_active


def test_the_answer_never_tells_whether_a_contract_exists_is_registered_or_pending(
    client, kemerovo, berezovsky, gamma_with_billing_email, alice
):
    """One neutral page for: unknown contract, wrong ИНН, registered, pending, new."""
    pages = set()
    for branch, number, inn in (
        (berezovsky, "3003", "4205000016"),  # no such contract in Березовский
        (kemerovo, "3003", "7707083893"),  # a valid ИНН, not the customer's
        (kemerovo, "1001", "4205000016"),  # Alice's: registered
        (kemerovo, "3003", "4205000016"),  # new
        (kemerovo, "3003", "4205000016"),  # now pending
    ):
        response = post_registration(client, branch, number, inn=inn, email=MALLORY)
        assert response.status_code == 302, response.context["form"].errors
        pages.add((response["Location"], client.get(response["Location"]).content))
    assert len(pages) == 1
    assert MALLORY not in {address for message in mail.outbox for address in message.to}
    # The registered owner hears of the attempt, at the account's address.
    assert [m for m in mail.outbox if m.to == ["alice@example.ru"]][0].subject.startswith(
        "ЭССК: попытка регистрации"
    )
    assert User.objects.get(contract=alice.contract).email == "alice@example.ru"


def test_a_wrong_captcha_still_says_nothing_and_registers_nothing(
    client, kemerovo, gamma_with_billing_email
):
    response = post_registration(client, kemerovo, captcha_1="wrong")
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["captcha"]
    assert not User.objects.filter(contract=gamma_with_billing_email).exists()


def test_staff_see_and_renew_the_registration_code_in_the_admin(
    client, gamma_without_email, stella
):
    from django.contrib.auth.models import Group

    stella.groups.add(Group.objects.get(name="Оператор"))
    client.force_login(stella)
    old = gamma_without_email.registration_code
    change = reverse("admin:billing_contract_change", args=[gamma_without_email.pk])
    assert old in client.get(change).content.decode()
    client.post(
        reverse("admin:billing_contract_changelist"),
        {"action": "renew_registration_code", "_selected_action": [gamma_without_email.pk]},
    )
    gamma_without_email.refresh_from_db()
    assert gamma_without_email.registration_code != old
    assert len(gamma_without_email.registration_code) == 10


def test_the_code_is_printed_on_the_invoice(client, alice_contract, alice_client):
    from documents.tests.factories import make_invoice

    invoice = make_invoice(alice_contract, number="СЧЕТ-1")
    page = alice_client.get(reverse("documents:invoices_detail", args=[invoice.pk]))
    assert (
        f"Код регистрации в личном кабинете ЭССК: <strong>{alice_contract.registration_code}"
        in (page.content.decode())
    )


def test_every_contract_gets_its_own_code(kemerovo):
    codes = {make_contract(kemerovo, str(n), inn="4205000016").registration_code for n in range(20)}
    assert len(codes) == 20
