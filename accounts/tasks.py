"""Account work done by the worker, off the request."""

from urllib.parse import urljoin

from celery import shared_task

from accounts import services
from billing.models import Branch


@shared_task(acks_late=True)
def send_password_reset(branch_id: int, contract_number: str, base_url: str) -> None:
    """«Забыли пароль?» looked up and mailed here: the request queues this one task whether
    or not the account exists, so both answers take the same path and time (issue 23)."""
    branch = Branch.objects.filter(pk=branch_id).first()
    if branch is not None:
        services.send_password_reset(branch, contract_number, lambda path: urljoin(base_url, path))
