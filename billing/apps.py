from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Лицевой счет и расчеты"

    def ready(self) -> None:
        from billing.reference import load_after_migrate

        post_migrate.connect(load_after_migrate, sender=self, dispatch_uid="billing_reference")
