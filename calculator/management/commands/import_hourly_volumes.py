"""`manage.py import_hourly_volumes FILE`: contracts' metered hourly consumption (АИИСКУЭ)."""

from collections import Counter

from billing.branches import Branches
from billing.models import Branch, Contract
from calculator.models import HourlyVolume
from core.importing import ImportCommand, Row, RowError


class Command(ImportCommand):
    help = (
        "Загружает почасовое потребление договоров (АИИСКУЭ) для калькулятора 3–6 категорий. "
        "Столбцы: city (Кемерово, Березовский или код филиала), contract_number, date, "
        "hour (0–23, час 0 — с 00:00 до 01:00), kwh. Сначала проверяется весь файл; "
        "повторная загрузка ничего не дублирует, измененный объем обновляется."
    )
    required_columns = ("city", "contract_number", "date", "hour", "kwh")

    def prepare(self) -> None:
        self.branches = Branches()
        self.contracts: dict[tuple[int, str], int | None] = {}

    def _contract_id(self, branch: Branch, number: str) -> int | None:
        key = (branch.pk, number)
        if key not in self.contracts:
            self.contracts[key] = (
                Contract.objects.filter(branch=branch, number=number)
                .values_list("pk", flat=True)
                .first()
            )
        return self.contracts[key]

    def parse_row(self, row: Row) -> tuple:
        branch = self.branches.of_row(row)
        number = row.text("contract_number", max_length=32)
        contract_id = self._contract_id(branch, number)
        if contract_id is None:
            raise RowError("contract_number", f"нет договора № {number} в г. {branch.name}")
        date = row.date("date")
        hour = row.integer("hour", minimum=0, maximum=23)
        kwh = row.decimal("kwh", places=3, minimum=0)
        return contract_id, date, hour, kwh

    def key(self, record: tuple) -> tuple:
        return record[:3]

    def write_batch(self, records: list[tuple]) -> Counter:
        counts: Counter = Counter()
        dates = [date for _, date, _, _ in records]
        existing = {
            (v.contract_id, v.date, v.hour): v
            for v in HourlyVolume.objects.filter(
                contract_id__in={r[0] for r in records}, date__gte=min(dates), date__lte=max(dates)
            ).order_by()
        }
        new, changed = [], []
        for contract_id, date, hour, kwh in records:
            volume = existing.get((contract_id, date, hour))
            if volume is None:
                new.append(HourlyVolume(contract_id=contract_id, date=date, hour=hour, kwh=kwh))
            elif volume.kwh != kwh:
                volume.kwh = kwh
                changed.append(volume)
            else:
                counts["unchanged"] += 1
        HourlyVolume.objects.bulk_create(new, batch_size=2000)
        HourlyVolume.objects.bulk_update(changed, ["kwh"], batch_size=2000)
        counts["created"] += len(new)
        counts["updated"] += len(changed)
        return counts
