from django.apps import AppConfig


class MetersConfig(AppConfig):
    name = "meters"
    verbose_name = "Приборы учета и показания"
