import getpass

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from billing.penalties import RatesNotConfirmed
from billing.services import accrue_penalties
from core.dates import command_date


class Command(BaseCommand):
    help = (
        "Начисляет пени (35-ФЗ, ст. 37 п. 2: доля ключевой ставки за день просрочки по "
        "категории потребителя договора) по всем договорам на дату --date (по умолчанию "
        "сегодня): одна запись на договор и дату — "
        "разница между расчетом на эту дату и уже начисленным. Повторный запуск на ту же дату "
        "ничего не добавляет; договоры, по которым пени уже начислены на более позднюю дату, "
        "пропускаются. Дата после той, по которую подтверждены ключевые ставки "
        "(import_key_rates, админка), отклоняется."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", type=command_date, default=None, help="31.10.2026 или 2026-10-31"
        )
        parser.add_argument("--dry-run", action="store_true", help="только посчитать")

    def handle(self, *args, **options):
        on_date = options["date"] or timezone.localdate()
        if on_date > timezone.localdate():
            raise CommandError(f"Дата {on_date:%d.%m.%Y} еще не наступила.")
        try:
            counts = accrue_penalties(
                on_date, dry_run=options["dry_run"], username=getpass.getuser()
            )
        except RatesNotConfirmed as error:
            raise CommandError(f"{error}. Ничего не записано.") from None
        except LookupError as error:
            raise CommandError(f"{error}: добавьте ставку в админке. Ничего не записано.") from None
        self.stdout.write(
            f"Пени на {on_date:%d.%m.%Y}: создано {counts['created']}, "
            f"изменено {counts['updated']}, без изменений {counts['unchanged']}, "
            f"пропущено {counts['skipped']}."
            + (" Ничего не записано (--dry-run)." if options["dry_run"] else "")
        )
