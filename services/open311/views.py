"""Open311 GeoReport v2 at ``/open311/v2/`` (http://wiki.open311.org/GeoReport_v2).

Wishes and requests are both "service requests" here:

* services: ``wish-material`` / ``wish-spiritual`` (微心愿) and ``req-<category code>``
  (居民诉求, one per active category);
* ``service_request_id`` is the public tracking code with a prefix — ``W-…`` for a wish,
  ``R-…`` for a request — never a database id; POST answers it at once, so a ``token`` is
  simply that id;
* ``status`` is ``open`` or ``closed``; the detailed Chinese state is in ``status_notes``;
  ``expected_datetime`` is a request's resolution deadline.

Reads need no key.  They carry no personal data: no names, phones or typed addresses —
``address`` is the community (and building) name, ``lat``/``long`` are rounded to three
decimals (about 100 m), ``media_url`` is empty (photos are only shown to staff).  Wishes are
listed once reviewed (published); by id, any wish can be read, like its status page.  A
``description`` is the resident's text only once the community reviewed it (a wish published,
a request dispatched), with phone and ID numbers masked (``dangjian.privacy.mask_public_text``);
before that it is a neutral placeholder.

POST (form-encoded) needs an ``api_key`` (``Open311Key``, stored as a keyed hash) in the body
or the query string.  Accepted posts are limited per key; every attempt counts against a
generous ceiling per client address.  The community comes from ``attribute[community]`` (its
area code, the service definition lists them as the attribute's ``values``), ``address_id`` (a
building's area code), or else is resolved from ``address_string`` (a community's name in it)
or ``lat``/``long`` (the community of the nearest earlier request with coordinates, within
``NEAREST_METERS``); ``phone`` is optional as in GeoReport v2 (without it the resident cannot
rate the result); ``media_url`` is ignored.

Older clients are met where they are: ``service/<code>`` (singular) as well as
``services/<code>``, ``service_code`` comma lists in searches, the default window of the last
90 days (a ``start_date`` alone covers 90 days from it).  Errors are GeoReport error lists with
the HTTP status — 400 bad input or unknown format, 403 bad key, 404 unknown id, service or
resource, 429 too many — also for paths and formats the API does not know (JSON, or XML for a
``.xml`` path).  Lists run a fixed number of queries.
"""
import math
import re
from datetime import datetime, timedelta
from datetime import time as dtime
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from dangjian import ratelimit, trees
from dangjian.crypto import keyed_hash
from dangjian.portal import client_ip
from dangjian.privacy import mask_public_text
from organizations.areas.choices import AreaLevel
from organizations.areas.models import Area
from services.open311.formats import error, render, w3c
from services.open311.models import Open311Key
from services.requests import actions as request_actions
from services.requests import sla
from services.requests.choices import REQUEST_OPEN_STATUSES, RequestSource, RequestStatus
from services.requests.models import RequestCategory, ServiceRequest
from services.requests.views import assignee_phrase
from services.resident import actions as resident_actions
from services.resident.choices import UNREVIEWED_TEXT
from services.wishes import actions
from services.wishes.choices import CLOSED_STATUSES, ClaimantKind, WishKind, WishStatus
from services.wishes.models import Wish
from services.wishes.views import claimant_phrase

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-01-01T00:00:00+08:00"
MAX_ROWS = 1000
DEFAULT_DAYS = 90
WISH_PREFIX, REQUEST_PREFIX = "W-", "R-"
WISH_CODES = {f"wish-{kind.value}": kind for kind in WishKind}
NEAREST_METERS = 500
UNREVIEWED = UNREVIEWED_TEXT
KNOWN_RESOURCE = re.compile(r"^(discovery|services?(/[A-Za-z0-9_-]+)?|requests(/[A-Za-z0-9-]+)?|tokens/[A-Za-z0-9-]+)$")
# Action field → Open311 parameter, for error descriptions.
PARAMS = {
    "community": "attribute[community]", "building": "address_id", "address": "address_string",
    "name": "first_name/last_name", "phone": "phone", "text": "description", "category": "service_code",
    "kind": "service_code", "photo": "media",
}


class Refusal(Exception):
    def __init__(self, status, description, headers=None):
        super().__init__(description)
        self.status, self.description, self.headers = status, description, headers or {}


def endpoint(view):
    """Turn a ``Refusal`` into a GeoReport error in the requested format."""
    def wrapper(request, *args, fmt, **kwargs):
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Refusal as exc:
            return error(fmt, exc.status, exc.description, headers=exc.headers)
    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _only(request, *methods):
    if request.method not in methods:
        raise Refusal(405, _("不支持 %(method)s 请求。") % {"method": request.method}, {"Allow": ", ".join(methods)})


# ---------------------------------------------------------------------------- services
def _services():
    """``(code, name, description, group, category or None)`` of every service offered."""
    out = [
        (code, _("微心愿（%(kind)s）") % {"kind": kind.label},
         _("困难群众的%(kind)s小心愿，社区审核后发布到心愿墙，由党员或党组织认领实现。") % {"kind": kind.label},
         _("微心愿"), None)
        for code, kind in WISH_CODES.items()
    ]
    for category in RequestCategory.objects.filter(is_active=True).order_by("sort_order", "id"):
        description = category.description or category.name
        out.append((f"req-{category.code}", category.name, description, _("居民诉求"), category))
    return out


def _service_row(code, name, description, group, category):
    keywords = [group, name]
    if category is not None:
        keywords.append(_("接诉即办"))
    return {
        "service_code": code, "service_name": str(name), "description": str(description), "metadata": True,
        "type": "realtime", "keywords": ",".join(str(k) for k in keywords), "group": str(group),
    }


def _notice(category) -> str:
    if category is None:
        return _("社区审核后发布到心愿墙，由党员或党组织认领实现。")
    return _("%(response)s内响应，%(resolve)s内办结。") % {
        "response": sla.limit_label(category.response_minutes), "resolve": sla.limit_label(category.resolve_minutes)}


@endpoint
def discovery(request, *, fmt):
    _only(request, "GET")
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt})).rsplit("/", 1)[0] + "/"
    payload = {
        "changeset": CHANGESET,
        "contact": getattr(settings, "OPEN311_CONTACT", _("请联系所在社区党群服务中心。")),
        "key_service": getattr(settings, "OPEN311_KEY_SERVICE", _("提交诉求所需的 api_key 请向平台管理员申请。")),
        "endpoints": [{
            "specification": SPECIFICATION, "url": base, "changeset": CHANGESET, "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }
    return render(fmt, payload, root="discovery")


@endpoint
def service_list(request, *, fmt):
    _only(request, "GET")
    return render(fmt, [_service_row(*s) for s in _services()], root="services", item="service")


def _community_values():
    """Every community as ``{key: its area code, name: "street community"}`` (one query)."""
    rows = (Area.objects.filter(level=AreaLevel.COMMUNITY).exclude(code="")
            .order_by(*trees.tree_order()).values_list("code", "name", "parent__name"))
    return [{"key": code, "name": f"{parent} {name}" if parent else name} for code, name, parent in rows]


def _community_attribute():
    return {
        "variable": True, "code": "community", "datatype": "singlevaluelist", "required": False,
        "datatype_description": _("社区的区域编码（见 values）；不填时按 address_id（楼栋编码）、address_string 中的社区名称或"
                                  "坐标确定社区。"),
        "order": 1, "description": _("所在社区"), "values": _community_values(),
    }


@endpoint
def service_definition(request, service_code, *, fmt):
    _only(request, "GET")
    if not any(code == service_code for code, *_rest in _services()):
        raise Refusal(404, _("没有代码为 %(code)s 的服务。") % {"code": service_code})
    return render(fmt, {"service_code": service_code, "attributes": [_community_attribute()]},
                  root="service_definition")


# ---------------------------------------------------------------------------- requests
# Listing reads plain values, never model instances: a page holds up to 1,000 rows, and
# building instances (tree nodes) for each would cost more than the query.  Residents'
# names and phones are not even selected.
PLACE_FIELDS = ("community_id", "community__name", "building_id", "building__name", "building__code",
                "building__parent_id", "building__parent__name")
REQUEST_FIELDS = ("code", "status", "assignee_kind", "text", "dispatched_at", "created_at", "updated_at", "resolve_due", "lat", "long",
                  "category__name", "category__code", "category__response_minutes", "category__resolve_minutes",
                  *PLACE_FIELDS)
WISH_FIELDS = ("code", "status", "kind", "text", "published_at", "created_at", "updated_at", "claimed_member_id", "claimed_org_id",
               *PLACE_FIELDS)


class Phrases(dict):
    """Translated labels and phrases, each made once per response (``key`` = a function and
    its arguments), since a listing repeats the same few thousands of times."""

    def __missing__(self, key):
        fn, *args = key
        value = self[key] = fn(*args)
        return value


def _place(row) -> str:
    """Community and building names only — never a typed address."""
    parts = [row["community__name"]]
    if row["building_id"]:
        if row["building__parent_id"] and row["building__parent_id"] != row["community_id"]:
            parts.append(row["building__parent__name"])
        parts.append(row["building__name"])
    return " ".join(parts)


def _coordinate(value):
    if value is None:
        return None
    return float(round(Decimal(value), 3))


def _public_text(text) -> str:
    return mask_public_text(text)


def _request_notes(status, assignee_kind) -> str:
    notes = [str(RequestStatus(status).label)]
    if phrase := assignee_phrase(SimpleNamespace(status=status, assignee_kind=assignee_kind)):
        notes.append(phrase)
    return " · ".join(notes)


def _request_notice(response_minutes, resolve_minutes) -> str:
    return _notice(SimpleNamespace(response_minutes=response_minutes, resolve_minutes=resolve_minutes))


def _request_row(row, phrases) -> dict:
    return {
        "service_request_id": f"{REQUEST_PREFIX}{row['code']}",
        "status": "open" if row["status"] in REQUEST_OPEN_STATUSES else "closed",
        "status_notes": phrases[_request_notes, row["status"], row["assignee_kind"]],
        "service_name": row["category__name"],
        "service_code": f"req-{row['category__code']}",
        # reviewed text only: a request the community has dispatched (seen) at least once
        "description": phrases[_public_text, row["text"]] if row["dispatched_at"] else str(UNREVIEWED),
        "agency_responsible": row["community__name"],
        "service_notice": phrases[_request_notice, row["category__response_minutes"], row["category__resolve_minutes"]],
        "requested_datetime": w3c(row["created_at"]),
        "updated_datetime": w3c(row["updated_at"]),
        "expected_datetime": w3c(row["resolve_due"]),
        "address": _place(row),
        "address_id": row["building__code"] or "",
        "zipcode": "",
        "lat": _coordinate(row["lat"]),
        "long": _coordinate(row["long"]),
        "media_url": "",
    }


def _wish_notes(status, claimant_kind) -> str:
    notes = [str(WishStatus(status).label)]
    if phrase := claimant_phrase(SimpleNamespace(claimant_kind=claimant_kind)):
        notes.append(phrase)
    return " · ".join(notes)


def _wish_service_name(kind) -> str:
    return _("微心愿（%(kind)s）") % {"kind": WishKind(kind).label}


def _wish_row(row, phrases) -> dict:
    claimant = ClaimantKind.MEMBER if row["claimed_member_id"] else ClaimantKind.ORG if row["claimed_org_id"] else None
    return {
        "service_request_id": f"{WISH_PREFIX}{row['code']}",
        "status": "closed" if row["status"] in CLOSED_STATUSES else "open",
        "status_notes": phrases[_wish_notes, row["status"], claimant],
        "service_name": phrases[_wish_service_name, row["kind"]],
        "service_code": f"wish-{row['kind']}",
        "description": phrases[_public_text, row["text"]] if row["published_at"] else str(UNREVIEWED),
        "agency_responsible": row["community__name"],
        "service_notice": phrases[_notice, None],
        "requested_datetime": w3c(row["created_at"]),
        "updated_datetime": w3c(row["updated_at"]),
        "expected_datetime": None,
        "address": _place(row),
        "address_id": row["building__code"] or "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def _request_rows(qs, phrases):
    """``(created_at, build)`` pairs: the output row is built only for the rows listed."""
    return [(row["created_at"], lambda row=row: _request_row(row, phrases)) for row in qs.values(*REQUEST_FIELDS)]


def _wish_rows(qs, phrases):
    return [(row["created_at"], lambda row=row: _wish_row(row, phrases)) for row in qs.values(*WISH_FIELDS)]


def _parse_when(request, name, *, end=False):
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    try:
        if "T" not in raw and (day := parse_date(raw)) is not None:
            # a W3C date alone: the whole local day (an end date includes that day)
            value = datetime.combine(day + timedelta(days=1) if end else day, dtime.min)
        else:
            value = parse_datetime(raw.replace(" ", "+"))  # a "+" in a query string arrives as a space
    except ValueError:
        value = None
    if value is None:
        raise Refusal(400, _("%(name)s 不是有效的 W3C 日期时间（如 2026-11-22T09:30:00+08:00）。") % {"name": name})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _split_ids(raw):
    wish_codes, request_codes = [], []
    for part in raw.split(","):
        part = part.strip().upper()
        if part.startswith(WISH_PREFIX):
            wish_codes.append(resident_actions.normalise_code(part[len(WISH_PREFIX):]))
        elif part.startswith(REQUEST_PREFIX):
            request_codes.append(resident_actions.normalise_code(part[len(REQUEST_PREFIX):]))
    return wish_codes, request_codes


def _by_ids(raw):
    wish_codes, request_codes = _split_ids(raw)
    rows, phrases = [], Phrases()
    if request_codes:
        rows += _request_rows(ServiceRequest.objects.filter(code__in=request_codes[:MAX_ROWS]), phrases)
    if wish_codes:
        rows += _wish_rows(Wish.objects.filter(code__in=wish_codes[:MAX_ROWS]), phrases)
    return rows


def _service_filter(raw):
    """``(wish kinds, category codes)`` of a ``service_code`` (one code or a comma list);
    ``None`` for either side means "all of them", an empty set "none"."""
    codes = [part.strip() for part in raw.split(",") if part.strip()]
    if not codes:
        return None, None
    kinds = {WISH_CODES[code] for code in codes if code in WISH_CODES}
    wanted = {code[4:] for code in codes if code.startswith("req-")}
    known = set(RequestCategory.objects.filter(code__in=wanted).values_list("code", flat=True)) if wanted else set()
    unknown = [code for code in codes if code not in WISH_CODES and code[4:] not in known]
    if unknown:
        raise Refusal(404, _("没有代码为 %(code)s 的服务。") % {"code": ",".join(unknown)})
    return kinds, known


def _search(request):
    start, end = _parse_when(request, "start_date"), _parse_when(request, "end_date", end=True)
    window = timedelta(days=DEFAULT_DAYS)
    if start is None:
        start = (end or timezone.now()) - window
    elif end is None:
        end = start + window  # a start alone: the 90 days from it
    if end is not None and end < start:
        raise Refusal(400, _("end_date 不能早于 start_date。"))
    statuses = {s.strip().lower() for s in (request.GET.get("status") or "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Refusal(400, _("status 只能是 open 或 closed。"))
    want_open, want_closed = (not statuses or "open" in statuses), (not statuses or "closed" in statuses)

    kinds, category_codes = _service_filter(request.GET.get("service_code") or "")
    rows, phrases = [], Phrases()
    if category_codes is None or category_codes:
        qs = ServiceRequest.objects.filter(created_at__gte=start)
        if end is not None:
            qs = qs.filter(created_at__lte=end)
        if category_codes:
            qs = qs.filter(category__code__in=category_codes)
        if not want_open:
            qs = qs.exclude(status__in=REQUEST_OPEN_STATUSES)
        if not want_closed:
            qs = qs.filter(status__in=REQUEST_OPEN_STATUSES)
        rows += _request_rows(qs.order_by("-created_at", "-id")[:MAX_ROWS], phrases)
    if kinds is None or kinds:
        qs = Wish.objects.filter(created_at__gte=start, published_at__isnull=False)  # reviewed wishes only
        if end is not None:
            qs = qs.filter(created_at__lte=end)
        if kinds:
            qs = qs.filter(kind__in=kinds)
        if not want_open:
            qs = qs.filter(status__in=CLOSED_STATUSES)
        if not want_closed:
            qs = qs.exclude(status__in=CLOSED_STATUSES)
        rows += _wish_rows(qs.order_by("-created_at", "-id")[:MAX_ROWS], phrases)
    return rows


def _listing(fmt, rows, status=200):
    """Wishes and requests merged newest first; at most ``MAX_ROWS`` of them are built."""
    rows.sort(key=lambda pair: pair[0], reverse=True)
    return render(fmt, [build() for _at, build in rows[:MAX_ROWS]], root="service_requests", item="request", status=status)


@csrf_exempt
@endpoint
def requests_collection(request, *, fmt):
    """GET: search; POST: create (api_key)."""
    _only(request, "GET", "POST")
    if request.method == "POST":
        return _create(request, fmt)
    raw_ids = (request.GET.get("service_request_id") or "").strip()
    rows = _by_ids(raw_ids) if raw_ids else _search(request)
    return _listing(fmt, rows)


@endpoint
def request_detail(request, service_request_id, *, fmt):
    _only(request, "GET")
    rows = _by_ids(service_request_id)
    if not rows:
        raise Refusal(404, _("没有编号为 %(id)s 的服务请求。") % {"id": service_request_id})
    return _listing(fmt, rows)


@endpoint
def token_detail(request, token, *, fmt):
    """Our POST answers the id at once: a token is that id."""
    _only(request, "GET")
    rows = _by_ids(token)
    if not rows:
        raise Refusal(404, _("没有对应 %(token)s 的服务请求。") % {"token": token})
    return render(fmt, [{"service_request_id": rows[0][1]()["service_request_id"], "token": token}],
                  root="service_requests", item="request")


# -------------------------------------------------------------------------------- POST
def _refuse_over(name):
    limit, window = ratelimit.limit_for(name)
    raise Refusal(429, _("提交过于频繁，请稍后再试（%(minutes)d 分钟内最多 %(limit)d 次）。") % {
        "minutes": max(1, window // 60), "limit": limit}, {"Retry-After": str(ratelimit.retry_after(name))})


def _key(request) -> Open311Key:
    """The api_key from the form body or, as older clients send it, the query string."""
    raw = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    key = Open311Key.objects.filter(key_hash=keyed_hash(raw), is_active=True).first() if raw else None
    if key is None:
        raise Refusal(403, _("api_key 缺失或无效。"))
    return key


def _decimal(request, name, low, high):
    raw = (request.POST.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not (low <= value <= high):
        raise Refusal(400, _("%(name)s 不是有效的坐标。") % {"name": name})
    return value.quantize(Decimal("0.000001"))


def _community_named_in(address):
    """The one community whose name appears in ``address`` (the longest name; among equals,
    the one whose street is named too), or None."""
    if not address:
        return None
    rows = Area.objects.filter(level=AreaLevel.COMMUNITY).values_list("pk", "name", "parent__name")
    found = [(len(name), bool(parent and parent in address), pk) for pk, name, parent in rows if name and name in address]
    if not found:
        return None
    best = max(found)
    if sum(1 for row in found if row[:2] == best[:2]) > 1:
        return None  # ambiguous: the client has to say which
    return Area.objects.filter(pk=best[2]).first()


def _community_near(lat, long):
    """The community of the nearest earlier request with coordinates, if within ``NEAREST_METERS``."""
    if lat is None or long is None:
        return None
    # about 111 km per degree of latitude; a box first, the distance after
    span = Decimal(NEAREST_METERS) / Decimal(111_000)
    cos = Decimal(str(max(0.1, math.cos(math.radians(float(lat))))))
    box = ServiceRequest.objects.filter(
        lat__range=(lat - span, lat + span), long__range=(long - span / cos, long + span / cos),
    ).values_list("lat", "long", "community_id")[:MAX_ROWS]

    def meters(row):
        dy = float(row[0] - lat) * 111_000
        dx = float(row[1] - long) * 111_000 * float(cos)
        return math.hypot(dx, dy)

    near = [(meters(row), row[2]) for row in box]
    near = [row for row in near if row[0] <= NEAREST_METERS]
    if not near:
        return None
    return Area.objects.filter(pk=min(near)[1], level=AreaLevel.COMMUNITY).first()


def _location(request, lat, long):
    """(community, building) from ``attribute[community]`` or ``address_id``, else resolved
    from ``address_string`` or ``lat``/``long``."""
    building = None
    address_id = (request.POST.get("address_id") or "").strip()
    community_code = (request.POST.get("attribute[community]") or "").strip()
    if address_id:
        building = Area.objects.filter(code=address_id, level__in=(AreaLevel.BUILDING, AreaLevel.ENTRANCE)).first()
        if building is None:
            raise Refusal(400, _("address_id %(code)s 不是已登记的楼栋编码。") % {"code": address_id})
        community = trees.containing(Area.objects, building, level=AreaLevel.COMMUNITY, include_self=False).first()
        if community_code and (community is None or community.code != community_code):
            raise Refusal(400, _("address_id 所指楼栋不在 attribute[community] 所指社区内。"))
        return community, building
    if not community_code:
        community = (_community_named_in((request.POST.get("address_string") or "").strip())
                     or _community_near(lat, long))
        if community is None:
            raise Refusal(400, _("请提供 attribute[community]（社区编码，见服务定义的 values）或 address_id（楼栋编码）；"
                                 "无法从 address_string 或坐标确定所在社区。"))
        return community, None
    community = Area.objects.filter(code=community_code, level=AreaLevel.COMMUNITY).first()
    if community is None:
        raise Refusal(400, _("attribute[community] %(code)s 不是已登记的社区编码。") % {"code": community_code})
    return community, None


def _describe(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return "；".join(exc.messages)
    return "；".join(f"{PARAMS.get(name, name)}：{'，'.join(messages)}" for name, messages in exc.message_dict.items())


def _create(request, fmt):
    # every attempt counts against the address's generous ceiling (it also slows key guessing);
    # accepted posts count against their key
    if not ratelimit.hit_named("OPEN311_POST_IP_LIMIT", client_ip(request) or "unknown"):
        _refuse_over("OPEN311_POST_IP_LIMIT")
    key = _key(request)
    if not ratelimit.allowed_named("OPEN311_POST_KEY_LIMIT", key.pk):
        _refuse_over("OPEN311_POST_KEY_LIMIT")
    post = request.POST
    service_code = (post.get("service_code") or "").strip()
    if not service_code:
        raise Refusal(400, _("缺少 service_code。"))
    category = None
    if service_code.startswith("req-"):
        category = RequestCategory.objects.filter(code=service_code[4:], is_active=True).first()
    if category is None and service_code not in WISH_CODES:
        raise Refusal(404, _("没有代码为 %(code)s 的服务。") % {"code": service_code})
    lat, long = _decimal(request, "lat", -90, 90), _decimal(request, "long", -180, 180)
    community, building = _location(request, lat, long)
    name = f"{(post.get('last_name') or '').strip()}{(post.get('first_name') or '').strip()}"
    common = {
        "community": community, "building": building, "address": (post.get("address_string") or "").strip(),
        "text": post.get("description") or "", "name": name, "phone": post.get("phone") or "",
    }
    try:
        if category is not None:
            obj = request_actions.request_submit(category=category, lat=lat, long=long, source=RequestSource.OPEN311,
                                                 **common)
            row_id, notice = f"{REQUEST_PREFIX}{obj.code}", _notice(category)
        else:
            obj = actions.wish_submit(kind=WISH_CODES[service_code], open311=True, **common)
            row_id, notice = f"{WISH_PREFIX}{obj.code}", _notice(None)
    except ValidationError as exc:
        raise Refusal(400, _describe(exc)) from None
    ratelimit.count_named("OPEN311_POST_KEY_LIMIT", key.pk)
    return render(fmt, [{"service_request_id": row_id, "service_notice": str(notice), "account_id": None}],
                  root="service_requests", item="request")


# ----------------------------------------------------------------------- anything else
def _format_of(path):
    tail = path.rsplit("/", 1)[-1]
    return tail.rsplit(".", 1)[-1].lower() if "." in tail else ""


@csrf_exempt
def not_found(request, path=""):
    """A path or format this API does not know: a GeoReport error, never an HTML page —
    XML for a ``.xml`` path, JSON otherwise; 400 for an unknown format of a known resource."""
    fmt = _format_of(path)
    resource = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    if fmt not in ("json", "xml") and KNOWN_RESOURCE.match(resource):
        return error("json", 400, _("不支持的格式“%(fmt)s”，请使用 .json 或 .xml。") % {"fmt": fmt or "—"})
    return error("xml" if fmt == "xml" else "json", 404, _("没有这个资源：%(path)s") % {"path": path[:100]})
