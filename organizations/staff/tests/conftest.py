import pytest

from organizations.staff.tests.worlds import build_world


@pytest.fixture
def world(db):
    return build_world()
