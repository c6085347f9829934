"""Staff groups and what each may do in the admin.

- Оператор: loads and corrects the billing system's data (contracts, meters,
  readings, ledger entries, documents, tariffs).
- Бухгалтер: money and documents (ledger, payments, key rates, documents), read-only contracts.
- Поддержка: customers' accounts and requests; reads contracts, meters and payments.
  Of a customer's account it changes the e-mail only and sends the account's mail
  (accounts/admin.py); staff accounts, roles, groups, permissions and passwords are
  the superusers' alone, whatever a group's permissions say.
Nobody but a superuser edits the audit log (nobody at all, in fact: it is read-only).
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

# group → {app_label: actions} where actions are a subset of view/add/change/delete;
# "*" stands for every model of the app.
ROLES: dict[str, dict[str, set[str]]] = {
    "Оператор": {
        "billing": {"view", "add", "change"},
        "meters": {"view", "add", "change"},
        "documents": {"view", "add"},
        "calculator": {"view", "add", "change", "delete"},
    },
    "Бухгалтер": {
        "billing": {"view", "add", "change"},
        "payments": {"view", "change"},
        "documents": {"view"},
        "meters": {"view"},
    },
    "Поддержка": {
        "accounts": {"view", "change"},
        "services": {"view", "change"},
        "billing": {"view"},
        "meters": {"view"},
        "payments": {"view"},
        "axes": {"view", "delete"},
    },
}
AUDIT_VIEWERS = ("Бухгалтер", "Поддержка")


def ensure_groups(app_config, **kwargs) -> None:
    """post_migrate: create the staff groups and (re)grant their permissions after every
    migrate and flush. The signal comes once per app, and each app's permissions are made
    on its own: the groups are granted once, after the last app's."""
    if app_config is not [c for c in apps.get_app_configs() if c.models_module][-1]:
        return
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for app_label, actions in grants.items():
            for permission in Permission.objects.filter(content_type__app_label=app_label):
                if permission.codename.split("_", 1)[0] in actions:
                    wanted.append(permission)
        if name in AUDIT_VIEWERS:
            wanted.extend(
                Permission.objects.filter(
                    content_type__app_label="core", codename="view_auditevent"
                )
            )
        group.permissions.set(wanted)
