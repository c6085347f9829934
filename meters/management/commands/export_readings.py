import csv
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core.dates import month_end
from core.formatting import month_label
from core.importing import spreadsheet_safe
from meters.models import Reading

COLUMNS = (
    "city",
    "contract_number",
    "point_code",
    "meter_number",
    "date",
    "zone",
    "value",
    "source",
    "status",
)


class Command(BaseCommand):
    help = (
        "Выгружает показания за месяц для биллинга: CSV (UTF-8, разделитель «;», даты ГГГГ-ММ-ДД, "
        "десятичная точка) со столбцами city, contract_number, point_code, meter_number, date, "
        "zone, value, source, status — первые столбцы те же, что читает import_readings. "
        "Отклоненные показания не выгружаются. --output FILE пишет в файл, иначе в стандартный вывод."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="месяц ГГГГ-ММ, например 2026-10")
        parser.add_argument("--output", help="файл CSV; без него — стандартный вывод")

    def handle(self, *args, **options):
        try:
            first = dt.datetime.strptime(options["period"], "%Y-%m").date()
        except ValueError:
            raise CommandError(
                f"--period {options['period']}: ожидается ГГГГ-ММ, например 2026-10"
            ) from None
        readings = (
            Reading.objects.filter(date__range=(first, month_end(first)))
            .exclude(status=Reading.Status.REJECTED)
            .order_by(
                "meter__delivery_point__contract__branch__name",
                "meter__delivery_point__contract__number",
                "meter__number",
                "date",
                "zone",
            )
            .values_list(
                "meter__delivery_point__contract__branch__name",
                "meter__delivery_point__contract__number",
                "meter__delivery_point__code",
                "meter__number",
                "date",
                "zone",
                "value",
                "source",
                "status",
            )
        )
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as handle:
                count = self._write(readings, handle)
        else:
            count = self._write(readings, self.stdout)
        self.stderr.write(f"Выгружено показаний за {month_label(first)}: {count}.")

    def _write(self, readings, handle) -> int:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(COLUMNS)
        count = 0
        for city, contract, point, meter, day, zone, value, source, status in readings.iterator(
            chunk_size=5000
        ):
            # 36156.000 → 36156: the billing system reads plain numbers.
            text = f"{value.normalize():f}"
            # Billing's own fields may start like a formula: staff open this file in Excel.
            cells = (city, contract, point, meter, day.isoformat(), zone, text, source, status)
            writer.writerow([spreadsheet_safe(str(cell)) for cell in cells])
            count += 1
        return count
