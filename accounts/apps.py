from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Учетные записи"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accounts import admin_site

        admin_site.install()

        from accounts.middleware import mark_session_start
        from accounts.throttle import alert_owner

        user_logged_in.connect(mark_session_start, dispatch_uid="accounts.session_start")
        user_login_failed.connect(alert_owner, dispatch_uid="accounts.alert_owner")
