from django.contrib import admin

from regions.models import Membership, Region


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "code", "plan"]
    list_display_links = ["name"]
    list_filter = ["plan"]
    search_fields = ["name", "code"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "region"]
    list_filter = ["region"]
    search_fields = ["user__username", "user__first_name", "region__name"]
    list_select_related = ["user", "region"]
    autocomplete_fields = ["user", "region"]
