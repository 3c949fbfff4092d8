"""Django admin for the organizations app (staff and superusers only, as Django does).

Both trees show as indented trees.  Personal data never appears in full: list columns are
masked, the change forms take a new phone or ID number but never render the stored one.
Logs (personal-data views, logins, imports) are read-only.  Every admin change to a domain
object is also written to the audit trail.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from dangjian.admin import AuditedAdmin, AuditedTreeAdmin, ReadOnlyAdmin
from dangjian.audit import record
from dangjian.forms import BlankTextInput
from dangjian.privacy import is_valid_id_number, is_valid_mobile, mask_id_number, mask_phone
from dangjian.trees import lock_tree_writes
from organizations.accounts.actions import token_revoke
from organizations.accounts.choices import RevokeReason
from organizations.accounts.models import ApiToken, LoginAttempt
from organizations.areas.actions import AREA_FIELDS, area_create, area_delete, area_update
from organizations.areas.models import Area
from organizations.grants.models import Grant
from organizations.imports.models import ImportJob
from organizations.members.models import CentralHousehold, Member, PersonalDataAccess
from organizations.orgs.actions import ORG_FIELDS, org_create, org_update
from organizations.orgs.models import PartyOrg
from organizations.units.models import ResidentUnit


def _adopt(obj, saved) -> None:
    """The admin keeps working with its own ``obj``: give it what the action saved."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))


class TreeActionAdmin(AuditedTreeAdmin):
    """Saves and deletes of a tree node go through the portal's actions: the same scope
    checks, tree lock (``lock_tree_writes``), validation and audit events."""

    action_fields: tuple = ()

    def fields_of(self, form) -> dict:
        return {name: form.cleaned_data[name] for name in self.action_fields if name in form.cleaned_data}

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def delete_selected_tree(self, modeladmin, request, queryset):
        """mptt's "delete selected" (one ``obj.delete()`` per node), through ``delete_model``."""
        if not request.POST.get("post"):
            return super().delete_selected_tree(modeladmin, request, queryset)
        n = 0
        for obj in queryset:
            if self.has_delete_permission(request, obj):
                self.log_deletions(request, [obj])
                self.delete_model(request, obj)
                n += 1
        self.message_user(request, _("已删除 %(n)d 项。") % {"n": n}, messages.SUCCESS)
        return None


@admin.register(Area)
class AreaAdmin(TreeActionAdmin):
    list_display = ("name", "code", "level", "households", "building_use")
    list_filter = ("level", "building_use")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    readonly_fields = ("created_at", "updated_at")
    action_fields = AREA_FIELDS

    def save_model(self, request, obj, form, change):
        fields = self.fields_of(form)
        if change:
            saved = area_update(actor=request.user, area=obj, **fields)
        else:
            fields.setdefault("parent", None)
            saved = area_create(actor=request.user, **fields)
        _adopt(obj, saved)

    def delete_model(self, request, obj):
        try:
            area_delete(actor=request.user, area=obj)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)


@admin.register(PartyOrg)
class PartyOrgAdmin(TreeActionAdmin):
    list_display = ("name", "code", "kind", "category", "formation", "area", "term_started_on", "term_years")
    list_filter = ("kind", "category", "formation")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent", "area", "secretary")
    list_select_related = ("area",)
    readonly_fields = ("created_at", "updated_at")
    action_fields = ORG_FIELDS

    def save_model(self, request, obj, form, change):
        fields = self.fields_of(form)
        if change:
            saved = org_update(actor=request.user, org=obj, **fields)
        else:
            required = {name: fields.pop(name, None) for name in ("parent", "area", "name", "code", "kind", "category")}
            saved = org_create(actor=request.user, **required, **fields)
        _adopt(obj, saved)

    def delete_model(self, request, obj):
        with transaction.atomic():  # the portal has no delete action for organizations: lock and audit here
            lock_tree_writes(PartyOrg)
            record(request.user, "org.delete", obj, {})
            obj.delete()


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
            "name", "gender", "ethnicity", "birth_date", "education", "occupation", "joined_on", "full_member_on",
            "status", "organization", "org_role", "residence", "in_service", "employer", "employer_org", "phone",
            "id_number", "user",
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
    list_filter = ("status", "gender", "ethnicity", "education", "occupation", "in_service", "org_role", "contact_state")
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
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    """Users, with their grants inline; every grant added, changed or deleted here is an
    audit event (``admin.grant.*``), like the grants' own admin."""

    inlines = (*DjangoUserAdmin.inlines, GrantInline)

    def secret_fields(self):
        return ("password", "password1", "password2")

    def save_formset(self, request, form, formset, change):
        if formset.model is not Grant:
            return super().save_formset(request, form, formset, change)
        with transaction.atomic():
            instances = formset.save(commit=False)
            for grant_row in formset.deleted_objects:
                record(request.user, "admin.grant.delete", grant_row, {})
                grant_row.delete()
            changed = {id(obj): fields for obj, fields in formset.changed_objects}
            for grant_row in instances:
                creating = grant_row.pk is None
                grant_row.save()
                details = {"fields": ["role", "area", "org", "is_active", "note"]} if creating else {"fields": changed.get(id(grant_row), [])}
                details["user"] = grant_row.user_id
                record(request.user, f"admin.grant.{'create' if creating else 'update'}", grant_row, details)
            formset.save_m2m()


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every user's API tokens (never their keys): an administrator revokes them here."""

    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at", "revoked_reason")
    list_filter = ("revoked_reason",)
    search_fields = ("user__username", "name", "prefix")
    list_select_related = ("user",)
    readonly_fields = list_display
    fields = list_display
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("撤销所选令牌"), permissions=["delete"])
    def revoke(self, request, queryset):
        n = 0
        for token in queryset:
            if token_revoke(token, RevokeReason.ADMIN):
                record(request.user, "admin.apitoken.revoke", token, {"user": token.user_id})
                n += 1
        self.message_user(request, _("已撤销 %(n)d 个令牌。") % {"n": n}, messages.SUCCESS)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "kind", "member", "target_type", "target_id", "fields", "matched", "refused", "channel", "ip")
    list_filter = ("kind", "refused", "channel", "target_type")
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


# DRF's own token model is no longer used (see ``ApiToken``); its admin would show an empty table.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


# ---------------------------------------------------------------------- 党费 (dues)
# The brackets are configuration (a locality's rule-set version, audited); the ledger, the
# bases and the derived state are written only through the portal's actions (amounts
# computed by the brackets, the members' state refreshed), so the admin reads them.
from organizations.dues.models import (  # noqa: E402
    DuesBase,
    DuesBracket,
    DuesOrgMonth,
    DuesPayment,
    DuesRuleSet,
    MemberDuesState,
)


class DuesBracketInline(admin.TabularInline):
    model = DuesBracket
    extra = 0
    fields = ("category", "lower", "upper", "rate", "flat_amount", "sort_order")


@admin.register(DuesRuleSet)
class DuesRuleSetAdmin(AuditedAdmin):
    list_display = ("name", "area", "version", "effective_from")
    list_select_related = ("area",)
    inlines = (DuesBracketInline,)
    raw_id_fields = ("area",)
    readonly_fields = ("created_by", "created_at")


@admin.register(DuesBase)
class DuesBaseAdmin(ReadOnlyAdmin):
    list_display = ("member", "year", "from_month", "category", "base", "monthly_amount", "rule_set", "declared_on")
    list_filter = ("year", "category")
    list_select_related = ("member", "rule_set")
    search_fields = ("member__name",)


@admin.register(DuesPayment)
class DuesPaymentAdmin(ReadOnlyAdmin):
    list_display = ("member", "month", "kind", "amount_due", "amount_paid", "paid_on", "organization")
    list_filter = ("kind",)
    list_select_related = ("member", "organization")
    search_fields = ("member__name",)
    date_hierarchy = "month"


@admin.register(MemberDuesState)
class MemberDuesStateAdmin(ReadOnlyAdmin):
    list_display = ("member", "start_month", "last_covered")
    list_select_related = ("member",)
    search_fields = ("member__name",)


@admin.register(DuesOrgMonth)
class DuesOrgMonthAdmin(ReadOnlyAdmin):
    list_display = ("org", "month", "due", "paid", "paid_months", "exempt_months")
    list_select_related = ("org",)
    date_hierarchy = "month"
# ------------------------------------------------------------------------- 发展党员
from organizations.development.models import (  # noqa: E402
    DevelopmentCase,
    DevelopmentRuleSet,
    DevelopmentStep,
    StepRule,
)


class StepRuleInline(admin.TabularInline):
    model = StepRule
    extra = 0
    fields = ("order", "code", "stage", "name", "kind", "counts_from", "min_interval", "min_unit", "deadline",
              "deadline_unit", "repeat_months", "after_probation", "enters_stage", "min_people", "max_people",
              "min_hours", "clause")


@admin.register(DevelopmentRuleSet)
class DevelopmentRuleSetAdmin(AuditedAdmin):
    list_display = ("name", "area", "version", "effective_from", "min_age", "created_by", "created_at")
    search_fields = ("name", "area__name")
    list_select_related = ("area", "created_by")
    autocomplete_fields = ("area",)
    readonly_fields = ("created_by", "created_at")
    inlines = [StepRuleInline]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class DevelopmentStepInline(admin.TabularInline):
    model = DevelopmentStep
    extra = 0
    fields = ("code", "on", "note", "notice_until", "hours", "activity", "votes_expected", "votes_present",
              "votes_yes", "votes_no", "votes_abstain", "votes_written", "recorded_by")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # steps are recorded through the portal, where the rules are checked


@admin.register(DevelopmentCase)
class DevelopmentCaseAdmin(AuditedAdmin):
    """Personal data masked; steps read-only (recorded through the portal, which checks the rules)."""

    list_display = ("name", "organization", "stage", "applied_on", "masked_phone", "masked_id_number", "due_on")
    list_filter = ("stage",)
    search_fields = ("name",)
    list_select_related = ("organization",)
    autocomplete_fields = ("organization", "member")
    exclude = ("phone", "id_number", "phone_hash", "id_number_hash")
    readonly_fields = ("masked_phone", "masked_id_number", "rule_set", "stage", "next_step", "next_allowed_on",
                       "due_step", "due_on", "created_by", "created_at", "updated_at")
    inlines = [DevelopmentStepInline]

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(DevelopmentStep)
class DevelopmentStepAdmin(ReadOnlyAdmin):
    list_display = ("case", "code", "on", "recorded_by", "recorded_at")
    list_select_related = ("case", "recorded_by")
    search_fields = ("case__name", "code")
# ---------------------------------------------------------------- 组织关系转接 (transfers)
# Read-only: every step of a transfer is an action (lock, check, record) taken on the portal
# or through the API; the admin shows the rows, their letter and their history.
from organizations.transfers.models import IntroductionLetter, Transfer, TransferEvent  # noqa: E402


class TransferEventInline(admin.TabularInline):
    model = TransferEvent
    fields = ("at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class IntroductionLetterInline(admin.StackedInline):
    model = IntroductionLetter
    fields = ("direction", "number", "issuer", "issuer_name", "destination", "issued_on", "valid_until")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "member", "kind", "from_org", "to_org", "outside_org", "status", "due_on", "answered_at")
    list_filter = ("kind", "status")
    search_fields = ("member__name", "from_org__name", "to_org__name", "outside_org", "letter__number")
    list_select_related = ("member", "from_org", "to_org")
    date_hierarchy = "started_at"
    inlines = (IntroductionLetterInline, TransferEventInline)


@admin.register(IntroductionLetter)
class IntroductionLetterAdmin(ReadOnlyAdmin):
    list_display = ("number", "direction", "issuer_name", "destination", "issued_on", "valid_until")
    list_filter = ("direction", "year")
    search_fields = ("number", "issuer_name", "destination", "transfer__member__name")


# ------------------------------------------------------------------ 临时党支部 (organizations.temporary)
from organizations.temporary.models import Secondment, TemporaryBranch  # noqa: E402


class SecondmentInline(admin.TabularInline):
    model = Secondment
    extra = 0
    raw_id_fields = ("member",)
# ---------------------------------------------------------------- 任职与换届 (roles)
from organizations.roles.models import LeaderLink, LeaderVisit, Position, TermRule  # noqa: E402


@admin.register(TermRule)
class TermRuleAdmin(admin.ModelAdmin):
    """Editable: the years of a new committee's term, by kind and/or category (blank: any)."""

    list_display = ("kind", "category", "years", "note")
    list_filter = ("kind", "category")
    list_editable = ("years",)


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ("member", "body", "post", "community", "org", "place", "unit", "started_on", "ended_on")
    list_filter = ("body", "post")
    search_fields = ("member__name", "community__name", "org__name", "unit__name")
    list_select_related = ("member", "community", "org", "place", "unit")


class LeaderVisitInline(admin.TabularInline):
    model = LeaderVisit
    fields = ("date", "days", "note", "recorded_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TemporaryBranch)
class TemporaryBranchAdmin(ReadOnlyAdmin):
    list_display = ("org", "purpose", "project_name", "started_on", "expected_end", "dissolved_on")
    list_filter = ("purpose",)
    search_fields = ("org__name", "project_name")
    list_select_related = ("org",)
    inlines = (SecondmentInline,)

@admin.register(LeaderLink)
class LeaderLinkAdmin(ReadOnlyAdmin):
    list_display = ("leader_name", "leader_post", "community", "kind", "year", "required_days", "visits_per_month",
                    "days_logged", "covered_until")
    list_filter = ("kind", "year")
    search_fields = ("leader_name", "leader_post", "community__name")
    list_select_related = ("community",)
    inlines = (LeaderVisitInline,)
