from __future__ import annotations


class MoneyVisibilityMixin:
    """Hides prices from staff without the `studio.view_money` permission (engineers)."""

    money_fields: tuple[str, ...] = ()

    def can_see_money(self, request) -> bool:
        return request.user.has_perm("studio.view_money")

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if self.can_see_money(request):
            return columns
        return [c for c in columns if c not in self.money_fields]

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if not self.can_see_money(request):
            excluded += list(self.money_fields)
        return excluded

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.can_see_money(request):
            return fieldsets
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in self.money_fields]})
            for name, opts in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.can_see_money(request):
            return fields
        return [f for f in fields if f not in self.money_fields]
