"""Forms of the organizations portal pages.

The forms only read and check input; the write itself is an action in
``organizations.actions``, whose ``ValidationError`` is attached back to the fields with
``attach_errors``.  Choices of areas and organizations are limited to the user's scoped
querysets: large sets are entered by code (a text box validated against the scoped
queryset, with a short list of suggestions), small sets are plain selects.
"""
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from dangjian.privacy import is_valid_id_number, is_valid_mobile, mask_phone
from dangjian.scoping import get_scope
from organizations import selectors
from organizations.choices import AreaLevel, Gender, MemberStatus, OrgCategory, OrgKind, OrgRole, ResidentUnitKind
from organizations.models import Area, CentralHousehold, Member, PartyOrg, ResidentUnit

SUGGESTIONS = 200  # how many codes a suggestion list offers at most


def attach_errors(form, exc: ValidationError, *, field_map=None) -> None:
    """Put an action's ValidationError on the form: per field when the form has that field
    (``field_map`` renames action fields to form fields), otherwise as a form-wide error,
    named by the model field's label when there is one.  Every app's forms use this."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        field = (field_map or {}).get(name, name)
        if field in form.fields:
            form.add_error(field, errors)
        elif name == NON_FIELD_ERRORS:
            form.add_error(None, errors)
        else:
            label = _field_label(form, name)
            prefix = f"{label}：" if label else ""
            form.add_error(None, [f"{prefix}{m}" for e in errors for m in e.messages])


def _field_label(form, name):
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None:
        try:
            return model._meta.get_field(name).verbose_name
        except FieldDoesNotExist:
            pass
    return None


class BlankTextInput(forms.TextInput):
    """A text box that never renders a value: personal data is typed, never shown back."""

    def format_value(self, value):
        return None


class ScopedCodeField(forms.CharField):
    """Pick one object of a scoped queryset by its code.

    The queryset is set per request (``field.queryset = selectors.areas_for(user)``), so a
    code outside the user's subtree is answered exactly like a code that does not exist.
    """

    default_error_messages = {
        "not_found": _("编码“%(code)s”不存在，或不在您的管辖范围内。"),
    }

    def __init__(self, *, queryset=None, suggest=None, **kwargs):
        self.queryset = queryset
        self.suggest = suggest  # a narrower queryset for the suggestion list (optional)
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return getattr(value, "code", value)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        obj = self.queryset.filter(code=value).first()
        if obj is None:
            raise ValidationError(self.error_messages["not_found"], code="not_found", params={"code": value})
        return obj


class BootstrapMixin:
    """Bootstrap classes on every widget, ``is-invalid`` on fields that carry errors."""

    def _init_widgets(self):
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(field, ScopedCodeField):
                widget.attrs["list"] = f"dl-{self.prefix or 'f'}-{name}"
                widget.attrs.setdefault("autocomplete", "off")

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"

    @cached_property
    def suggestions(self):
        """Datalists for the code fields: up to ``SUGGESTIONS`` scoped codes each (one query
        per field, run only when the form is rendered)."""
        out = []
        for name, field in self.fields.items():
            if isinstance(field, ScopedCodeField) and field.queryset is not None:
                source = field.suggest if field.suggest is not None else field.queryset
                rows = source.order_by("code").values_list("code", "name")[:SUGGESTIONS]
                out.append({"id": f"dl-{self.prefix or 'f'}-{name}", "options": list(rows)})
        return out


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ActionForm(BootstrapMixin, forms.ModelForm):
    """A ModelForm used for its fields, labels and choices only.

    The model is validated by the action (``full_clean`` inside the transaction), so the
    form skips the model validation step and never touches ``instance``.
    """

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self._init_widgets()

    def _post_clean(self):
        pass

    @property
    def editing(self):
        return self.instance is not None and self.instance.pk is not None

    def values(self, names) -> dict:
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


# ----------------------------------------------------------------------------- areas
class AreaForm(ActionForm):
    parent = ScopedCodeField(
        label=_("上级区域编码"), required=False, help_text=_("输入上级区域的编码；顶级区域（市、区）留空，仅系统管理员可建。")
    )

    class Meta:
        model = Area
        fields = ["parent", "name", "code", "level", "address", "households", "building_use"]

    FIELDS = ("parent", "name", "code", "level", "address", "households", "building_use")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = selectors.areas_for(self.user)
        if self.editing and not self.is_bound:
            self.initial["parent"] = self.instance.parent.code if self.instance.parent_id else ""
        self.fields["households"].required = False

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        had_parent = self.editing and self.instance.parent_id is not None
        if parent is None and not get_scope(self.user).is_global and (not self.editing or had_parent):
            raise ValidationError(_("请填写上级区域编码。"), code="required")
        return parent

    def clean_households(self):
        return self.cleaned_data.get("households") or 0


# --------------------------------------------------------------- party organizations
class OrgForm(ActionForm):
    parent = ScopedCodeField(label=_("上级组织编码"), required=False, help_text=_("输入上级党组织的编码。"))
    area = ScopedCodeField(label=_("所在区域编码"), help_text=_("组织所依托的区域（社区、小区、楼栋等）的编码。"))

    class Meta:
        model = PartyOrg
        fields = [
            "name", "code", "kind", "category", "formation", "joint_units", "parent", "area",
            "founded_on", "term_started_on", "term_years", "secretary", "secretary_also_chairs",
        ]
        widgets = {"founded_on": DateInput(), "term_started_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = selectors.orgs_for(self.user)
        self.fields["area"].queryset = selectors.areas_for(self.user)
        self.fields["kind"].choices = OrgKind.choices
        self.fields["category"].choices = OrgCategory.choices
        if self.editing:
            if not self.is_bound:
                self.initial["parent"] = self.instance.parent.code if self.instance.parent_id else ""
                self.initial["area"] = self.instance.area.code
            # The secretary is one of the organization's own members (a branch-sized list).
            self.fields["secretary"].queryset = (
                selectors.members_for(self.user).filter(organization=self.instance).order_by("name")
            )
            self.fields["secretary"].required = False
        else:
            del self.fields["secretary"]
            self.initial["term_years"] = None
            self.fields["term_years"].required = False
            self.fields["term_years"].help_text = _("留空则按组织类别取默认任期（社区级和党委5年，其他支部3年）。")

    @property
    def field_names(self):
        return list(self.fields)

    def action_values(self) -> dict:
        values = self.values(self.field_names)
        if not self.editing and values.get("term_years") in (None, ""):
            values.pop("term_years", None)
        return values


# ----------------------------------------------------------------------------- members
class MemberForm(ActionForm):
    organization = ScopedCodeField(label=_("组织关系所在支部（编码）"), help_text=_("输入党组织编码。"))
    residence = ScopedCodeField(label=_("居住楼栋（编码）"), required=False, help_text=_("输入楼栋编码，可留空。"))
    employer_org = ScopedCodeField(label=_("工作单位党组织（编码）"), required=False)
    phone = forms.CharField(label=_("手机号"), required=False, max_length=20, widget=BlankTextInput())
    id_number = forms.CharField(label=_("身份证号"), required=False, max_length=18, widget=BlankTextInput())
    clear_phone = forms.BooleanField(label=_("清除已登记的手机号"), required=False)
    clear_id_number = forms.BooleanField(label=_("清除已登记的身份证号"), required=False)

    class Meta:
        model = Member
        fields = [
            "name", "gender", "birth_date", "joined_on", "full_member_on", "status", "organization", "org_role",
            "residence", "in_service", "employer", "employer_org", "phone", "id_number",
        ]
        widgets = {"birth_date": DateInput(), "joined_on": DateInput(), "full_member_on": DateInput()}

    PLAIN = (
        "name", "gender", "birth_date", "joined_on", "full_member_on", "status", "organization", "org_role",
        "residence", "in_service", "employer", "employer_org",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = selectors.orgs_for(self.user)
        self.fields["residence"].queryset = selectors.areas_for(self.user)
        self.fields["residence"].suggest = selectors.areas_for(self.user).filter(level=AreaLevel.BUILDING)
        self.fields["employer_org"].queryset = selectors.orgs_for(self.user)
        self.fields["gender"].choices = Gender.choices
        self.fields["status"].choices = MemberStatus.choices
        self.fields["org_role"].choices = OrgRole.choices
        if self.editing:
            inst = self.instance
            if not self.is_bound:
                self.initial["organization"] = inst.organization.code
                self.initial["residence"] = inst.residence.code if inst.residence_id else ""
                self.initial["employer_org"] = inst.employer_org.code if inst.employer_org_id else ""
            self.initial["phone"] = ""
            self.initial["id_number"] = ""
            keep = _("留空则保留原值（%(masked)s）。")
            self.fields["phone"].help_text = keep % {"masked": inst.phone_masked or _("未登记")}
            self.fields["id_number"].help_text = keep % {"masked": inst.id_number_masked or _("未登记")}
        else:
            del self.fields["clear_phone"]
            del self.fields["clear_id_number"]

    def clean_phone(self):
        value = "".join(ch for ch in self.cleaned_data.get("phone", "") if ch not in " -")
        if value and not is_valid_mobile(value):
            raise ValidationError(_("请输入有效的11位手机号码。"), code="invalid_phone")
        return value

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "").strip().upper()
        if value and not is_valid_id_number(value):
            raise ValidationError(_("身份证号格式或校验位不正确。"), code="invalid_id_number")
        return value

    def action_values(self) -> dict:
        values = self.values(self.PLAIN)
        for name in ("phone", "id_number"):
            typed = self.cleaned_data.get(name, "")
            if typed:
                values[name] = typed
            elif not self.editing or self.cleaned_data.get(f"clear_{name}"):
                values[name] = ""
            # editing and left blank: the stored value is kept (not passed to the action)
        return values


class CentralHouseholdForm(ActionForm):
    building = ScopedCodeField(label=_("所在楼栋（编码）"), help_text=_("党员中心户所在楼栋的编码。"))

    class Meta:
        model = CentralHousehold
        fields = ["building", "linked_households", "linked_rooms", "designated_on"]
        widgets = {"designated_on": DateInput()}

    FIELDS = ("building", "linked_households", "linked_rooms", "designated_on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = selectors.areas_for(self.user)
        self.fields["building"].queryset = areas
        self.fields["building"].suggest = areas.filter(level=AreaLevel.BUILDING)
        if self.editing and not self.is_bound:
            self.initial["building"] = self.instance.building.code

    def clean_building(self):
        building = self.cleaned_data.get("building")
        if building is not None and building.level != AreaLevel.BUILDING:
            raise ValidationError(
                _("党员中心户必须设在楼栋（“%(name)s”是%(level)s）。"),
                code="not_building",
                params={"name": building.name, "level": building.get_level_display()},
            )
        return building


# ---------------------------------------------------------------------- resident units
class ResidentUnitForm(ActionForm):
    community = ScopedCodeField(label=_("所在社区（编码）"))
    party_org = ScopedCodeField(label=_("单位党组织（编码）"), required=False)
    contact_phone = forms.CharField(label=_("联系电话"), required=False, max_length=20, widget=BlankTextInput())
    clear_contact_phone = forms.BooleanField(label=_("清除已登记的联系电话"), required=False)

    class Meta:
        model = ResidentUnit
        fields = ["name", "kind", "community", "party_org", "address", "contact_name", "contact_phone"]

    PLAIN = ("name", "kind", "community", "party_org", "address", "contact_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = selectors.areas_for(self.user)
        self.fields["community"].queryset = areas  # the model says why a non-community is refused
        self.fields["community"].suggest = areas.filter(level=AreaLevel.COMMUNITY)
        self.fields["party_org"].queryset = selectors.orgs_for(self.user)
        self.fields["kind"].choices = ResidentUnitKind.choices
        if self.editing:
            inst = self.instance
            if not self.is_bound:
                self.initial["community"] = inst.community.code
                self.initial["party_org"] = inst.party_org.code if inst.party_org_id else ""
            self.initial["contact_phone"] = ""
            self.fields["contact_phone"].help_text = _("留空则保留原值（%(masked)s）。") % {
                "masked": mask_phone(inst.contact_phone) or _("未登记")
            }
        else:
            del self.fields["clear_contact_phone"]

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone", "").strip()
        if value and not all(ch.isdigit() or ch in "-+ " for ch in value):
            raise ValidationError(_("联系电话只能包含数字和“-”。"), code="invalid_phone")
        return value

    def action_values(self) -> dict:
        values = self.values(self.PLAIN)
        typed = self.cleaned_data.get("contact_phone", "")
        if typed:
            values["contact_phone"] = typed
        elif not self.editing or self.cleaned_data.get("clear_contact_phone"):
            values["contact_phone"] = ""
        return values


# ------------------------------------------------------------------------ list filters
ALL = _("全部")


def _choices(enum):
    return [("", ALL), *enum.choices]


class FilterForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_widgets()
        for field in self.fields.values():
            size = " form-control-sm" if "form-control" in field.widget.attrs["class"] else " form-select-sm"
            field.widget.attrs["class"] += size

    def filters(self) -> dict:
        """The valid filter values (an invalid one is dropped, never an error page)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class OrgFilterForm(FilterForm):
    q = forms.CharField(label=_("名称或编码"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("组织类别"), required=False, choices=_choices(OrgKind))
    category = forms.ChoiceField(label=_("组织类型"), required=False, choices=_choices(OrgCategory))


class MemberFilterForm(FilterForm):
    q = forms.CharField(
        label=_("姓名、手机号或身份证号"), required=False, max_length=50,
        help_text=_("姓名可模糊查找；手机号和身份证号须完整输入。"),
    )
    status = forms.ChoiceField(label=_("党员状态"), required=False, choices=_choices(MemberStatus))
    gender = forms.ChoiceField(label=_("性别"), required=False, choices=_choices(Gender))
    in_service = forms.ChoiceField(
        label=_("在职党员"), required=False, choices=[("", _("全部")), ("yes", _("是")), ("no", _("否"))]
    )
    org_role = forms.ChoiceField(label=_("组织内职务"), required=False, choices=_choices(OrgRole))
    organization = forms.IntegerField(label=_("党组织编号"), required=False, min_value=1, widget=forms.HiddenInput)
    within = forms.IntegerField(label=_("区域编号"), required=False, min_value=1, widget=forms.HiddenInput)


class UnitFilterForm(FilterForm):
    q = forms.CharField(label=_("单位名称"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("单位性质"), required=False, choices=_choices(ResidentUnitKind))
    community = forms.IntegerField(label=_("社区编号"), required=False, min_value=1, widget=forms.HiddenInput)
