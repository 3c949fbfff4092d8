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
