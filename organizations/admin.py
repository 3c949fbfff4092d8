"""Django admin for the organizations app (staff and superusers only, as Django does).

Both trees show as indented trees.  Personal data never appears in full: list columns are
masked, the change forms take a new phone or ID number but never render the stored one.
Logs (personal-data views, logins, imports) are read-only.  Every admin change to a domain
object is also written to the audit trail.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from dangjian.admin import AuditedAdmin, AuditedTreeAdmin, ReadOnlyAdmin
from dangjian.forms import BlankTextInput
from dangjian.privacy import is_valid_id_number, is_valid_mobile, mask_id_number, mask_phone
from organizations.accounts.models import LoginAttempt
from organizations.areas.models import Area
from organizations.grants.models import Grant
from organizations.imports.models import ImportJob
from organizations.members.models import CentralHousehold, Member, PersonalDataAccess
from organizations.orgs.models import PartyOrg
from organizations.units.models import ResidentUnit


@admin.register(Area)
class AreaAdmin(AuditedTreeAdmin):
    list_display = ("name", "code", "level", "households", "building_use")
    list_filter = ("level", "building_use")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(PartyOrg)
class PartyOrgAdmin(AuditedTreeAdmin):
    list_display = ("name", "code", "kind", "category", "formation", "area", "term_started_on", "term_years")
    list_filter = ("kind", "category", "formation")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent", "area", "secretary")
    list_select_related = ("area",)
    readonly_fields = ("created_at", "updated_at")


class PersonalDataAdminForm(forms.ModelForm):
    """Personal fields are typed, never shown: blank keeps the stored value."""

    personal = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        for name in self.personal:
            if name not in self.fields:
                continue
            field = self.fields[name]
            field.widget = BlankTextInput()
            field.required = False
            if editing:
                stored = getattr(self.instance, name)
                field.help_text = _("留空则保留原值（%(masked)s）。") % {"masked": self._mask(name, stored) or _("未登记")}

    def _mask(self, name, value):
        return mask_phone(value)

    def _keep(self, name):
        value = (self.cleaned_data.get(name) or "").strip()
        if not value and self.instance.pk is not None:
            return getattr(self.instance, name)
        return value


class MemberAdminForm(PersonalDataAdminForm):
    personal = ("phone", "id_number")

    class Meta:
        model = Member
        fields = (  # the hash columns are derived, never edited
            "name", "gender", "birth_date", "joined_on", "full_member_on", "status", "organization", "org_role",
            "residence", "in_service", "employer", "employer_org", "phone", "id_number", "user",
        )

    def _mask(self, name, value):
        return mask_phone(value) if name == "phone" else mask_id_number(value)

    def clean_phone(self):
        value = self._keep("phone")
        if value and not is_valid_mobile(value):
            raise forms.ValidationError(_("请输入有效的11位手机号码。"))
        return value

    def clean_id_number(self):
        value = self._keep("id_number").upper()
        if value and not is_valid_id_number(value):
            raise forms.ValidationError(_("身份证号格式或校验位不正确。"))
        return value


@admin.register(Member)
class MemberAdmin(AuditedAdmin):
    form = MemberAdminForm
    list_display = ("name", "gender", "status", "organization", "org_role", "residence", "masked_phone", "masked_id_number")
    list_filter = ("status", "gender", "in_service", "org_role")
    search_fields = ("name",)
    autocomplete_fields = ("organization", "residence", "employer_org", "user")
    list_select_related = ("organization", "residence")
    readonly_fields = ("created_at", "updated_at")

    def secret_fields(self):
        return ("phone", "id_number")

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj):
        return obj.phone_masked

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj):
        return obj.id_number_masked


@admin.register(CentralHousehold)
class CentralHouseholdAdmin(AuditedAdmin):
    list_display = ("member", "building", "linked_households", "designated_on")
    search_fields = ("member__name", "building__name", "building__code")
    autocomplete_fields = ("member", "building")
    list_select_related = ("member", "building")


class ResidentUnitAdminForm(PersonalDataAdminForm):
    personal = ("contact_phone",)

    class Meta:
        model = ResidentUnit
        fields = ("name", "kind", "community", "party_org", "address", "contact_name", "contact_phone")

    def clean_contact_phone(self):
        return self._keep("contact_phone")


@admin.register(ResidentUnit)
class ResidentUnitAdmin(AuditedAdmin):
    form = ResidentUnitAdminForm
    list_display = ("name", "kind", "community", "party_org", "contact_name", "masked_contact_phone")
    list_filter = ("kind",)
    search_fields = ("name", "community__name")
    autocomplete_fields = ("community", "party_org")
    list_select_related = ("community", "party_org")

    def secret_fields(self):
        return ("contact_phone",)

    @admin.display(description=_("联系电话"))
    def masked_contact_phone(self, obj):
        return mask_phone(obj.contact_phone)


@admin.register(Grant)
class GrantAdmin(AuditedAdmin):
    list_display = ("user", "role", "area", "org", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "area__name", "area__code", "org__name", "org__code")
    autocomplete_fields = ("user", "area", "org")
    list_select_related = ("user", "area", "org")


class GrantInline(admin.TabularInline):
    model = Grant
    fk_name = "user"
    extra = 0
    fields = ("role", "area", "org", "is_active", "note")
    autocomplete_fields = ("area", "org")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = (*DjangoUserAdmin.inlines, GrantInline)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "kind", "member", "fields", "matched", "refused", "channel", "ip")
    list_filter = ("kind", "refused", "channel")
    search_fields = ("user__username", "member__name", "ip")
    list_select_related = ("user", "member")
    date_hierarchy = "at"


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "ip", "succeeded")
    list_filter = ("succeeded",)
    search_fields = ("username", "ip")
    date_hierarchy = "at"


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "status", "original_name", "total_rows", "processed_rows", "created_by", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("original_name", "created_by__username")
    list_select_related = ("created_by",)
    exclude = ("file",)
