from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Учетные записи"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import mark_session_start

        user_logged_in.connect(mark_session_start, dispatch_uid="accounts.session_start")
