"""Forms of 账号管理.  They check shapes; ``organizations.staff.actions`` checks the rules and
its errors are put back on the form (``dangjian.forms.attach_errors``).  Nodes are chosen
with pickers (``dangjian.forms.PickerField``) over the areas and organizations the user may
grant at, the very querysets the endpoints ``organizations:account_pick_*`` list."""
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.forms import ALL, FilterForm, PickerField, PlainForm
from organizations.areas.models import Area
from organizations.grants.choices import Role
from organizations.orgs.models import PartyOrg
from organizations.staff import actions, permissions, selectors


def area_label(obj) -> str:
    return f"{obj.name}（{obj.get_level_display()}）"


def org_label(obj) -> str:
    return str(obj.name)


class AreaPickerField(PickerField):
    def label_from_instance(self, obj):
        return area_label(obj)


class OrgPickerField(PickerField):
    def label_from_instance(self, obj):
        return org_label(obj)


class AccountFilterForm(FilterForm):
    q = forms.CharField(label=_("姓名或用户名"), required=False, max_length=50)
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", ALL), *Role.choices])
    active = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", ALL), ("yes", _("启用")), ("no", _("已停用"))])


class GrantFieldsMixin:
    """A role and the node to grant it at: an area or a party organization (one of them)."""

    def _init_grant_fields(self, user):
        self.fields["role"].choices = [("", _("请选择角色"))] + [
            (role, Role(role).label) for role in permissions.grantable_roles(user)
        ]
        self.fields["area"].queryset = selectors.grant_areas(user)
        self.fields["org"].queryset = selectors.grant_orgs(user)

    def clean_node(self, cleaned):
        area, org = cleaned.get("area"), cleaned.get("org")
        if area is not None and org is not None:
            raise ValidationError(_("区域和党组织只能选择其中一个。"), code="two_nodes")
        if area is None and org is None and not self.has_error("area") and not self.has_error("org"):
            raise ValidationError(_("请选择授权的区域或党组织。"), code="no_node")
        cleaned["node"] = area or org
        return cleaned


def _grant_fields():
    return (
        forms.ChoiceField(label=_("角色")),
        AreaPickerField(Area.objects.none(), label=_("授权区域"), required=False, empty_label=_("不按区域授权"),
                                url=reverse_lazy("organizations:account_pick_areas"),
                                help_text=_("输入区域名称或编码搜索：授权覆盖该区域及其下级。")),
        OrgPickerField(PartyOrg.objects.none(), label=_("或授权党组织"), required=False,
                              empty_label=_("不按党组织授权"), url=reverse_lazy("organizations:account_pick_orgs"),
                              help_text=_("职能部门、单位党组织等按党组织授权时选择；与区域二选一。")),
    )


class PasswordFieldsMixin:
    def clean_passwords(self, cleaned):
        if cleaned.get("mode") == "set":
            first, second = cleaned.get("password1") or "", cleaned.get("password2") or ""
            if not first:
                self.add_error("password1", _("请输入初始密码，或选择“自动生成”。"))
            elif first != second:
                self.add_error("password2", _("两次输入的密码不一致。"))
        else:
            cleaned["password1"] = ""
        return cleaned


def _password_fields():
    return (
        forms.ChoiceField(
            label=_("初始密码"), initial="generate",
            choices=[("generate", _("自动生成（只显示一次）")), ("set", _("由我设置"))],
        ),
        forms.CharField(label=_("设置密码"), required=False, strip=False,
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                     help_text=_("选择“由我设置”时填写：至少 10 位，含两类以上字符；对方首次登录时必须修改。")),
        forms.CharField(label=_("再次输入密码"), required=False, strip=False,
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})),
    )


class AccountCreateForm(GrantFieldsMixin, PasswordFieldsMixin, PlainForm):
    username = forms.CharField(label=_("用户名"), max_length=actions.USERNAME_MAX,
                               help_text=_("登录用，字母、数字或 @ . + - _，例如 zhang.san。"))
    display_name = forms.CharField(label=_("姓名"), max_length=actions.DISPLAY_NAME_MAX,
                                   help_text=_("页面上显示的姓名或名称。"))
    role, area, org = _grant_fields()
    note = forms.CharField(label=_("备注"), required=False, max_length=actions.NOTE_MAX)
    mode, password1, password2 = _password_fields()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_grant_fields(user)

    def clean(self):
        cleaned = super().clean()
        return self.clean_passwords(self.clean_node(cleaned))


class GrantForm(GrantFieldsMixin, PlainForm):
    role, area, org = _grant_fields()
    note = forms.CharField(label=_("备注"), required=False, max_length=actions.NOTE_MAX)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_grant_fields(user)

    def clean(self):
        return self.clean_node(super().clean())


class PasswordResetForm(PasswordFieldsMixin, PlainForm):
    mode, password1, password2 = _password_fields()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].label = _("新密码")

    def clean(self):
        return self.clean_passwords(super().clean())
