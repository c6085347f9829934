from django.core.management.base import BaseCommand

from gateway.notifications import deliver, due


class Command(BaseCommand):
    help = (
        "Шлюз (имитация): повторно отправляет магазину уведомления, на которые он не ответил «OK». "
        "Повтор с нарастающей паузой (1, 2, 4 … мин, не реже раза в час), не более 30 попыток."
    )

    def handle(self, *args, **options):
        pending = due()
        delivered = 0
        for pk in pending:
            if deliver(pk):
                delivered += 1
        self.stdout.write(f"Уведомлений к отправке: {len(pending)}, доставлено: {delivered}.")
