"""Two-factor login (issue 19): Alice switches TOTP on with a code from pyotp, then logs in
with the password and a code; ten recovery codes work once each; an owner may require it
of Carol and every other person; staff need it in the admin when ADMIN_REQUIRE_2FA is on."""

import re
import time
from base64 import b32encode

import pyotp
import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.tests.helpers import post_login
from conftest import ALICE_PASSWORD


def totp_of(user) -> pyotp.TOTP:
    device = TOTPDevice.objects.get(user=user)
    return pyotp.TOTP(b32encode(device.bin_key).decode())


def next_code(user) -> str:
    """The code of the next 30-second step (django-otp accepts ±1 step and refuses a
    step already used, as the setup's was)."""
    return totp_of(user).at(time.time() + 30)


def switch_on(client, user) -> list[str]:
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    response = client.post(reverse("accounts:two_factor_setup"), {"code": totp_of(user).now()})
    assert response.status_code == 200, response.content.decode()[:500]
    return response.context["codes"]


@pytest.fixture
def alice_with_totp(alice_client, alice):
    codes = switch_on(alice_client, alice)
    alice_client.logout()
    return codes


def test_the_setup_page_shows_a_qr_code_as_svg_data_and_the_key(alice_client):
    text = alice_client.get(reverse("accounts:two_factor_setup")).content.decode()
    assert 'src="data:image/svg+xml' in text
    assert 'alt="QR-код для приложения-аутентификатора"' in text
    assert 'data-testid="totp-secret"' in text


def test_a_wrong_first_code_switches_nothing_on(alice_client, alice):
    alice_client.get(reverse("accounts:two_factor_setup"))
    response = alice_client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert response.context["form"].errors["code"]
    assert not two_factor.is_on(alice)


def test_switching_on_gives_ten_recovery_codes(alice_client, alice):
    codes = switch_on(alice_client, alice)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert two_factor.is_on(alice)
    assert StaticToken.objects.filter(device__user=alice).count() == 10
    page = alice_client.get(reverse("accounts:two_factor")).content.decode()
    assert "включен" in page and "Осталось кодов восстановления: 10" in page


def test_the_login_asks_for_the_code_after_the_password(client, alice, alice_with_totp):
    response = post_login(client, alice.contract.branch, "1001", ALICE_PASSWORD)
    assert response["Location"] == reverse("accounts:login_code")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("billing:account")).status_code == 302
    done = client.post(reverse("accounts:login_code"), {"code": next_code(alice)})
    assert done.status_code == 302 and done["Location"] == reverse("billing:account")
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert client.get(reverse("billing:account")).status_code == 200


def test_a_recovery_code_works_once(client, alice, alice_with_totp):
    code = alice_with_totp[0]
    post_login(client, alice.contract.branch, "1001", ALICE_PASSWORD)
    assert client.post(reverse("accounts:login_code"), {"code": code}).status_code == 302
    client.logout()
    post_login(client, alice.contract.branch, "1001", ALICE_PASSWORD)
    again = client.post(reverse("accounts:login_code"), {"code": code})
    assert again.status_code == 200 and again.context["form"].errors["code"]
    assert "_auth_user_id" not in client.session


def test_five_wrong_codes_send_the_person_back_to_the_password(client, alice, alice_with_totp):
    post_login(client, alice.contract.branch, "1001", ALICE_PASSWORD)
    for _ in range(4):
        assert client.post(reverse("accounts:login_code"), {"code": "12345x"}).status_code == 200
    last = client.post(reverse("accounts:login_code"), {"code": "12345x"})
    assert last["Location"] == reverse("accounts:login")
    assert client.get(reverse("accounts:login_code"))["Location"] == reverse("accounts:login")


def test_the_code_step_without_a_right_password_leads_back_to_login(client, alice_with_totp):
    response = client.get(reverse("accounts:login_code"))
    assert response["Location"] == reverse("accounts:login")


def test_switching_off_needs_a_current_code(alice_client, alice, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp makes a retry wait after a failure
    switch_on(alice_client, alice)
    alice_client.post(reverse("accounts:two_factor_off"), {"code": "000000"})
    assert two_factor.is_on(alice)
    alice_client.post(reverse("accounts:two_factor_off"), {"code": next_code(alice)})
    assert not two_factor.is_on(alice)


def test_new_recovery_codes_replace_the_old(alice_client, alice):
    old = switch_on(alice_client, alice)
    new = alice_client.post(reverse("accounts:two_factor_codes")).context["codes"]
    assert not set(old) & set(new)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


def test_the_owner_requires_it_only_after_switching_it_on_herself(alice_client, alice):
    alice_client.post(reverse("accounts:two_factor_require"), {"require": "on"})
    alice.membership.organisation.refresh_from_db()
    assert not alice.membership.organisation.require_two_factor
    switch_on(alice_client, alice)
    alice_client.post(reverse("accounts:two_factor_require"), {"require": "on"})
    alice.membership.organisation.refresh_from_db()
    assert alice.membership.organisation.require_two_factor


def test_a_required_code_sends_an_employee_to_switch_it_on(client, alice, carol):
    organisation = alice.membership.organisation
    organisation.require_two_factor = True
    organisation.save()
    client.force_login(carol)
    response = client.get(reverse("billing:account"))
    assert response["Location"] == reverse("accounts:two_factor")
    assert client.get(reverse("accounts:two_factor")).status_code == 200
    switch_on(client, carol)
    # The session that turned it on passed the code.
    assert client.get(reverse("billing:account")).status_code == 200
    # Another session, opened without the code, is sent to log in.
    other = Client()
    other.force_login(carol)
    response = other.get(reverse("billing:account"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_required_code_cannot_be_switched_off(alice_client, alice):
    switch_on(alice_client, alice)
    alice_client.post(reverse("accounts:two_factor_require"), {"require": "on"})
    alice_client.post(reverse("accounts:two_factor_off"), {"code": next_code(alice)})
    assert two_factor.is_on(alice)


def test_staff_need_a_code_in_the_admin_when_required(client, stella, settings):
    settings.ADMIN_REQUIRE_2FA = True
    client.force_login(stella)
    assert client.get("/admin/").status_code == 302
    device = TOTPDevice.objects.create(user=stella, name="app", confirmed=True)
    code = pyotp.TOTP(b32encode(device.bin_key).decode()).now()
    client.logout()
    login = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": "stella",
            "password": "Stella-Staff-2026",
            "otp_device": device.persistent_id,
            "otp_token": code,
        },
    )
    assert login.status_code == 302, login.content.decode()[:2000]
    assert client.get("/admin/").status_code == 200


def test_staff_enter_the_admin_with_the_password_alone_when_not_required(client, stella, settings):
    settings.ADMIN_REQUIRE_2FA = False
    login = client.post(
        "/admin/login/?next=/admin/", {"username": "stella", "password": "Stella-Staff-2026"}
    )
    assert login.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_operator_gives_staff_an_app_for_the_admin(stella, settings, client):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("staff_totp", "stella", stdout=out)
    secret = re.search(r"Ключ для приложения: ([A-Z2-7 ]+)", out.getvalue()).group(1)
    device = TOTPDevice.objects.get(user=stella, confirmed=True)
    assert (
        pyotp.TOTP(secret.replace(" ", "")).now()
        == pyotp.TOTP(b32encode(device.bin_key).decode()).now()
    )


def test_the_command_refuses_a_customer(alice):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("staff_totp", alice.username)


def test_staff_switch_off_a_persons_two_factor_login(client, alice, stella):
    owner = Client()
    owner.force_login(alice)
    switch_on(owner, alice)
    client.force_login(stella)
    changelist = reverse("admin:accounts_user_changelist")
    assert "icon-yes" in client.get(changelist, {"q": "1001"}).content.decode()
    client.post(changelist, {"action": "reset_two_factor", "_selected_action": [alice.pk]})
    assert not two_factor.is_on(alice)
    assert owner.get(reverse("billing:account")).status_code == 302  # her sessions ended
