import pytest


@pytest.fixture(autouse=True)
def _development_rules(request):
    """The default rule set again after a transactional test's flush took the data migration's rows."""
    names = set(request.fixturenames)
    if not names & {"db", "transactional_db", "live_server"} and request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("transactional_db" if names & {"transactional_db", "live_server"} else "db")
    from organizations.development.tests.factories import ensure_rules

    ensure_rules()
