"""`manage.py import_hourly_volumes FILE`: delivery points' metered hourly consumption (АИИСКУЭ)."""

from collections import Counter

from billing.branches import Branches
from billing.models import Branch, Contract
from core.importing import ImportCommand, Row, RowError
from meters import hourly
from meters.models import HourlyVolume


class Command(ImportCommand):
    help = (
        "Загружает почасовое потребление точек поставки (АИИСКУЭ) в виде таблицы. "
        "Столбцы: city (Кемерово, Березовский или код филиала), contract_number, "
        "point (код точки поставки; можно не указывать, если у договора одна точка), date, "
        "hour (0–23, час 0 — с 00:00 до 01:00), kwh. Сначала проверяется весь файл; "
        "повторная загрузка ничего не дублирует, измененный объем обновляется. "
        "Файлы в макете 80020 загружает import_80020."
    )
    required_columns = ("city", "contract_number", "date", "hour", "kwh")

    def prepare(self) -> None:
        self.branches = Branches()
        self.points: dict[tuple[int, str], dict[str, int] | None] = {}

    def _points(self, branch: Branch, number: str) -> dict[str, int] | None:
        """The contract's points {code: id}, or None when there is no such contract."""
        key = (branch.pk, number)
        if key not in self.points:
            contract = Contract.objects.filter(branch=branch, number=number).first()
            self.points[key] = (
                None
                if contract is None
                else {
                    code.strip().casefold(): pk
                    for pk, code in contract.delivery_points.values_list("pk", "code")
                }
            )
        return self.points[key]

    def parse_row(self, row: Row) -> tuple:
        branch = self.branches.of_row(row)
        number = row.text("contract_number", max_length=32)
        points = self._points(branch, number)
        if points is None:
            raise RowError("contract_number", f"нет договора № {number} в г. {branch.name}")
        code = row.text("point", required=False, max_length=64)
        if code:
            point_id = points.get(code.casefold())
            if point_id is None:
                raise RowError("point", f"у договора № {number} нет точки поставки «{code}»")
        elif len(points) == 1:
            (point_id,) = points.values()
        elif not points:
            raise RowError("contract_number", f"у договора № {number} нет точек поставки")
        else:
            raise RowError("point", "у договора несколько точек поставки: укажите код точки")
        date = row.date("date")
        hour = row.integer("hour", minimum=0, maximum=23)
        kwh = row.decimal("kwh", places=3, minimum=0)
        return point_id, date, hour, kwh

    def key(self, record: tuple) -> tuple:
        return record[:3]

    def write_batch(self, records: list[tuple]) -> Counter:
        volumes = {(point, date, hour): kwh for point, date, hour, kwh in records}
        dates = [date for _, date, _ in volumes]
        unchanged = {
            (point, date, hour)
            for point, date, hour, kwh in HourlyVolume.objects.filter(
                delivery_point_id__in={point for point, _, _ in volumes},
                date__gte=min(dates),
                date__lte=max(dates),
            )
            .order_by()
            .values_list("delivery_point_id", "date", "hour", "kwh")
            if volumes.get((point, date, hour)) == kwh
        }
        changed = {key: kwh for key, kwh in volumes.items() if key not in unchanged}
        counts = Counter(hourly.store(changed, HourlyVolume.Source.IMPORT))
        counts["unchanged"] += len(unchanged)
        return counts
