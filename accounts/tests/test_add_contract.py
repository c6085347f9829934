"""«Настройки» → «Договоры» (issue 19): Alice adds contract 1002 of her ИНН with the code
mailed to the contract's e-mail in billing; a contract of Bob's ИНН, or none at all, gets
the very same pages and never attaches."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import ContractClaim, OrganisationContract
from accounts.views import CLAIM_REFUSED
from billing.models import Contract


@pytest.fixture
def second(alice):
    """Contract 1002 of Alice's customer, not yet in the cabinet; billing's e-mail on it."""
    first = alice.contract
    return Contract.objects.create(
        branch=first.branch,
        number="1002",
        customer=first.customer,
        date=dt.date(2021, 3, 1),
        price_category=1,
        voltage_level="НН",
        max_power_kw="80",
        email="billing-1002@example.ru",
    )


def ask(client, branch, number):
    return client.post(
        reverse("accounts:contracts"), {"branch": branch.pk, "contract_number": number}
    )


def type_code(client, response, code):
    return client.post(response["Location"], {"code": code})


def mailed_code() -> str:
    return re.search(r"Код: (\d{6})", mail.outbox[-1].body).group(1)


def _page_text(client, response, number):
    """The page's own part, without the per-response CSRF token."""
    text = client.get(response["Location"]).content.decode()
    main = text[text.index("<h1>") : text.index("</form>", text.index("<h1>"))]
    return re.sub(r'value="[^"]{40,}"', "", main).replace(number, "N")


def test_the_code_goes_to_billings_email_and_attaches_the_contract(alice_client, alice, second):
    mail.outbox.clear()
    response = ask(alice_client, second.branch, "1002")
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["billing-1002@example.ru"] and "1002" in message.subject
    done = type_code(alice_client, response, mailed_code())
    assert done.status_code == 302 and done["Location"] == reverse("accounts:contracts")
    assert (
        OrganisationContract.objects.get(contract=second).organisation
        == alice.membership.organisation
    )
    page = alice_client.get(done["Location"]).content.decode()
    assert "Договор № 1002 (Кемерово) добавлен" in page
    assert 'id="id_switch_contract"' in page  # the switcher, now that there are two


def test_a_code_works_once(alice_client, second):
    response = ask(alice_client, second.branch, "1002")
    code = mailed_code()
    type_code(alice_client, response, code)
    again = type_code(alice_client, response, code)
    assert again.context["form"].errors["code"] == [CLAIM_REFUSED]


def test_another_inn_and_an_unknown_number_read_the_same_and_never_attach(
    alice_client, alice, bob, second
):
    mail.outbox.clear()
    own = ask(alice_client, alice.contract.branch, "1002")
    foreign = ask(alice_client, alice.contract.branch, "7007")
    unknown = ask(alice_client, alice.contract.branch, "9999")
    assert len(mail.outbox) == 1  # only to the own contract's billing e-mail
    assert (
        _page_text(alice_client, own, "1002")
        == _page_text(alice_client, foreign, "7007")
        == _page_text(alice_client, unknown, "9999")
    )
    for response in (foreign, unknown):
        refused = type_code(alice_client, response, "123456")
        assert refused.context["form"].errors["code"] == [CLAIM_REFUSED]
    assert not OrganisationContract.objects.filter(
        contract=bob.contract, organisation=alice.membership.organisation
    ).exists()


def test_five_wrong_codes_spend_the_request(alice_client, second):
    response = ask(alice_client, second.branch, "1002")
    code = mailed_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        type_code(alice_client, response, wrong)
    assert ContractClaim.objects.get().tries == 5
    refused = type_code(alice_client, response, code)
    assert refused.context["form"].errors["code"] == [CLAIM_REFUSED]
    assert not OrganisationContract.objects.filter(contract=second).exists()


def test_a_code_expires_after_a_day(alice_client, second):
    response = ask(alice_client, second.branch, "1002")
    code = mailed_code()
    ContractClaim.objects.update(code_sent_at=timezone.now() - dt.timedelta(hours=24, minutes=1))
    refused = type_code(alice_client, response, code)
    assert refused.context["form"].errors["code"] == [CLAIM_REFUSED]


def test_a_contract_held_by_another_organisation_is_refused(alice_client, alice, second):
    from accounts.models import Organisation

    other = Organisation.objects.create(customer=second.customer)
    OrganisationContract.objects.create(organisation=other, contract=second)
    mail.outbox.clear()
    response = ask(alice_client, second.branch, "1002")
    assert not mail.outbox
    assert type_code(alice_client, response, "123456").context["form"].errors["code"] == [
        CLAIM_REFUSED
    ]


def test_staff_give_the_code_by_phone_for_a_contract_without_email(client, alice, second, stella):
    second.email = ""
    second.save()
    client.force_login(alice)
    mail.outbox.clear()
    response = ask(client, second.branch, "1002")
    assert not mail.outbox
    claim_url = response["Location"]
    client.force_login(stella)
    changelist = reverse("admin:accounts_contractclaim_changelist")
    answer = client.post(
        changelist,
        {"action": "issue_code", "_selected_action": [ContractClaim.objects.get().pk]},
        follow=True,
    )
    code = re.search(
        r"Код для договора № 1002 \(Кемерово\): (\d{6})", answer.content.decode()
    ).group(1)
    client.force_login(alice)
    assert client.post(claim_url, {"code": code}).status_code == 302
    assert OrganisationContract.objects.filter(contract=second).exists()


def test_staff_get_no_code_for_a_contract_of_another_inn(client, alice, bob, stella):
    client.force_login(alice)
    ask(client, bob.contract.branch, "7007")
    client.force_login(stella)
    answer = client.post(
        reverse("admin:accounts_contractclaim_changelist"),
        {"action": "issue_code", "_selected_action": [ContractClaim.objects.get().pk]},
        follow=True,
    )
    assert "договор нельзя добавить этой организации" in answer.content.decode()


def test_another_organisations_request_is_a_404(client, alice, bob, second):
    client.force_login(alice)
    response = ask(client, second.branch, "1002")
    client.force_login(bob)
    assert client.get(response["Location"]).status_code == 404
