"""django-axes under a Russian section name in the admin. In a module of its own: a second
AppConfig in accounts/apps.py would stop Django from picking AccountsConfig by default."""

import axes.apps


class AxesConfig(axes.apps.AppConfig):
    verbose_name = "Блокировки входа"
