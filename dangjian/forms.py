from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _


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


class BootstrapMixin:
    """Bootstrap classes on every widget, ``is-invalid`` on fields that carry errors."""

    def _init_widgets(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


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


class PlainForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_widgets()


# ------------------------------------------------------------------------------ pickers
class PickerSelect(forms.Select):
    """A ``<select>`` holding only the chosen option(s); ``static/js/picker.js`` adds a search
    box that asks the field's JSON endpoint (``data-picker``, see ``dangjian.pickers``) for
    matching options.  Rendering never iterates the queryset: a scope of a hundred thousand
    members costs one ``pk IN (…)`` query for the chosen ones, or none."""

    def __init__(self, attrs=None, *, multiple=False, chosen=None):
        super().__init__(attrs)
        self.allow_multiple_selected = multiple
        self.chosen = chosen  # ``chosen(values) -> [(value, label)]`` for a field without a queryset

    def _chosen(self, value):
        ids = [v for v in value if v not in (None, "")]
        if self.chosen is not None:
            return self.chosen(ids) if ids else []
        iterator = self.choices
        queryset = getattr(iterator, "queryset", None)
        if not ids or queryset is None:
            return []
        field = iterator.field
        try:
            rows = list(queryset.filter(pk__in=ids))
        except (ValueError, TypeError, ValidationError):
            return []
        return [(str(obj.pk), field.label_from_instance(obj)) for obj in rows]

    def optgroups(self, name, value, attrs=None):
        options = []
        empty = getattr(getattr(self.choices, "field", None), "empty_label", self.attrs.get("data-picker-empty"))
        if not self.allow_multiple_selected and empty is not None:
            options.append(self.create_option(name, "", empty, not any(value), 0, attrs=attrs))
        for index, (pk, label) in enumerate(self._chosen(value), start=1):
            options.append(self.create_option(name, pk, label, True, index, attrs=attrs))
        return [(None, options, 0)]

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            getter = getattr(data, "getlist", None)
            return getter(name) if getter else data.get(name)
        return data.get(name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("data-picker-placeholder", str(_("输入姓名或名称的一部分搜索")))
        return context


class PickerField(forms.ModelChoiceField):
    """Pick one object of a (large) scoped queryset by searching.  ``url``: the picker
    endpoint (``dangjian.pickers``) listing the same scoped queryset; validation runs on
    ``queryset``, so an id outside the user's subtree is refused like one that does not
    exist.  Set both per form: ``field.queryset = …; field.url = …``."""

    default_error_messages = {"invalid_choice": _("所选对象不存在，或不在您的管辖范围内。")}
    multiple = False

    def __init__(self, queryset, *, url=None, **kwargs):
        kwargs.setdefault("widget", PickerSelect(multiple=self.multiple))
        super().__init__(queryset, **kwargs)
        self.url = url

    @property
    def url(self):
        return self.widget.attrs.get("data-picker")

    @url.setter
    def url(self, value):
        if value is not None:
            self.widget.attrs["data-picker"] = value


class MultiplePickerField(PickerField, forms.ModelMultipleChoiceField):
    """Pick several objects of a (large) scoped queryset by searching."""

    default_error_messages = {
        "invalid_choice": _("所选对象（%(value)s）不存在，或不在您的管辖范围内。"),
        "invalid_pk_value": _("“%(pk)s”不是有效的编号。"),
    }
    multiple = True

    def __init__(self, queryset, *, url=None, **kwargs):
        kwargs.setdefault("widget", PickerSelect(multiple=True))
        forms.ModelMultipleChoiceField.__init__(self, queryset, **kwargs)
        self.url = url
