from django.contrib import admin

from meters.models import DeliveryPoint, Meter, Reading


class MeterInline(admin.TabularInline):
    model = Meter
    extra = 0
    fields = (
        "number",
        "model",
        "coefficient",
        "digits",
        "decimals",
        "zones",
        "is_automatic",
    )
    show_change_link = True


@admin.register(DeliveryPoint)
class DeliveryPointAdmin(admin.ModelAdmin):
    list_display = ("code", "address", "contract", "voltage_level")
    search_fields = ("code", "address", "contract__number")
    list_filter = ("voltage_level", "contract__branch")
    list_select_related = ("contract", "contract__branch")
    raw_id_fields = ("contract",)
    inlines = (MeterInline,)


@admin.register(Meter)
class MeterAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "model",
        "coefficient",
        "digits",
        "zones",
        "is_automatic",
        "delivery_point",
    )
    search_fields = ("number", "model", "delivery_point__contract__number")
    list_filter = ("zones", "is_automatic")
    list_select_related = ("delivery_point",)
    raw_id_fields = ("delivery_point",)


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ("meter", "date", "zone", "value", "source", "status")
    list_filter = ("source", "status", "zone")
    search_fields = ("meter__number", "meter__delivery_point__contract__number")
    list_select_related = ("meter",)
    date_hierarchy = "date"
    raw_id_fields = ("meter", "submitted_by")
