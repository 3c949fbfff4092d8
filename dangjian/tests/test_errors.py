"""One mapping of domain errors to HTTP answers, used by the API and by the portal."""
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from dangjian import errors
from dangjian.errors import PermissionDeniedError, TransitionError
from dangjian.portal import refusals

REFUSED = TransitionError(["该心愿已被认领，不能重复认领。", "请刷新后再试。"], code="transition")
DENIED = PermissionDeniedError("只有社区工作人员可以审核、取消心愿。")


def test_each_refusal_has_one_status_and_one_message():
    assert errors.refusal(REFUSED) == (409, "该心愿已被认领，不能重复认领。；请刷新后再试。")
    assert errors.refusal(DENIED) == (403, "只有社区工作人员可以审核、取消心愿。")
    assert errors.refusal(ProtectedError("x", set())) == (409, "该记录仍被其他数据引用，不能删除。")
    # bad input is not a refusal: forms and serializers show it per field
    assert errors.refusal(ValidationError({"reason": "请填写取消的原因。"})) is None
    assert errors.refusal(ValueError("boom")) is None


def test_a_transition_error_stays_a_validation_error():
    exc = TransitionError("该心愿已经取消。", code="transition")
    assert isinstance(exc, ValidationError)
    assert exc.code == "transition"
    assert exc.messages == ["该心愿已经取消。"]


class _Raises(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    error = None

    def post(self, request):
        raise self.error


def _api(error):
    response = _Raises.as_view(error=error)(APIRequestFactory().post("/x/", {}, format="json"))
    response.render()
    return response.status_code, json.loads(response.content)


def test_the_api_answers_refusals_from_the_mapping():
    assert _api(REFUSED) == (409, {"detail": "该心愿已被认领，不能重复认领。；请刷新后再试。"})
    assert _api(DENIED) == (403, {"detail": "只有社区工作人员可以审核、取消心愿。"})
    assert _api(ValidationError({"reason": "请填写取消的原因。"})) == (400, {"reason": ["请填写取消的原因。"]})
    assert _api(ValidationError("日期不正确。")) == (400, {"non_field_errors": ["日期不正确。"]})


def _page(error):
    @refusals
    def view(request):
        raise error

    request = RequestFactory().post("/x/")
    request.user = AnonymousUser()
    response = view(request)
    return response.status_code, response.content.decode()


@pytest.mark.django_db
def test_the_portal_answers_refusals_from_the_same_mapping():
    status, page = _page(DENIED)
    assert status == 403
    assert "无权操作" in page and "只有社区工作人员可以审核、取消心愿。" in page
    status, page = _page(REFUSED)
    assert status == 409
    assert "无法办理" in page and "无权操作" not in page
    assert "该心愿已被认领，不能重复认领。；请刷新后再试。" in page


def test_the_portal_lets_bad_input_through_to_the_view():
    with pytest.raises(ValidationError):
        _page(ValidationError({"reason": "请填写取消的原因。"}))
