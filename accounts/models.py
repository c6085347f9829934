from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models

from billing.models import Branch, Contract


def login_name(branch: Branch, contract_number: str) -> str:
    """The internal username of a contract's portal user: city code and number."""
    return f"{branch.code}/{contract_number.strip()}"


# An unconfirmed registration lives this long from `date_joined` (issue 23).
REGISTRATION_LIFETIME = timedelta(hours=72)


class User(AbstractUser):
    """A portal user. A customer's user belongs to exactly one contract;
    staff users have none and work in the admin.

    A registration starts inactive with no `email_confirmed_at`; the link in
    the confirmation e-mail activates it. `confirmation_sent_to` is where that
    link went: billing's address of the contract, or the registrant's own
    when they gave the contract's «Код регистрации»; empty while the
    registration waits for staff approval. An account staff switched off is
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
    confirmation_sent_to = models.EmailField(
        "ссылка подтверждения отправлена на",
        blank=True,
        help_text="пусто — регистрация ждет одобрения сотрудником",
    )
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

    @property
    def registration_expires_at(self):
        return self.date_joined + REGISTRATION_LIFETIME

    def registration_expired(self, now) -> bool:
        """An unconfirmed registration older than 72 hours: its link and approval no longer work."""
        return self.awaits_confirmation and now >= self.registration_expires_at
