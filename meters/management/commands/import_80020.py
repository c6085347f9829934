"""`manage.py import_80020 FILE…`: hourly data of delivery points in the market's XML 80020."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.importing import MAX_ERRORS_SHOWN
from meters import format80020, hourly
from meters.models import HourlyVolume


class Command(BaseCommand):
    help = (
        "Загружает почасовые данные АИИСКУЭ в макете 80020 (версии 1 и 2): один файл — одни "
        "сутки, канал 01 (активная энергия, прием), 48 получасов с status=0. Точки "
        "сопоставляются с точками поставки по коду и ИНН потребителя из <area>. Сначала "
        "проверяются все файлы; при любой ошибке ничего не записывается. Повторная загрузка "
        "дня заменяет его часы."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="XML-файлы макета 80020")
        parser.add_argument("--dry-run", action="store_true", help="только проверить файлы")

    def handle(self, *args, **options):
        paths = [Path(name) for name in options["files"]]
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise CommandError(f"{missing[0]}:0: -: файл не найден. Ничего не записано.")
        files = [format80020.read_file(path) for path in paths]
        checked = format80020.check(files, hourly.points_by_code(), today=timezone.localdate())
        if checked.issues:
            for issue in checked.issues[:MAX_ERRORS_SHOWN]:
                self.stderr.write(str(issue))
            if len(checked.issues) > MAX_ERRORS_SHOWN:
                self.stderr.write(f"… и еще {len(checked.issues) - MAX_ERRORS_SHOWN} ошибок")
            raise CommandError(
                f"Ошибок: {len(checked.issues)} в файлах: {len(paths)}. Ничего не записано."
            )
        for warning in hourly.profile_warnings(checked.volumes, checked.points):
            self.stdout.write(f"Предупреждение: {warning}")
        days = checked.days()
        period = f"{days[0]:%d.%m.%Y}–{days[-1]:%d.%m.%Y}" if days else "—"
        if options["dry_run"]:
            self.stdout.write(
                f"Проверено файлов: {len(paths)}, часов: {len(checked.volumes)} ({period}), "
                "ошибок нет. Ничего не записано (--dry-run)."
            )
            return
        with transaction.atomic():
            counts = hourly.store(checked.volumes, HourlyVolume.Source.METERING)
        self.stdout.write(
            f"Файлов: {len(paths)}, точек: {len(checked.points)}, дней: {len(days)} ({period}). "
            f"Часов создано: {counts['created']}, обновлено: {counts['updated']}."
        )
