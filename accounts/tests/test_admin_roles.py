"""Pen-test High 2 (issue 23): staff cannot raise themselves or others in the user admin.

Olga is an «Оператор», Boris a «Бухгалтер», Sonya «Поддержка», Stella a superuser;
Alice is a customer. Each walks the change form of every kind of user.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from core.models import AuditEvent

SUPERUSER_ONLY = {"is_superuser", "is_staff", "groups", "user_permissions", "password"}


def staff(username: str, group: str | None = None) -> User:
    user = User.objects.create_user(username, password="Staff-Secret-2026", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def people(db, alice, stella):
    return {
        "operator": staff("olga", "Оператор"),
        "accountant": staff("boris", "Бухгалтер"),
        "support": staff("sonya", "Поддержка"),
        "superuser": stella,
        "customer": alice,
    }


def change_form(client, user, target):
    client.force_login(user)
    return client.get(reverse("admin:accounts_user_change", args=[target.pk]))


def fields_of(response) -> tuple[set[str], set[str]]:
    """(every field the form shows, the fields it lets change)."""
    adminform = response.context["adminform"]
    shown = {name for _, options in adminform.fieldsets for name in options["fields"]}
    return shown, set(adminform.form.fields)


# role → target → the fields that role may change on that target (None: no access at all)
EXPECTED = {
    "operator": {"customer": None, "support": None, "superuser": None},
    "accountant": {"customer": None, "support": None, "superuser": None},
    "support": {"customer": {"email"}, "support": set(), "superuser": set()},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("target", ["customer", "support", "superuser"])
def test_each_role_may_change_only_its_fields_of_each_user(client, people, role, target):
    response = change_form(client, people[role], people[target])
    expected = EXPECTED[role][target]
    if expected is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    shown, editable = fields_of(response)
    assert editable == expected
    assert not shown & SUPERUSER_ONLY, shown & SUPERUSER_ONLY
    text = response.content.decode()
    assert 'name="is_superuser"' not in text and 'name="groups"' not in text


@pytest.mark.parametrize("target", ["customer", "support", "superuser"])
def test_a_superuser_may_change_everything(client, people, target):
    response = change_form(client, people["superuser"], people[target])
    _, editable = fields_of(response)
    assert SUPERUSER_ONLY - {"password"} <= editable
    assert "email" in editable


def test_support_cannot_make_itself_superuser(client, people):
    sonya = people["support"]
    client.force_login(sonya)
    response = client.post(
        reverse("admin:accounts_user_change", args=[sonya.pk]),
        {"username": "sonya", "is_superuser": "on", "is_staff": "on",
         "groups": [g.pk for g in Group.objects.all()],
         "user_permissions": list(Permission.objects.values_list("pk", flat=True)[:50])},
    )  # fmt: skip
    assert response.status_code == 403
    sonya.refresh_from_db()
    assert not sonya.is_superuser and sonya.user_permissions.count() == 0
    assert set(sonya.groups.values_list("name", flat=True)) == {"Поддержка"}


def test_support_changes_a_customers_email_and_nothing_else_and_it_is_audited(client, people):
    alice = people["customer"]
    client.force_login(people["support"])
    response = client.post(
        reverse("admin:accounts_user_change", args=[alice.pk]),
        {"username": "hijacked", "email": "alice-new@example.ru", "is_superuser": "on",
         "is_staff": "on", "is_active": "", "organisation_name": "Другая"},
    )  # fmt: skip
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice-new@example.ru"
    assert (alice.username, alice.is_superuser, alice.is_staff, alice.is_active) == (
        "kemerovo/1001",
        False,
        False,
        True,
    )
    event = AuditEvent.objects.get(action="admin.user_changed")
    assert event.username == "sonya" and event.target == "kemerovo/1001"
    assert event.details["fields"] == "email"


@pytest.mark.parametrize("target", ["customer", "support", "superuser"])
def test_only_a_superuser_sets_a_password_in_the_admin(client, people, target):
    url = reverse("admin:auth_user_password_change", args=[people[target].pk])
    client.force_login(people["support"])
    assert client.get(url).status_code == 403
    client.force_login(people["superuser"])
    assert client.get(url).status_code == 200


def test_a_password_set_by_a_superuser_is_audited(client, people):
    client.force_login(people["superuser"])
    client.post(
        reverse("admin:auth_user_password_change", args=[people["support"].pk]),
        {
            "password1": "Novyj-Parol-2026!",
            "password2": "Novyj-Parol-2026!",
            "usable_password": "true",
        },
    )
    assert AuditEvent.objects.filter(action="admin.user_password_set", target="sonya").exists()


def test_support_may_not_deactivate_or_add_users(client, people):
    client.force_login(people["support"])
    changelist = client.get(reverse("admin:accounts_user_changelist"))
    actions = {name for name, _ in changelist.context["action_form"].fields["action"].choices}
    assert "deactivate" not in actions and "resend_confirmation" in actions
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    assert "is_staff" not in changelist.context["cl"].list_display


@pytest.mark.parametrize("role", ["operator", "accountant", "support"])
def test_no_add_form_of_any_model_offers_a_staff_role_a_superuser_field(client, people, role):
    """Every admin add form a role may open: none carries a role, group or permission field."""
    client.force_login(people[role])
    opened = 0
    for model in admin.site._registry:
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        except NoReverseMatch:
            continue
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened += 1
        assert not set(response.context["adminform"].form.fields) & SUPERUSER_ONLY, model
    assert opened or role == "support"
