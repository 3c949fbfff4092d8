from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

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
