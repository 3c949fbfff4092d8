"""``dangjian.portal.client_ip`` behind ``TRUSTED_PROXY_COUNT`` reverse proxies (issue 12, finding 10):
the address the outermost trusted proxy saw; a client's own X-Forwarded-For is never believed."""
import pytest
from django.test import RequestFactory

from dangjian.portal import client_ip

rf = RequestFactory()


def _request(remote="10.9.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


def test_without_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_the_default_is_no_proxy():
    from django.conf import settings

    assert settings.TRUSTED_PROXY_COUNT == 0
    assert client_ip(_request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_behind_one_proxy_the_address_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("127.0.0.1", "198.51.100.7")) == "198.51.100.7"
    # residents behind the proxy no longer share a bucket
    assert client_ip(_request("127.0.0.1", "198.51.100.8")) != client_ip(_request("127.0.0.1", "198.51.100.7"))


def test_a_spoofed_entry_left_of_the_proxy_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("127.0.0.1", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request("127.0.0.1", "  1.2.3.4 ,198.51.100.7 ")) == "198.51.100.7"


def test_two_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.1")) == "198.51.100.7"


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address", "198.51.100.7<script>"])
def test_missing_or_malformed_header_falls_back_to_the_peer(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("127.0.0.1", forwarded)) == "127.0.0.1"


def test_ipv6_is_normalised(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("127.0.0.1", "2001:DB8::0:1")) == "2001:db8::1"


def test_no_request():
    assert client_ip(None) is None


def test_production_reads_the_count_from_the_environment():
    source = open("dangjian/settings/production.py", encoding="utf-8").read()
    assert 'TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT"' in source
