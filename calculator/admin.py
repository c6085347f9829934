from django.contrib import admin

from calculator.models import FlatRate, HourlyRate, MonthlyRate, TariffMonth


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
        "id", "tariff_month", "price_category", "voltage_level", "power_band", "date", "hour",
        "rate",
    )  # fmt: skip
    date_hierarchy = "date"
