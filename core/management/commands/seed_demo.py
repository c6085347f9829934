import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app that has demo data keeps it in its own `demo.py` with
# `seed(ctx: dict, stdout) -> None`; they run in this order, sharing `ctx`.
DEMO_MODULES = (
    "billing.demo",
    "meters.demo",
    "accounts.demo",
    "payments.demo",
    "documents.demo",
    "calculator.demo",
    "services.demo",
)


class Command(BaseCommand):
    help = (
        "Создает демо-данные: города, потребителей, договоры, точки поставки, приборы учета, "
        "начисления, оплаты, показания, демо-пользователей и администратора. Повторный запуск "
        "ничего не дублирует. --contracts N и --meters-per-contract M добавляют большой набор "
        "для нагрузочных тестов."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--contracts",
            type=int,
            default=0,
            help="сколько договоров добавить для нагрузки",
        )
        parser.add_argument("--meters-per-contract", type=int, default=5)
        parser.add_argument(
            "--history-months",
            type=int,
            default=24,
            help="месяцев истории для больших данных",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="загрузить и при выключенном DEBUG (стенд, нагрузка); пароль администратора "
            "при этом не создается",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="ничего не делать, если договоры уже есть",
        )

    def handle(self, *args, **options):
        from billing.models import Contract

        # Demo customers with known passwords on a production database are a breach
        # waiting (issue 23): only on purpose, and never the demo admin's password.
        if not settings.DEBUG_AS_DEPLOYED and not options["allow_production"]:
            raise CommandError(
                "DEBUG выключен: демо-данные в рабочую базу не загружаются. Для стенда или "
                "нагрузочного теста добавьте --allow-production."
            )
        if options["if_empty"] and Contract.objects.exists():
            self.stdout.write("Данные уже есть: демо-данные не загружались.")
            return
        ctx = {
            "production": not settings.DEBUG_AS_DEPLOYED,
            "scale_contracts": options["contracts"],
            "meters_per_contract": options["meters_per_contract"],
            "history_months": options["history_months"],
        }
        with transaction.atomic():
            for name in DEMO_MODULES:
                if importlib.util.find_spec(name) is None:
                    continue
                importlib.import_module(name).seed(ctx, self.stdout)
        self.stdout.write(self.style.SUCCESS("Демо-данные готовы."))
        for line in ctx.get("logins", []):
            self.stdout.write(line)
