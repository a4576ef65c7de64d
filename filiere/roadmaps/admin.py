"""Back-office for plans: staff edit the tree and the indicators here; changes made in the admin
bypass services and so do not appear in the activity log (the pages and imports do)."""

from django.contrib import admin

from filiere.roadmaps import models


class AxisInline(admin.TabularInline):
    model = models.Axis
    extra = 0
    fields = ["position", "kind", "title", "weight"]


class ObjectiveInline(admin.TabularInline):
    model = models.Objective
    extra = 0
    fields = ["position", "title", "weight"]


class ActionStepInline(admin.TabularInline):
    model = models.ActionStep
    extra = 0


class TargetInline(admin.TabularInline):
    model = models.IndicatorTarget
    extra = 0


class ValueInline(admin.TabularInline):
    model = models.IndicatorValue
    extra = 0
    readonly_fields = ["entered_by", "created_at"]


@admin.register(models.Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "region", "start_date", "end_date", "is_public"]
    list_filter = ["kind", "region", "is_public"]
    search_fields = ["title"]
    autocomplete_fields = ["partners"]
    inlines = [AxisInline]


@admin.register(models.Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "kind", "position"]
    list_filter = ["plan"]
    inlines = [ObjectiveInline]


@admin.register(models.Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "axis", "position"]
    list_filter = ["axis__plan"]


@admin.register(models.Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "objective", "owner", "status", "priority", "start_date", "end_date"]
    list_filter = ["status", "priority", "objective__axis__plan"]
    search_fields = ["title", "owner_name", "owner__name"]
    autocomplete_fields = ["owner", "partners", "funders"]
    inlines = [ActionStepInline]


@admin.register(models.Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "unit", "direction", "computation"]
    list_filter = ["plan", "computation"]
    search_fields = ["name"]
    filter_horizontal = ["actions", "objectives"]
    inlines = [TargetInline, ValueInline]


@admin.register(models.ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "plan", "user", "verb", "object_type", "object_repr"]
    list_filter = ["verb", "object_type", "plan"]
    readonly_fields = [f.name for f in models.ActivityLog._meta.fields]
