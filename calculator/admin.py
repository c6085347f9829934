from django.contrib import admin

from calculator.models import (
    CapacityPeakHour,
    FlatRate,
    HourlyRate,
    MonthHours,
    MonthlyRate,
    TariffMonth,
)


class FlatRateInline(admin.TabularInline):
    model = FlatRate
    extra = 0


@admin.register(TariffMonth)
class TariffMonthAdmin(admin.ModelAdmin):
    list_display = ("month", "is_demo")
    list_filter = ("is_demo",)
    date_hierarchy = "month"
    inlines = (FlatRateInline,)


class RateAdmin(admin.ModelAdmin):
    list_filter = ("tariff_month", "price_category", "voltage_level", "power_band")
    list_editable = ("rate",)
    list_select_related = ("tariff_month",)
    list_per_page = 100


@admin.register(FlatRate)
class FlatRateAdmin(RateAdmin):
    list_display = (
        "id", "tariff_month", "price_category", "voltage_level", "power_band", "zone", "rate",
    )  # fmt: skip


@admin.register(MonthlyRate)
class MonthlyRateAdmin(RateAdmin):
    list_display = (
        "id", "tariff_month", "price_category", "voltage_level", "power_band", "kind", "rate",
    )  # fmt: skip
    list_filter = (*RateAdmin.list_filter, "kind")


@admin.register(HourlyRate)
class HourlyRateAdmin(RateAdmin):
    list_display = (
        "id", "tariff_month", "price_category", "voltage_level", "power_band", "kind", "date",
        "hour", "rate",
    )  # fmt: skip
    list_filter = (*RateAdmin.list_filter, "kind")
    date_hierarchy = "date"


@admin.register(MonthHours)
class MonthHoursAdmin(admin.ModelAdmin):
    """A month's planned peak hours of the system operator and three-zone intervals."""

    list_display = ("id", "month", "kind", "hours")
    list_editable = ("hours",)
    list_filter = ("kind",)
    date_hierarchy = "month"


@admin.register(CapacityPeakHour)
class CapacityPeakHourAdmin(admin.ModelAdmin):
    """The system operator's peak hour of each working day (capacity)."""

    list_display = ("id", "date", "hour")
    list_editable = ("hour",)
    date_hierarchy = "date"
    list_per_page = 100
