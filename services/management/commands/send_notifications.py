from django.core.management.base import BaseCommand, CommandError

from services.models import NotificationKind
from services.notifications import FAILED, QUEUED, SKIPPED, send_notifications


class Command(BaseCommand):
    help = (
        "Рассылает уведомления по e-mail (для cron, раз в день или чаще): с 25-го числа — "
        "напоминание передать показания, если за месяц нет показаний прибора учета (кроме "
        "АИИСКУЭ); о каждом зачисленном платеже; после 18-го числа — о задолженности (раз в "
        "месяц); о новых документах; повторно — о смене статуса заявок, если письмо не было "
        "подготовлено. Письма ставятся в очередь исходящей почты и уходят по одному разу: "
        "повторный запуск в тот же день ничего не дублирует, недоступный почтовый сервер лишь "
        "откладывает отправку. Письмо, которое не удалось подготовить, готовится при следующем "
        "запуске (тогда код выхода 1)."
    )

    def handle(self, *args, **options):
        results = send_notifications()
        failed = 0
        for kind, counts in results.items():
            label = NotificationKind(kind).label
            self.stdout.write(
                f"{label}: в очереди на отправку {counts[QUEUED]}, уже отправлялось "
                f"{counts[SKIPPED]}, ошибок {counts[FAILED]}"
            )
            failed += counts[FAILED]
        if failed:
            raise CommandError(
                f"Не подготовлено писем: {failed}. Они будут подготовлены при следующем запуске."
            )
        self.stdout.write(self.style.SUCCESS("Готово."))
