"""Migration 0002: a month's one deviation rate becomes the rate of each of its hours."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("calculator", "0001_initial")]
AFTER = [("calculator", "0002_peak_hours_and_hourly_deviations")]


@pytest.mark.django_db(transaction=True)
def test_monthly_deviation_rates_become_hourly_rates_of_the_same_value():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    month = old.get_model("calculator", "TariffMonth").objects.create(month=dt.date(2026, 2, 1))
    MonthlyRate = old.get_model("calculator", "MonthlyRate")
    key = dict(tariff_month=month, voltage_level="НН", power_band="lt670", price_category=5)
    MonthlyRate.objects.create(kind="deviation_up", rate=D("140.00"), **key)
    MonthlyRate.objects.create(kind="deviation_down", rate=D("110.00"), **key)
    MonthlyRate.objects.create(kind="capacity", rate=D("1000000.00"), **key)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    HourlyRate = new.get_model("calculator", "HourlyRate")
    # February 2026: 28 days × 24 hours of each kind, at the month's rate
    assert HourlyRate.objects.filter(kind="deviation_up", rate=D("140.00")).count() == 672
    assert HourlyRate.objects.filter(kind="deviation_down", rate=D("110.00")).count() == 672
    remaining = new.get_model("calculator", "MonthlyRate").objects.values_list("kind", flat=True)
    assert list(remaining) == ["capacity"]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
