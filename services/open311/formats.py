"""The two GeoReport v2 formats: JSON (lists of objects) and XML (a root element holding one
element per object, lists as repeated children).  Errors in the spec's shape:
``[{"code": 400, "description": "..."}]`` / ``<errors><error><code>…</code><description>…``.

Pure rendering, no database.
"""
import json
from datetime import datetime
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# Element names of list items inside an object (XML): endpoints → endpoint, ...
ITEM_NAMES = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}


def w3c(value: datetime | None) -> str | None:
    """A W3C datetime in the deployment's zone, with its offset: 2026-11-22T09:30:00+08:00."""
    if value is None:
        return None
    return value.astimezone(timezone.get_current_timezone()).isoformat(timespec="seconds")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, list | tuple):
                holder = ET.SubElement(element, key)
                for item in child:
                    _fill(ET.SubElement(holder, ITEM_NAMES.get(key, "item")), item)
            else:
                _fill(ET.SubElement(element, key), child)
    else:
        element.text = _text(value)


def to_xml(root: str, item: str | None, payload) -> bytes:
    """``payload`` a list (each object under ``<item>``) or one object (under the root)."""
    top = ET.Element(root)
    if isinstance(payload, list):
        for obj in payload:
            _fill(ET.SubElement(top, item), obj)
    else:
        _fill(top, payload)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8", xml_declaration=False)


def render(fmt: str, payload, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = to_xml(root, item, payload)
    else:
        body = json.dumps(payload, ensure_ascii=False).encode()
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt], status=status)
    response["Access-Control-Allow-Origin"] = "*"  # public read API (GeoReport clients run in browsers)
    return response


def error(fmt: str, status: int, description: str, *, headers: dict | None = None) -> HttpResponse:
    response = render(fmt, [{"code": status, "description": str(description)}], root="errors", item="error",
                      status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
