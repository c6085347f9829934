from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.tests.helpers import CAPTCHA_OK
from billing.models import Contract
from conftest import ALICE_PASSWORD
from core.models import AuditEvent


def login(client, branch, number, password):
    # The CAPTCHA asked for after three failures is answered (test mode).
    return client.post(
        reverse("accounts:login"),
        {"branch": branch.pk, "contract_number": number, "password": password, **CAPTCHA_OK},
        REMOTE_ADDR="10.1.2.3",
    )


def test_a_login_is_recorded_with_who_and_from_where(client, alice, kemerovo):
    login(client, kemerovo, "1001", ALICE_PASSWORD)
    event = AuditEvent.objects.get(action="login")
    assert event.user == alice
    assert event.username == "kemerovo/1001"
    assert event.ip == "10.1.2.3"


def test_a_failed_login_is_recorded_without_the_password(client, alice, kemerovo):
    login(client, kemerovo, "1001", "Wrong-Guess-1")
    event = AuditEvent.objects.get(action="login.failed")
    assert event.username == "kemerovo/1001"
    assert event.user is None
    assert "Wrong-Guess-1" not in str(event.details)


def test_a_lockout_is_recorded(client, alice, kemerovo):
    for _ in range(10):  # AXES_FAILURE_LIMIT (issue 23)
        login(client, kemerovo, "1001", "Wrong-Guess-1")
    assert AuditEvent.objects.filter(action="login.locked_out", username="kemerovo/1001").exists()


def test_a_staff_edit_in_the_admin_is_recorded(stella, alice_contract):
    LogEntry.objects.log_actions(
        user_id=stella.pk,
        queryset=[alice_contract],
        action_flag=CHANGE,
        change_message="Изменено max_power_kw",
    )
    event = AuditEvent.objects.get(action="staff.change")
    assert event.user == stella
    assert str(alice_contract) in event.target
    ct = ContentType.objects.get_for_model(Contract)
    assert f"{ct.app_label}.{ct.model}:{alice_contract.pk}" in event.target


def test_the_audit_log_cannot_be_edited_in_the_admin(client, stella, alice, kemerovo):
    login(client, kemerovo, "1001", ALICE_PASSWORD)
    event = AuditEvent.objects.get(action="login")
    client.force_login(stella)
    change = client.get(reverse("admin:core_auditevent_change", args=[event.pk]))
    assert change.status_code == 200
    assert "Сохранить" not in change.content.decode()
    assert client.post(reverse("admin:core_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
