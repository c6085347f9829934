from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from accounts.models import User


def test_staff_groups_exist_after_migrate(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Оператор", "Бухгалтер", "Поддержка"} <= names


def test_an_operator_edits_contracts_but_cannot_delete_them_nor_read_the_audit_log(db):
    operator = User.objects.create_user("oper", password="Oper-Secret-2026", is_staff=True)
    operator.groups.add(Group.objects.get(name="Оператор"))
    assert operator.has_perm("billing.change_contract")
    assert not operator.has_perm("billing.delete_contract")
    assert not operator.has_perm("core.view_auditevent")


def test_support_reads_the_audit_log_and_can_unlock_logins(db):
    support = User.objects.create_user("sup", password="Supp-Secret-2026", is_staff=True)
    support.groups.add(Group.objects.get(name="Поддержка"))
    assert support.has_perm("core.view_auditevent")
    assert support.has_perm("axes.delete_accessattempt")
    assert not support.has_perm("billing.change_ledgerentry")


def test_the_admin_is_for_staff_only(client, alice):
    client.force_login(alice)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_after_a_flush_the_groups_are_granted_again_and_the_permissions_named_in_russian(
    transactional_db,
):
    """A flush (the end of every browser test) re-creates the permissions app by app: the
    groups are granted after the last app's, so the support group has the requests'."""
    call_command("flush", interactive=False, verbosity=0)
    support = Group.objects.get(name="Поддержка")
    assert support.permissions.filter(codename="change_servicerequest").exists()
    assert support.permissions.filter(codename="view_auditevent").exists()
    assert Permission.objects.get(codename="change_contract").name == "Изменение: договор"
    assert Permission.objects.get(codename="view_servicerequest").name.startswith("Просмотр: ")
