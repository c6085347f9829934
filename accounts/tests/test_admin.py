"""Staff: portal users in the admin — search, confirmation and lockout state, actions."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.helpers import post_registration
from conftest import make_contract, make_user

CHANGELIST = reverse("admin:accounts_user_changelist")


@pytest.fixture
def staff_client(client, stella):
    client.force_login(stella)
    return client


@pytest.fixture
def waiting(client, kemerovo):
    """ООО «Гамма» registered contract 3003 and has not opened the link yet."""
    contract = make_contract(
        kemerovo, "3003", inn="4205000016", name="ООО «Гамма»", email="gamma@example.ru"
    )
    post_registration(client, kemerovo)
    mail.outbox.clear()
    return User.objects.get(contract=contract)


def listed(staff_client, query) -> set[str]:
    response = staff_client.get(CHANGELIST, {"q": query})
    return {user.username for user in response.context["cl"].result_list}


def test_staff_find_users_by_contract_inn_and_email(staff_client, alice, bob):
    assert listed(staff_client, "1001") == {"kemerovo/1001"}
    assert listed(staff_client, "4205000023") == {"kemerovo/7007"}
    assert listed(staff_client, "alice@example.ru") == {"kemerovo/1001"}


def test_the_list_shows_confirmation_and_lockout_state(client, stella, alice, waiting, kemerovo):
    User.objects.filter(pk=alice.pk).update(email_confirmed_at=timezone.now())
    AccessAttempt.objects.create(
        username="kemerovo/1001",
        ip_address="10.0.0.1",
        user_agent="test",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    client.force_login(stella)
    text = client.get(CHANGELIST).content.decode()
    assert "ждет подтверждения" in text
    assert "подтвержден " in text
    assert "заблокирован до" in text


def test_the_list_costs_the_same_queries_for_many_users(
    staff_client, alice, kemerovo, django_assert_num_queries
):
    # session, staff user, the branches of the filter, the counts (filtered and all),
    # one page of users with their contracts
    QUERIES = 6

    def count() -> None:
        with django_assert_num_queries(QUERIES):
            assert staff_client.get(CHANGELIST).status_code == 200

    count()
    for number in range(8000, 8010):
        make_user(
            make_contract(kemerovo, str(number)), "Pass-Word-2026", email=f"u{number}@example.ru"
        )
    count()


def test_staff_resend_the_confirmation_to_a_waiting_account_only(staff_client, alice, waiting):
    response = staff_client.post(
        CHANGELIST, {"action": "resend_confirmation", "_selected_action": [alice.pk, waiting.pk]}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["gamma@example.ru"]
    assert "/accounts/register/confirm/" in mail.outbox[0].body


def test_staff_deactivate_an_account_and_its_session_ends(staff_client, alice, kemerovo):
    from django.test import Client

    alice_browser = Client()
    alice_browser.force_login(alice)
    assert alice_browser.get(reverse("accounts:settings")).status_code == 200
    staff_client.post(CHANGELIST, {"action": "deactivate", "_selected_action": [alice.pk]})
    alice.refresh_from_db()
    assert not alice.is_active
    assert alice_browser.get(reverse("accounts:settings")).status_code == 302


def test_the_change_page_shows_the_portal_fields(staff_client, alice):
    text = staff_client.get(reverse("admin:accounts_user_change", args=[alice.pk])).content.decode()
    for label in ("Договор", "Наименование организации", "E-mail подтвержден", "Новый e-mail"):
        assert label in text


def test_the_login_lockouts_section_is_named_in_russian(client, stella):
    client.force_login(stella)
    text = client.get("/admin/").content.decode()
    assert "Блокировки входа" in text
    assert ">Axes<" not in text and "AXES" not in text
