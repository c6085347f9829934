"""`manage.py import_key_rates FILE`: the Bank of Russia key rates, and the day they are confirmed to."""

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from billing.models import KeyRate, KeyRateConfirmation
from core.dates import command_date
from core.importing import ImportCommand, Row


class Command(ImportCommand):
    help = (
        "Загружает ключевые ставки Банка России (CSV или XLSX). Столбцы: date (с какого дня "
        "действует), rate (% годовых, до двух знаков). Ключ: дата; ставка на уже известную дату "
        "заменяется. Затем ставки считаются подтвержденными по дату --confirmed-to (по умолчанию "
        "сегодня): пени рассчитываются только по эту дату."
    )
    required_columns = ("date", "rate")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--confirmed-to",
            type=command_date,
            default=None,
            help="по какой день ставки полны (31.12.2026 или 2026-12-31), по умолчанию сегодня",
        )

    def handle(self, *args, **options):
        self.confirmed_to = options["confirmed_to"] or timezone.localdate()
        self.file_name = Path(options["file"]).name
        return super().handle(*args, **options)

    def prepare(self) -> None:
        self.known = dict(KeyRate.objects.values_list("valid_from", "rate"))

    def parse_row(self, row: Row) -> tuple[dt.date, Decimal]:
        day = row.date("date")
        rate = row.decimal("rate", minimum=Decimal("0"), maximum=Decimal("100"))
        return day, rate

    def key(self, record):
        return record[0]

    def write_batch(self, records) -> Counter:
        counts: Counter = Counter()
        for day, rate in records:
            if day not in self.known:
                KeyRate.objects.create(valid_from=day, rate=rate)
                counts["created"] += 1
            elif self.known[day] != rate:
                KeyRate.objects.filter(valid_from=day).update(rate=rate)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        return counts

    def finish(self, counts: Counter) -> None:
        KeyRateConfirmation.objects.get_or_create(
            confirmed_to=self.confirmed_to,
            defaults={"source": f"import_key_rates {self.file_name}"[:255]},
        )
        self.stdout.write(f"Ключевые ставки подтверждены по {self.confirmed_to:%d.%m.%Y}.")
