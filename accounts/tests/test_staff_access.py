"""«Настройки» → «Доступ сотрудников» (issue 19): Alice, the «Руководитель», invites,
changes, takes away and revokes; Carol is her «Бухгалтер»; Bob runs another organisation."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Invitation, Membership, Role, User
from accounts.tests.helpers import NEW_PASSWORD, link_in
from conftest import BOB_PASSWORD, MEMBER_PASSWORD, make_contract


def invite(client, email="dina@example.ru", role=Role.ACCOUNTANT, contracts=None, **extra):
    return client.post(
        reverse("accounts:invite"),
        {"email": email, "role": role, "contracts": contracts or [], **extra},
    )


def accept(client, link, password=NEW_PASSWORD, **extra):
    data = {
        "last_name": "Иванова",
        "first_name": "Елена",
        "middle_name": "Петровна",
        "password1": password,
        "password2": password,
        **extra,
    }
    return client.post(link, data)


@pytest.fixture
def invited(alice_client, alice):
    """Alice invited Dina as her accountant on contract 1001: the link of the mail."""
    mail.outbox.clear()
    response = invite(alice_client, contracts=[alice.contract.pk])
    assert response.status_code == 302
    alice_client.logout()
    return link_in(mail.outbox[-1])


def test_the_owner_sees_the_people_and_the_settings_entry(alice_client, carol):
    settings_page = alice_client.get(reverse("accounts:settings")).content.decode()
    assert reverse("accounts:staff_access") in settings_page
    text = alice_client.get(reverse("accounts:staff_access")).content.decode()
    assert "carol@example.ru" in text and "Бухгалтер" in text and "Пригласить" in text


def test_an_employee_has_no_access_entry_in_settings(client, carol):
    client.force_login(carol)
    assert (
        reverse("accounts:staff_access")
        not in client.get(reverse("accounts:settings")).content.decode()
    )
    response = client.get(reverse("accounts:staff_access"))
    assert response.status_code == 403 and "Руководитель" in response.content.decode()


def test_an_invitation_mails_a_link_and_says_so(alice_client, alice):
    mail.outbox.clear()
    response = invite(alice_client, contracts=[alice.contract.pk])
    assert response.status_code == 302
    page = alice_client.get(response["Location"]).content.decode()
    assert "Приглашение отправлено на dina@example.ru" in page
    assert "dina@example.ru" in page  # in the list of invitations
    (message,) = mail.outbox
    assert message.to == ["dina@example.ru"]
    assert "ООО «Альфа»" in message.body and "«Бухгалтер»" in message.body
    assert "/accounts/invitation/" in link_in(message)
    invitation = Invitation.objects.get()
    assert invitation.invited_by == alice and list(invitation.contracts.all()) == [alice.contract]


def test_the_answer_is_the_same_for_an_address_with_an_account(alice_client, alice, bob):
    mail.outbox.clear()
    first = alice_client.get(invite(alice_client, contracts=[alice.contract.pk])["Location"])
    second = alice_client.get(
        invite(alice_client, email="bob@example.ru", contracts=[alice.contract.pk])["Location"]
    )
    strip = lambda response, email: response.content.decode().replace(email, "@")  # noqa: E731
    assert "Приглашение отправлено на bob@example.ru" in second.content.decode()
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["bob@example.ru"]
    assert strip(first, "dina@example.ru").count("Приглашение отправлено") == strip(
        second, "bob@example.ru"
    ).count("Приглашение отправлено")


def test_an_employee_role_needs_a_contract(alice_client):
    response = invite(alice_client)
    assert response.status_code == 200
    assert response.context["form"].errors["contracts"] == ["Отметьте хотя бы один договор."]
    assert not Invitation.objects.exists()


def test_a_contract_of_another_organisation_cannot_be_granted(alice_client, bob):
    response = invite(alice_client, contracts=[bob.contract.pk])
    assert "contracts" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_the_invitee_sets_a_name_and_password_and_lands_in_the_role(client, alice, invited):
    page = client.get(invited)
    assert page.status_code == 200 and "dina@example.ru" in page.content.decode()
    response = accept(client, invited)
    assert response.status_code == 302 and response["Location"] == reverse("billing:account")
    dina = User.objects.get(email="dina@example.ru")
    assert (dina.last_name, dina.first_name, dina.middle_name) == ("Иванова", "Елена", "Петровна")
    assert dina.email_confirmed_at is not None and dina.contract is None
    assert dina.membership.role == Role.ACCOUNTANT
    assert list(dina.membership.granted_contracts()) == [alice.contract]
    assert client.session["_auth_user_id"] == str(dina.pk)
    # Then by e-mail and password, no city.
    other = Client()
    login = other.post(
        reverse("accounts:login"),
        {"branch": "", "contract_number": "Dina@Example.ru", "password": NEW_PASSWORD},
    )
    assert login.status_code == 302 and other.session["_auth_user_id"] == str(dina.pk)


def test_the_link_works_once(client, invited):
    accept(client, invited)
    client.logout()
    again = client.get(invited)
    assert again.status_code == 400 and "уже не действует" in again.content.decode()
    assert accept(client, invited).status_code == 400
    assert User.objects.filter(email="dina@example.ru").count() == 1


def test_the_link_expires_after_three_days(client, invited):
    with time_machine.travel(dt.timedelta(days=3, minutes=1)):
        response = client.get(invited)
    assert response.status_code == 400 and "истек" in response.content.decode()


def test_a_resent_invitation_kills_the_earlier_link(alice_client, invited, alice):
    alice_client.force_login(alice)
    invitation = Invitation.objects.get()
    alice_client.post(reverse("accounts:invitation_resend", args=[invitation.pk]))
    alice_client.logout()
    assert alice_client.get(invited).status_code == 400
    assert alice_client.get(link_in(mail.outbox[-1])).status_code == 200


def test_a_revoked_invitation_link_is_dead(alice_client, invited, alice):
    alice_client.force_login(alice)
    invitation = Invitation.objects.get()
    alice_client.post(reverse("accounts:invitation_revoke", args=[invitation.pk]))
    alice_client.logout()
    assert alice_client.get(invited).status_code == 400
    assert "dina@example.ru" not in Client().get(invited).content.decode()


def test_a_forged_link_is_invalid(client, db):
    response = client.get(reverse("accounts:invitation_accept", args=["forged"]))
    assert response.status_code == 400 and "недействительна" in response.content.decode()


def test_an_address_with_another_account_gets_a_new_one_with_its_own_password(client, bob, alice):
    from django.utils import timezone

    bob.email_confirmed_at = timezone.now()
    bob.save(update_fields=["email_confirmed_at"])
    client.force_login(alice)
    mail.outbox.clear()
    invite(client, email="bob@example.ru", contracts=[alice.contract.pk])
    link = link_in(mail.outbox[-1])
    invitee = Client()
    refused = accept(invitee, link, password=BOB_PASSWORD)
    assert "password1" in refused.context["form"].errors
    assert accept(invitee, link).status_code == 302
    new = User.objects.get(
        email="bob@example.ru", membership__organisation=alice.membership.organisation
    )
    assert new.pk != bob.pk and new.username != bob.username
    bob.refresh_from_db()
    assert bob.membership.organisation != alice.membership.organisation


def test_an_existing_member_is_not_invited_twice(alice_client, carol, alice):
    response = invite(alice_client, email="carol@example.ru", contracts=[alice.contract.pk])
    assert response.context["form"].errors["email"] == [
        "Сотрудник с этим e-mail уже есть в списке."
    ]


def _carol_session(carol):
    session = Client()
    session.force_login(carol)
    assert session.get(reverse("billing:account")).status_code == 200
    return session


def _is_logged_out(session) -> bool:
    response = session.get(reverse("billing:account"))
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def test_a_role_change_ends_the_persons_sessions_at_once(alice_client, carol):
    session = _carol_session(carol)
    response = alice_client.post(
        reverse("accounts:member_edit", args=[carol.membership.pk]),
        {"role": Role.ENGINEER, "contracts": [carol.membership.contracts.get().pk]},
    )
    assert response.status_code == 302
    assert _is_logged_out(session)
    carol.refresh_from_db()
    assert carol.membership.role == Role.ENGINEER


def test_a_contract_taken_away_ends_the_session_and_is_no_longer_granted(
    alice_client, alice, carol, kemerovo
):
    from accounts.models import OrganisationContract

    second = make_contract(kemerovo, "1002", inn=alice.contract.customer.inn)
    second.customer = alice.contract.customer
    second.save()
    OrganisationContract.objects.create(organisation=alice.membership.organisation, contract=second)
    carol.membership.contracts.add(second)
    session = _carol_session(carol)
    alice_client.post(
        reverse("accounts:member_edit", args=[carol.membership.pk]),
        {"role": Role.ACCOUNTANT, "contracts": [second.pk]},
    )
    assert _is_logged_out(session)
    assert list(Membership.objects.get(user=carol).granted_contracts()) == [second]


def test_saving_unchanged_access_keeps_the_session(alice_client, carol):
    session = _carol_session(carol)
    alice_client.post(
        reverse("accounts:member_edit", args=[carol.membership.pk]),
        {"role": Role.ACCOUNTANT, "contracts": [carol.membership.contracts.get().pk]},
    )
    assert session.get(reverse("billing:account")).status_code == 200


def test_a_revoked_person_is_logged_out_and_cannot_log_in(alice_client, carol):
    session = _carol_session(carol)
    response = alice_client.post(reverse("accounts:member_revoke", args=[carol.membership.pk]))
    assert response.status_code == 302
    assert _is_logged_out(session)
    carol.refresh_from_db()
    assert not carol.is_active and not Membership.objects.filter(user=carol).exists()
    login = Client().post(
        reverse("accounts:login"),
        {"branch": "", "contract_number": "carol@example.ru", "password": MEMBER_PASSWORD},
    )
    assert "_auth_user_id" not in login.wsgi_request.session


def test_the_last_owner_can_be_neither_removed_nor_demoted(alice_client, alice):
    membership = alice.membership
    response = alice_client.post(reverse("accounts:member_revoke", args=[membership.pk]))
    assert response.status_code == 302
    page = alice_client.get(response["Location"]).content.decode()
    assert "хотя бы один «Руководитель»" in page
    demote = alice_client.post(
        reverse("accounts:member_edit", args=[membership.pk]),
        {"role": Role.ACCOUNTANT, "contracts": [alice.contract.pk]},
    )
    assert demote.context["form"].errors["role"] == [
        "В организации должен остаться хотя бы один «Руководитель»."
    ]
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_with_a_second_owner_the_first_may_step_down(alice_client, alice, carol):
    carol.membership.role = Role.OWNER
    carol.membership.save()
    response = alice_client.post(
        reverse("accounts:member_edit", args=[alice.membership.pk]),
        {"role": Role.ACCOUNTANT, "contracts": [alice.contract.pk]},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=alice).role == Role.ACCOUNTANT


def test_another_organisations_person_is_a_404(bob_client, carol):
    url = reverse("accounts:member_edit", args=[carol.membership.pk])
    assert bob_client.get(url).status_code == 404
    assert (
        bob_client.post(reverse("accounts:member_revoke", args=[carol.membership.pk])).status_code
        == 404
    )
    assert Membership.objects.filter(user=carol).exists()


def test_a_session_from_before_the_version_field_survives(alice):
    """Version 0 keeps Django's own hash: the migration logs nobody out."""
    from django.contrib.auth.base_user import AbstractBaseUser

    assert alice.session_version == 0
    assert alice.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(alice)


def test_staff_resend_and_revoke_an_invitation_in_the_admin(client, stella, invited):
    client.force_login(stella)
    invitation = Invitation.objects.get()
    changelist = reverse("admin:accounts_invitation_changelist")
    listing = client.get(changelist).content.decode()
    assert "dina@example.ru" in listing and "ждет ответа" in listing
    mail.outbox.clear()
    client.post(changelist, {"action": "resend", "_selected_action": [invitation.pk]})
    assert len(mail.outbox) == 1 and client.get(invited).status_code == 400
    client.post(changelist, {"action": "revoke", "_selected_action": [invitation.pk]})
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.logout()
    assert client.get(link_in(mail.outbox[-1])).status_code == 400


def test_staff_see_people_and_roles_in_the_admin(client, stella, carol):
    client.force_login(stella)
    text = client.get(reverse("admin:accounts_membership_changelist")).content.decode()
    assert "carol@example.ru" in text and "Бухгалтер" in text
