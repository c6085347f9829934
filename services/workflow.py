"""Filing a request and moving it through its statuses: the only ways they change."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from services import notifications
from services.models import (
    Attachment,
    RequestStatus,
    ServiceRequest,
    StatusChange,
)


@transaction.atomic
def file_request(contract, author, kind: str, fields: dict, files=()) -> ServiceRequest:
    """Create a request with its first history line («принята») and its attachments.

    `files` are uploads already checked by `uploads.check_attachment` (their
    `detected_type` set by the form).
    """
    now = timezone.now()
    service_request = ServiceRequest.objects.create(
        contract=contract, author=author, kind=kind, created_at=now, updated_at=now, **fields
    )
    StatusChange.objects.create(
        request=service_request,
        status=RequestStatus.ACCEPTED,
        comment="Заявка подана через личный кабинет.",
        changed_by=author,
        is_filing=True,
        created_at=now,
    )
    for upload in files:
        Attachment.objects.create(
            request=service_request,
            file=upload,
            original_name=upload.name[:255],
            content_type=upload.detected_type,
            size=upload.size,
            uploaded_at=now,
        )
    return service_request


def change_status(
    service_request: ServiceRequest, status: str, comment: str, staff_user
) -> StatusChange:
    """Set a new status, write the history line and queue the customer's mail with them."""
    if status not in RequestStatus.values:
        raise ValidationError(f"Неизвестный статус «{status}».")
    with transaction.atomic():
        # Two staff members saving at once must not both write «в работе».
        locked = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
        if locked.status == status:
            raise ValidationError(
                f"Заявка уже в статусе «{locked.get_status_display()}»: выберите другой статус."
            )
        now = timezone.now()
        change = StatusChange.objects.create(
            request=locked, status=status, comment=comment, changed_by=staff_user, created_at=now
        )
        locked.status = status
        locked.updated_at = now
        locked.save(update_fields=("status", "updated_at"))
        # The customer's mail goes into the outbox with the change (sent once it commits).
        notifications.notify_status_change(change)
    service_request.status = status
    service_request.updated_at = now
    return change
