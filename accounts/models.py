from django.contrib.auth.models import AbstractUser
from django.db import models

from billing.models import Branch, Contract


def login_name(branch: Branch, contract_number: str) -> str:
    """The internal username of a contract's portal user: city code and number."""
    return f"{branch.code}/{contract_number.strip()}"


class User(AbstractUser):
    """A portal user. A customer's user belongs to exactly one contract;
    staff users have none and work in the admin.

    A registration starts inactive with no `email_confirmed_at`; the link in
    the confirmation e-mail activates it. An account staff switched off is
    inactive *with* a confirmation date, so a new confirmation link cannot
    switch it back on.
    """

    contract = models.OneToOneField(
        Contract,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_user",
        verbose_name="договор",
    )
    organisation_name = models.CharField("наименование организации", max_length=255, blank=True)
    email_confirmed_at = models.DateTimeField("e-mail подтвержден", null=True, blank=True)
    pending_email = models.EmailField(
        "новый e-mail (ждет подтверждения)",
        blank=True,
        help_text="становится основным, когда владелец перейдет по ссылке из письма",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        swappable = "AUTH_USER_MODEL"

    @property
    def awaits_confirmation(self) -> bool:
        """Registered, but the link from the confirmation e-mail was not opened yet."""
        return not self.is_active and self.email_confirmed_at is None
