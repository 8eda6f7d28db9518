from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from digihub.core.admin import ScopedAdmin

from .models import (
    Chamber,
    CommercialPartner,
    Hub,
    KnowledgePartner,
    PartnerContact,
    PostcodeArea,
    Province,
    Theme,
)


@admin.register(Province)
class ProvinceAdmin(ScopedAdmin):
    list_display = ("code", "name_nl", "name_en", "name_fr", "region")


@admin.register(Theme)
class ThemeAdmin(ScopedAdmin):
    list_display = ("code", "name_nl", "name_en", "name_fr", "order")
    search_fields = ("code", "name_nl", "name_en", "name_fr")


@admin.register(Chamber)
class ChamberAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("short_name", "name", "city", "email")
    search_fields = ("name", "short_name")


class PartnerContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 0


@admin.register(KnowledgePartner)
class KnowledgePartnerAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("short_name", "name", "kind", "capacity", "active")
    list_filter = ("kind", "active", "themes")
    search_fields = ("name", "short_name", "expertise")
    filter_horizontal = ("themes",)
    inlines = [PartnerContactInline]


@admin.register(CommercialPartner)
class CommercialPartnerAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("name", "chamber", "email")
    search_fields = ("name",)
    filter_horizontal = ("themes",)


@admin.register(Hub)
class HubAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ("name", "province", "chamber")
    filter_horizontal = ("partners",)


@admin.register(PostcodeArea)
class PostcodeAreaAdmin(ScopedAdmin):
    list_display = ("start", "end", "province", "chamber", "hub")
    list_filter = ("province",)
