"""Demo requests of contract 1001: a meter replacement in progress, a reconciliation done."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from meters.models import Meter
from services.models import RequestKind, RequestStatus, ServiceRequest, StatusChange


def seed(ctx: dict, stdout) -> None:
    contract = ctx["contracts"][("kemerovo", "1001")]
    if ServiceRequest.objects.filter(contract=contract).exists():
        return
    customer = User.objects.filter(contract=contract).first()
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    meter = Meter.objects.filter(delivery_point__contract=contract).first()
    now = timezone.now()
    # Older than the notification look-back: cron does not mail about demo history.
    filed = now - dt.timedelta(days=30)
    worked = now - dt.timedelta(days=20)
    requests = []
    if meter is not None:
        requests.append(
            (
                dict(
                    kind=RequestKind.METER, meter=meter, meter_action="replacement",
                    preferred_date=(now + dt.timedelta(days=10)).date(),
                    text="Не работает индикатор, показания не меняются.",
                ),
                [(RequestStatus.IN_PROGRESS, "Выезд специалиста согласован, ожидайте звонка.")],
            )
        )  # fmt: skip
    requests.append(
        (
            dict(
                kind=RequestKind.RECONCILIATION, period_from=dt.date(now.year - 1, 1, 1),
                period_to=dt.date(now.year - 1, 12, 31), delivery="office",
            ),
            [
                (RequestStatus.IN_PROGRESS, "Акт готовится."),
                (RequestStatus.DONE, "Акт подписан, заберите в офисе: пр-кт Кузнецкий, 30, каб. 105."),
            ],
        )
    )  # fmt: skip
    for fields, changes in requests:
        service_request = ServiceRequest.objects.create(
            contract=contract, author=customer, created_at=filed, updated_at=worked, **fields
        )
        StatusChange.objects.create(
            request=service_request, status=RequestStatus.ACCEPTED, is_filing=True,
            comment="Заявка подана через личный кабинет.", changed_by=customer, created_at=filed,
        )  # fmt: skip
        for step, (status, comment) in enumerate(changes):
            StatusChange.objects.create(
                request=service_request, status=status, comment=comment, changed_by=staff,
                created_at=worked + dt.timedelta(hours=step),
            )  # fmt: skip
            service_request.status = status
        service_request.save(update_fields=["status"])
    stdout.write(f"Заявок для договора {contract.number}: {len(requests)}.")
