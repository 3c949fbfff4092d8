"""Base classes for the API: every queryset is scoped, every write goes through an action.

``ScopedReadOnlyViewSet`` / ``ScopedModelViewSet``
    ``get_queryset()`` starts from ``scoped_queryset(user)`` — by default
    ``queryset_model.objects.visible_to(user)`` — so no view ever sees an unscoped
    queryset; an object out of scope is simply not found (404, like a missing one).
    ``list_select_related`` keeps list and detail queries constant.

Writes
    Serializers validate shapes only.  ``perform_create`` / ``perform_update`` hand the
    validated data to ``create_object`` / ``update_object``, which a concrete viewset
    implements by calling its app's action with ``actor=request.user``.  Actions raise
    ``Http404`` (out of scope), ``PermissionDeniedError`` (403), ``TransitionError`` (409)
    or Django's ``ValidationError`` (400 with field errors); ``dangjian.api.exceptions``
    answers them, refusals through the one mapping in ``dangjian.errors``.
    Deleting is opt-in (``ActionDestroyMixin``); a viewset without it answers 405.

``ScopedPrimaryKeyRelatedField``
    A foreign key in a request body is looked up among the objects the caller may see;
    an unknown or out-of-scope id answers 404, so ids cannot be probed through writes.

``AuthTokenViewSet``
    ``POST /api/auth/token/`` trades a user name and password for a DRF token, behind the
    same lockout as the web login (``organizations.accounts.forms``).
"""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound

from dangjian.api.filters import WithinAreaFilter, is_id
from dangjian.api.permissions import ScopedReadManageWrite


class ScopedQuerysetMixin:
    """``get_queryset()`` from the caller's scope; never an unscoped manager."""

    #: model whose ``objects.visible_to(user)`` gives the rows; or override ``scoped_queryset``
    queryset_model = None
    #: relations joined for the serializer (constant query count)
    list_select_related: tuple[str, ...] = ()
    #: default order (pagination needs a stable one)
    ordering: tuple[str, ...] = ("pk",)
    #: foreign key path leading to an ``Area`` for ``?within=``; ``""`` for areas, None = off
    within_field: str | None = None

    filter_backends = [WithinAreaFilter, DjangoFilterBackend]
    permission_classes = [ScopedReadManageWrite]

    def scoped_queryset(self, user):
        if self.queryset_model is None:
            raise NotImplementedError(f"{type(self).__name__} must set queryset_model or override scoped_queryset()")
        return self.queryset_model.objects.visible_to(user)

    def get_queryset(self):
        queryset = self.scoped_queryset(self.request.user)
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        if self.ordering:
            queryset = queryset.order_by(*self.ordering)
        return queryset

    def actor(self):
        return self.request.user


class ScopedReadOnlyViewSet(ScopedQuerysetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and detail of scoped rows."""


class ScopedModelViewSet(
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, detail, create and update; writes go through ``create_object``/``update_object``."""

    def create_object(self, data: dict):
        """Call the app's create action with ``actor=self.actor()``; return the new object."""
        raise NotImplementedError

    def update_object(self, instance, data: dict):
        """Call the app's update action with ``actor=self.actor()``; return the object."""
        raise NotImplementedError

    def _reload(self, instance):
        # Re-read through the scoped queryset so the answer has the same shape (and joins)
        # as a detail GET; fall back to the action's object should it have left the scope.
        return self.get_queryset().filter(pk=instance.pk).first() or instance

    def perform_create(self, serializer):
        serializer.instance = self._reload(self.create_object(dict(serializer.validated_data)))

    def perform_update(self, serializer):
        serializer.instance = self._reload(self.update_object(serializer.instance, dict(serializer.validated_data)))


class ActionDestroyMixin(mixins.DestroyModelMixin):
    """DELETE through an action: implement ``delete_object(instance)``."""

    def delete_object(self, instance) -> None:
        raise NotImplementedError

    def perform_destroy(self, instance):
        self.delete_object(instance)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key resolved among the objects visible to the requesting user.

    Pass ``queryset=Model.objects.all()`` (used for the schema and the model); the lookup
    itself goes through ``visible_to(request.user)``.  Missing and out-of-scope ids both
    raise 404, the answer a detail GET of that object would give.
    """

    default_error_messages = {
        "incorrect_type": _("编号格式不正确，应为整数，收到 {data_type}。"),
    }

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return self.queryset.none()
        return self.queryset.model.objects.visible_to(user)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            pk = int(data)
        except (TypeError, ValueError, OverflowError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        obj = self.get_queryset().filter(pk=pk).first() if is_id(pk) else None
        if obj is None:
            raise NotFound(_("“%(field)s”所指的对象不存在或不在您的管辖范围内。") % {"field": self.label or self.field_name})
        return obj


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)


def _display(source: str, label: str):
    return serializers.CharField(source=source, read_only=True, label=label)
