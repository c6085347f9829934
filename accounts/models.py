from django.contrib.auth.models import AbstractUser
from django.db import models

from billing.models import Branch, Contract


def login_name(branch: Branch, contract_number: str) -> str:
    """The internal username of a contract's portal user: city code and number."""
    return f"{branch.code}/{contract_number.strip()}"


class User(AbstractUser):
    """A portal user. A customer's user belongs to exactly one contract;
    staff users have none and work in the admin."""

    contract = models.OneToOneField(
        Contract,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_user",
        verbose_name="договор",
    )
    organisation_name = models.CharField("наименование организации", max_length=255, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        swappable = "AUTH_USER_MODEL"
