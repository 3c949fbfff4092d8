"""The favicon and the web app manifest (issue 14): /favicon.ico answers an icon on every site,
the manifest lets the residents' pages be added to a phone's home screen, and every page
(the public resident pages included) links both."""
import json
import re
from io import BytesIO

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from PIL import Image

from organizations.grants.choices import Role
from organizations.tests.factories import user_with
from portal import icons

pytestmark = pytest.mark.django_db


def test_favicon_is_served_at_the_root_as_an_icon():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "max-age" in response["Cache-Control"]
    image = Image.open(BytesIO(response.content))
    assert image.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48)} <= set(image.info["sizes"])


def test_the_favicon_needs_no_sign_in_nor_second_factor(city):
    user = user_with(Role.DISTRICT, city.district, username="boss")
    user.set_password("Hui-yi-2026")
    user.save()
    client = Client()
    assert client.post(reverse("login"), {"username": "boss", "password": "Hui-yi-2026"}).status_code == 302
    assert client.get("/").status_code == 302  # signed in, second factor not yet passed: every page waits
    assert client.get("/favicon.ico").status_code == 200
    assert client.get("/manifest.webmanifest").status_code == 200


def test_the_manifest_names_the_portal_its_icons_and_the_residents_start_page():
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "application/manifest+json"
    manifest = json.loads(response.content.decode("utf-8"))
    assert manifest["name"] == "城市基层党建"
    assert manifest["start_url"] == "/w/" and manifest["display"] == "standalone"
    assert Client().get(manifest["start_url"]).status_code == 200  # a resident's page, no account
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    party_red = re.search(r"--party-red:\s*(#[0-9a-fA-F]{6})", css).group(1)
    assert manifest["theme_color"].lower() == party_red.lower()  # the navbar's colour
    sizes = {}
    for icon in manifest["icons"]:
        assert icon["type"] == "image/png" and icon["src"].startswith(settings.STATIC_URL)
        path = finders.find(icon["src"][len(settings.STATIC_URL):])
        assert path, icon
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"]
            sizes[image.width] = image.format
    assert sizes == {192: "PNG", 512: "PNG"}


@pytest.mark.parametrize("path", ["/w/", "/r/", "/w/track/", "/accounts/login/", "/no-such-page/"])
def test_pages_link_the_favicon_and_the_manifest(path):
    body = Client().get(path).content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in body
    assert 'href="/static/icons/favicon.svg" type="image/svg+xml"' in body
    assert '<link rel="manifest" href="/manifest.webmanifest">' in body
    assert '<meta name="theme-color" content="#c8102e">' in body


def test_the_policy_allows_the_own_manifest_only():
    header = Client().get("/w/")["Content-Security-Policy"]
    assert "manifest-src 'self'" in header


def test_the_committed_icons_are_the_drawing(tmp_path):
    """static/icons/ holds what ``manage.py make_icons`` draws (portal/icons.py), nothing else."""
    icons.write(tmp_path)
    committed = settings.BASE_DIR / "static" / "icons"
    assert sorted(p.name for p in committed.iterdir()) == sorted(p.name for p in tmp_path.iterdir())
    assert (committed / "favicon.svg").read_text() == (tmp_path / "favicon.svg").read_text()
    for name, side in icons.PNG_SIZES.items():
        with Image.open(committed / name) as image:
            assert image.size == (side, side)
            assert image.getpixel((side // 2, side // 25))[:3] == (0xc8, 0x10, 0x2e)  # red above the star
