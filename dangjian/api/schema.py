"""The OpenAPI schema says what the API answers: every error an operation can give, once.

``AutoSchema`` (drf-spectacular's, set as ``DEFAULT_SCHEMA_CLASS``) adds to every operation
the error answers that ``dangjian.api.exceptions`` and DRF give it, with the shapes they
really have, unless the view documents that status itself:

=====  =====================================================  ==========================
code   when                                                    body
=====  =====================================================  ==========================
400    a request body, or query parameters (filters, paging)   ``ValidationError``
401    no or a bad token / session (authenticated views)       ``ErrorDetail``
403    the role may not (permission classes, actions), CSRF    ``ErrorDetail``
404    a path id, a list (page, ``?within=``), a body id        ``ErrorDetail``
409    a write refused by the object's state (actions)          ``ErrorDetail``
415    a request body in a media type the view does not parse  ``ErrorDetail``
429    views with throttles or ``dangjian.ratelimit`` limits     ``ErrorDetail``
=====  =====================================================  ==========================

A choice field the model lets stay blank answers ``""``: the schema declares that blank
(drf-spectacular's ``BlankEnum``) for read-only fields too, where DRF drops ``allow_blank``.
"""
import copy
from collections.abc import Mapping

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from rest_framework import permissions, serializers

# Error statuses the schema documents for an operation (the exception handler's answers).
ERROR_DESCRIPTIONS = {
    "400": "请求数据有误：字段错误列在字段名下，与字段无关的错误在 non_field_errors 下；无法解析的请求体为 detail。",
    "401": "未登录，或令牌无效、已过期。",
    "403": "无权执行此操作（角色不允许，或会话请求缺少 CSRF 令牌）。",
    "404": "对象不存在或不在您的管辖范围内（页码超出范围时也返回 404）。",
    "409": "对象当前状态不允许此操作，或仍被其他数据引用。",
    "415": "不支持的请求体媒体类型。",
    "429": "请求过于频繁，请稍后再试。",
}

VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "字段名 → 错误信息列表（嵌套对象的错误为对象）；non_field_errors 为与字段无关的错误；"
    "请求体无法解析时只有 detail。",
    "properties": {
        "detail": {"type": "string"},
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": {"oneOf": [{"type": "array", "items": {}}, {"type": "object"}]},
}
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class AutoSchema(SpectacularAutoSchema):
    # ----------------------------------------------------------------- responses
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self.error_statuses():
            if code not in responses:
                responses[code] = self._error_response(code)
        for code, response in responses.items():
            # an error documented by its view with a description only gets the body it really has
            if code in ERROR_DESCRIPTIONS and not response.get("content"):
                response["content"] = self._error_response(code)["content"]
        return dict(sorted(responses.items()))

    def error_statuses(self) -> list[str]:
        """The error statuses this operation can answer (see the module docstring)."""
        view, method = self.view, self.method
        codes = set()
        has_body = method in ("POST", "PUT", "PATCH") and self._has_request_body()
        writes = method in UNSAFE_METHODS and self._writes_through_actions()
        if has_body or writes or self._has_query_parameters():
            codes.add("400")  # the action's own checks (Django's ValidationError) answer 400 too
        if has_body:
            codes.add("415")
        if getattr(view, "authentication_classes", None):
            codes.add("401")
            if not self._allows_any() or (method in UNSAFE_METHODS and self._uses_session()):
                codes.add("403")
        if not self._allows_any():
            codes.add("403")
        if self.path_regex_has_parameters() or self._is_list_view() or (has_body and self._body_has_ids()):
            codes.add("404")
        if writes:
            codes.add("409")
        if self._is_rate_limited():
            codes.add("429")
        return sorted(codes)

    def _error_response(self, code: str) -> dict:
        if code == "400":
            component = ResolvedComponent(
                name="ValidationError", type=ResolvedComponent.SCHEMA, object="ValidationError",
                schema=VALIDATION_ERROR_SCHEMA,
            )
            self.registry.register_on_missing(component)
        else:
            from dangjian.api.viewsets import ErrorDetailSerializer

            component = self.resolve_serializer(ErrorDetailSerializer, "response")
        return {"description": ERROR_DESCRIPTIONS[code], "content": {"application/json": {"schema": component.ref}}}

    # ----------------------------------------------------------------- what the view does
    def path_regex_has_parameters(self) -> bool:
        return "{" in self.path

    def _has_request_body(self) -> bool:
        return self.get_request_serializer() is not None

    def _has_query_parameters(self) -> bool:
        return any(p.get("in") == "query" for p in self._get_parameters())

    def _allows_any(self) -> bool:
        perms = self.view.get_permissions()
        return not perms or all(isinstance(p, permissions.AllowAny) for p in perms)

    def _uses_session(self) -> bool:
        from rest_framework.authentication import SessionAuthentication

        return any(issubclass(cls, SessionAuthentication) for cls in self.view.authentication_classes)

    def _body_has_ids(self) -> bool:
        serializer = force_instance(self.get_request_serializer())
        fields = getattr(serializer, "fields", None)
        if not isinstance(fields, Mapping):
            return False
        from dangjian.api.viewsets import ScopedPrimaryKeyRelatedField

        return any(_is_scoped_id(f, ScopedPrimaryKeyRelatedField) for f in fields.values())

    def _writes_through_actions(self) -> bool:
        from dangjian.api.viewsets import ScopedQuerysetMixin

        return isinstance(self.view, ScopedQuerysetMixin) or bool(getattr(self.view, "refusals_conflict", False))

    def _is_rate_limited(self) -> bool:
        return bool(getattr(self.view, "throttle_classes", None)) or bool(getattr(self.view, "rate_limited", False))

    # ----------------------------------------------------------------- fields
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if _blank_choice_unflagged(field):
            field = copy.copy(field)
            field.allow_blank = True
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ChoiceField) and field.allow_blank and isinstance(schema, dict):
            _declare_blank(schema)  # an ``extend_schema_field`` enum ignores allow_blank
        return schema


def _declare_blank(schema: dict) -> None:
    """Add ``""`` to an inline enum (directly or in an ``allOf`` wrapper) that lacks it."""
    for part in [schema, *schema.get("allOf", ())]:
        enum = part.get("enum") if isinstance(part, dict) else None
        if enum is not None and "" not in enum:
            enum.append("")


def _is_scoped_id(field, scoped_class) -> bool:
    child = getattr(field, "child_relation", field)  # many=True
    return isinstance(child, scoped_class) and not field.read_only


def _blank_choice_unflagged(field) -> bool:
    """A choice field whose model field may be blank but whose serializer field lost ``allow_blank``
    (DRF drops it on read-only fields): it answers ``""``, so the schema must allow it."""
    if not isinstance(field, serializers.ChoiceField) or isinstance(field, serializers.MultipleChoiceField):
        return False
    if field.allow_blank or "" in field.choices:
        return False
    model_field = _model_field(field)
    return model_field is not None and getattr(model_field, "blank", False) and not getattr(model_field, "null", False)


def _model_field(field):
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    source = getattr(field, "source", None)
    if model is None or not source or "." in source or source == "*":
        return None
    try:
        return model._meta.get_field(source)
    except FieldDoesNotExist:
        return None
