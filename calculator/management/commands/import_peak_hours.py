"""`manage.py import_peak_hours FILE`: the hours the calculator counts in, by month.

The system operator's planned peak hours of a month (network power of categories
4 and 6, ПП 442 п. 97), its peak hour of each working day (capacity of
categories 3–6) and the three-zone intervals ФАС publishes for the month.
"""

from collections import Counter

from calculator.models import THREE_ZONE_KINDS, CapacityPeakHour, MonthHours, MonthHoursKind
from calculator.pricing import format_peak_hours, parse_peak_hours
from core.calendar import is_working_day
from core.importing import ImportCommand, Issue, Row, RowError

CAPACITY = "capacity"
KINDS = [CAPACITY, *MonthHoursKind.values]
# Moscow time is Кемерово's minus 4 hours (Asia/Novokuznetsk is UTC+7, Moscow UTC+3).
MSK_TO_LOCAL = 4
LOCAL, MSK = "местное", "мск"


class Command(ImportCommand):
    help = (
        "Загружает часы, по которым калькулятор считает мощность и зоны суток. Столбцы: kind, "
        "month, date, hours и необязательный time (местное — по умолчанию — или мск: часы "
        "по московскому времени переводятся в местное, +4 ч). kind: capacity — час пиковой "
        "нагрузки системного оператора рабочего дня date (hours — один час 0–23); network_peak — "
        "плановые часы пиковой нагрузки месяца month (для мощности, оплачиваемой сетям, ПП 442 "
        "п. 97); night3, halfpeak3, peak3 — интервалы трех зон суток месяца month. Часы: "
        "8-10, 17-20 (час 8 — с 08:00 до 09:00). Зоны одного месяца не пересекаются, а три "
        "вместе покрывают сутки. Сначала проверяется весь файл; повторная загрузка ничего не "
        "дублирует, измененные часы обновляются."
    )
    required_columns = ("kind", "hours")

    def prepare(self) -> None:
        self._zones_in_file: dict = {}

    def parse_row(self, row: Row) -> tuple:
        kind = row.choice("kind", KINDS)
        time = row.text("time", required=False).lower() or LOCAL
        if time not in (LOCAL, MSK):
            raise RowError("time", f"«{time}» — допустимо: {LOCAL}, {MSK}")
        text = row.text("hours", max_length=100)
        try:
            hours = parse_peak_hours(text)
        except ValueError:
            raise RowError(
                "hours", f"«{text}» — часы 0–23 через запятую, диапазоны через дефис: 8-10, 17-20"
            ) from None
        if time == MSK:
            hours = frozenset((hour + MSK_TO_LOCAL) % 24 for hour in hours)
        if kind == CAPACITY:
            date = row.date("date")
            if row.text("month", required=False) and row.month("month") != date.replace(day=1):
                raise RowError("month", f"день {date:%d.%m.%Y} не из этого месяца")
            if not is_working_day(date):
                raise RowError(
                    "date", f"{date:%d.%m.%Y} не рабочий день производственного календаря"
                )
            if len(hours) != 1:
                raise RowError("hours", "у рабочего дня один час пиковой нагрузки")
            return ("day", date, next(iter(hours)))
        if row.text("date", required=False):
            raise RowError("date", f"у {kind} дня нет: только month (оставьте пустым)")
        month = row.month("month")
        self._zones_in_file.setdefault(month, {})[kind] = (hours, row.line)
        return ("month", month, kind, format_peak_hours(hours))

    def key(self, record: tuple) -> tuple:
        return record[:-1]

    def _validate(self, path: str):
        """Every row, then the zones of each month together: no hour in two, all 24 in three."""
        self._zones_in_file = {}
        issues, total = super()._validate(path)
        return issues + self._zone_issues(path), total

    def _zone_issues(self, path: str) -> list[Issue]:
        issues = []
        for month, in_file in self._zones_in_file.items():
            zones = {
                kind: (parse_peak_hours(hours), 0)
                for kind, hours in MonthHours.objects.filter(
                    month=month, kind__in=THREE_ZONE_KINDS
                ).values_list("kind", "hours")
            }
            zones.update({k: v for k, v in in_file.items() if k in THREE_ZONE_KINDS})
            lines = [line for _, line in zones.values() if line]
            if not lines:
                continue
            seen: dict[int, str] = {}
            overlap = False
            for kind, (hours, line) in sorted(zones.items(), key=lambda item: item[1][1]):
                for hour in sorted(hours):
                    if hour in seen and line:
                        issues.append(
                            Issue(
                                path,
                                line,
                                "hours",
                                f"час {hour} уже в зоне {seen[hour]} месяца {month:%Y-%m}",
                            )
                        )
                        overlap = True
                        break
                    seen.setdefault(hour, kind)
            if len(zones) == 3 and not overlap:
                absent = sorted(set(range(24)) - set(seen))
                if absent:
                    issues.append(
                        Issue(
                            path,
                            max(lines),
                            "hours",
                            f"три зоны месяца {month:%Y-%m} не покрывают часы {format_peak_hours(absent)}",
                        )
                    )
        return issues

    def write_batch(self, records: list[tuple]) -> Counter:
        counts: Counter = Counter()
        for record in records:
            if record[0] == "day":
                _, date, hour = record
                obj, created = CapacityPeakHour.objects.get_or_create(
                    date=date, defaults={"hour": hour}
                )
                field, value = "hour", hour
            else:
                _, month, kind, hours = record
                obj, created = MonthHours.objects.get_or_create(
                    month=month, kind=kind, defaults={"hours": hours}
                )
                field, value = "hours", hours
            if created:
                counts["created"] += 1
            elif getattr(obj, field) != value:
                setattr(obj, field, value)
                obj.save(update_fields=(field,))
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        return counts
