"""Back-office for the training offer: staff correct courses and sessions here. Changes made in
the admin do not mark `edited_fields`, so a later import may overwrite them (the pages do)."""

from django.contrib import admin

from filiere.training import models


class SessionInline(admin.TabularInline):
    model = models.Session
    extra = 0
    fields = [
        "external_id",
        "start_date",
        "end_date",
        "distance_learning",
        "city",
        "department_code",
        "places",
        "status",
    ]
    readonly_fields = ["external_id"]


class CourseSkillInline(admin.TabularInline):
    model = models.CourseSkill
    extra = 0
    raw_id_fields = ["skill"]


@admin.register(models.Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "certification_code", "teaching_mode", "is_published", "source"]
    list_filter = ["is_published", "source", "teaching_mode"]
    search_fields = ["title", "external_id", "certification_code", "organisation__name"]
    raw_id_fields = ["organisation"]
    readonly_fields = ["external_id", "raw", "source_hash", "created_at", "updated_at"]
    inlines = [SessionInline, CourseSkillInline]


@admin.register(models.Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = [
        "course",
        "start_date",
        "end_date",
        "department_code",
        "distance_learning",
        "places",
        "status",
    ]
    list_filter = ["status", "distance_learning", "region_code"]
    search_fields = ["course__title", "external_id", "city"]
    raw_id_fields = ["course", "commune"]
    readonly_fields = ["external_id", "raw", "source_hash"]
