"""`manage.py staff_totp <login>`: a staff member's authenticator app for the admin."""

import segno
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import two_factor
from accounts.models import User
from core.audit import record


class Command(BaseCommand):
    help = (
        "Give a staff member a TOTP device for the admin's code (ADMIN_REQUIRE_2FA): prints "
        "the QR code on the terminal and the key to type into the app. A device the member "
        "had stops working. The very first superuser can also enter with a code from "
        "`manage.py addstatictoken <login>`."
    )

    def add_arguments(self, parser):
        parser.add_argument("login", help="the staff member's login (username)")

    @transaction.atomic
    def handle(self, *args, login: str, **options):
        user = User.objects.filter(username=login, is_staff=True).first()
        if user is None:
            raise CommandError(f"Нет сотрудника с логином {login!r}.")
        device = two_factor.start_setup(user)
        two_factor.TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record("two_factor.staff_device", username=login)
        segno.make(device.config_url, error="m").terminal(out=self.stdout, compact=True)
        self.stdout.write(f"Ключ для приложения: {two_factor.secret_of(device)}")
        self.stdout.write(self.style.SUCCESS(f"Приложение для {login} готово."))
