from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Портал"

    def ready(self):
        from core import checks, roles, signals  # noqa: F401  (connect the receivers, checks)

        post_migrate.connect(roles.ensure_groups, dispatch_uid="core_ensure_groups")
        from core.adminsite import russian_permission_names

        # After auth's create_permissions, connected earlier (auth comes first in INSTALLED_APPS).
        post_migrate.connect(russian_permission_names, dispatch_uid="core_permission_names")
