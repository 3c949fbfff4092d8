"""The picker mechanism written once (``dangjian.forms.PickerField``, ``dangjian.pickers``):
the widget renders only the chosen option(s), however large the queryset; a value outside
the queryset is a form error; the endpoint answers a bounded page with ``more``."""
import json

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from dangjian import pickers
from dangjian.forms import MultiplePickerField, PickerField, PlainForm


class _Form(PlainForm):
    one = PickerField(get_user_model().objects.none(), url="/pick/", required=False, empty_label="暂不指定")
    many = MultiplePickerField(get_user_model().objects.none(), url="/pick/", required=False)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["one"].queryset = queryset
        self.fields["many"].queryset = queryset


@pytest.fixture
def people(db):
    User = get_user_model()
    return [User.objects.create_user(username=f"pick-{i}", first_name=f"王{i}") for i in range(30)]


def _options(html: str) -> int:
    return html.count("<option")


def test_the_widget_renders_only_the_chosen_options(people, django_assert_num_queries):
    User = get_user_model()
    form = _Form(queryset=User.objects.all())
    with django_assert_num_queries(0):
        html = str(form["one"]) + str(form["many"])
    assert _options(html) == 1 and 'data-picker="/pick/"' in html  # the empty label only
    chosen = _Form(initial={"one": people[3].pk, "many": [people[1].pk, people[2].pk]}, queryset=User.objects.all())
    html = str(chosen["one"]) + str(chosen["many"])
    assert _options(html) == 4 and html.count("selected") == 3 and "multiple" in html
    assert f'value="{people[3].pk}"' in html and f'value="{people[4].pk}"' not in html


def test_a_value_outside_the_queryset_is_a_form_error(people):
    User = get_user_model()
    narrow = User.objects.filter(pk__in=[p.pk for p in people[:5]])
    form = _Form({"one": people[10].pk}, queryset=narrow)
    assert not form.is_valid() and "不在您的管辖范围内" in form.errors["one"][0]
    form = _Form({"many": [people[1].pk, people[20].pk]}, queryset=narrow)
    assert not form.is_valid() and "不在您的管辖范围内" in form.errors["many"][0]
    form = _Form({"one": people[1].pk, "many": [people[2].pk]}, queryset=narrow)
    assert form.is_valid() and form.cleaned_data["one"] == people[1]
    assert isinstance(_Form.base_fields["many"].widget, forms.Select)


def test_the_endpoint_answers_a_bounded_page_and_refuses_anonymous(people):
    User = get_user_model()
    view = pickers.picker_view(lambda r: User.objects.order_by("username"), fields=("first_name",),
                               label=lambda u: u.first_name)
    request = RequestFactory().get("/pick/", {"q": "王"})
    request.user = AnonymousUser()
    assert view(request).status_code == 403
    request.user = people[0]
    data = json.loads(view(request).content)
    assert len(data["results"]) == pickers.PAGE and data["more"] is True
    request = RequestFactory().get("/pick/", {"q": "王29"})
    request.user = people[0]
    assert json.loads(view(request).content) == {"results": [{"id": people[29].pk, "text": "王29"}], "more": False}
