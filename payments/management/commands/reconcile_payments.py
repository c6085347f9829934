import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from payments import client, services
from payments.models import Payment


class Command(BaseCommand):
    help = (
        "Сверяет с платежным шлюзом платежи в статусе «ожидает оплаты» старше --older-than "
        "минут (по умолчанию 15): спрашивает их статус (GetState) и применяет его так же, "
        "как уведомление шлюза (оплаченный зачисляется один раз; страница оплаты, срок "
        "которой истек, — «срок оплаты истек» по ответу банка). Платеж «создан», на который "
        "банк так и не ответил, становится «не состоялся». Код выхода 1, если шлюз "
        "недоступен для какого-либо платежа."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=15, help="минут с создания")

    def handle(self, *args, **options):
        failed_starts = services.fail_stale_starts()
        if failed_starts:
            self.stdout.write(f"Без ответа банка на заказ (не состоялись): {failed_starts}")
        cutoff = timezone.now() - dt.timedelta(minutes=options["older_than"])
        pending = Payment.objects.filter(
            status=Payment.Status.PENDING, created_at__lte=cutoff
        ).exclude(gateway_payment_id=None)
        counts = {status: 0 for status in Payment.Status.values}
        failed = 0
        for payment in pending.order_by("id").iterator():
            try:
                payment = services.settle(payment)
            except (client.GatewayUnavailable, client.GatewayError) as error:
                failed += 1
                self.stderr.write(f"платеж {payment.pk}: шлюз недоступен ({error})")
                continue
            counts[payment.status] += 1
            self.stdout.write(f"платеж {payment.pk}: {payment.get_status_display()}")
        summary = ", ".join(
            f"{label}: {counts[value]}" for value, label in Payment.Status.choices if counts[value]
        )
        self.stdout.write(f"Сверено платежей: {sum(counts.values())}. {summary}".rstrip(". "))
        if failed:
            self.stderr.write(f"Не удалось сверить: {failed}")
            raise SystemExit(1)
