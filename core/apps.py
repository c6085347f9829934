from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Портал"

    def ready(self):
        from core import checks, roles, signals  # noqa: F401  (connect the receivers, checks)

        post_migrate.connect(roles.ensure_groups, dispatch_uid="core_ensure_groups")
