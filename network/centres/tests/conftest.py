import pytest

from organizations.grants.choices import Role
from organizations.tests.factories import user_with


@pytest.fixture
def cadre(city):
    """A community cadre of 甲."""
    return user_with(Role.COMMUNITY, city.a.area)
