"""Demo data: a territory tree, the party organizations mirroring it, members, central
households, resident units and demo accounts, at three scales.

* ``small``    one city, one district, two streets — loads in seconds (``make run``).
* ``dandong``  丹东市 exactly as the 2020 figures count it: 20 streets, 193 communities,
               788 compounds, 955 compound branches, 3,027 building party groups, 8,621 central
               households, 41,312 members (plus 413 municipal-organ and 542 district-organ branches).
* ``province`` the 14 cities of Liaoning: ~1,000,000 members, ~100,000 organizations,
               ~200,000 buildings (``fraction`` scales it down for tests).

The bulk path: every city is built in memory (areas, then organizations), its mptt fields are
computed with ``dangjian.trees.assign_tree_fields`` and the nodes are written level by level
with ``bulk_create`` (parents first, so children take their parents' primary keys).  Members
and central households are streamed in chunks of ``MEMBER_CHUNK`` as plain rows, with the
encrypted columns and keyed hashes computed here (``dangjian.crypto``; in a small process pool
for the province): on PostgreSQL through ``COPY``, elsewhere through one prepared
``executemany`` per batch.  Nothing is saved row by row.

Everything random comes from ``random.Random`` seeded from ``seed`` and the city code, so a seed
reproduces the same names, numbers and shapes (dates are relative to the day of the run).
"""
from __future__ import annotations

import io
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Q
from django.db.models.deletion import get_candidate_relations_to_delete
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.crypto import encrypt, keyed_hash
from dangjian.privacy import id_number_check_digit
from dangjian.trees import assign_tree_fields, lock_tree_writes, subtree_q
from organizations.areas.choices import AreaLevel, BuildingUse
from organizations.areas.models import Area
from organizations.demo import names
from organizations.grants.choices import Role
from organizations.grants.models import Grant
from organizations.members import places
from organizations.members.choices import Education, Ethnicity, MemberStatus, Occupation, OrgRole
from organizations.members.models import CentralHousehold, Member
from organizations.orgs.choices import FormationMode, OrgCategory, OrgKind
from organizations.orgs.models import PartyOrg
from organizations.orgs.rules import default_term_years
from organizations.units.choices import ResidentUnitKind
from organizations.units.models import ResidentUnit

SCALES = ("small", "dandong", "province")
DEFAULT_SEED = 2020
BATCH_SIZE = 5000
MEMBER_CHUNK = 50_000
# Root area codes the generator creates; ``flush_demo_data`` removes exactly these trees.
DEMO_ROOT_CODES = tuple(f"{prefix}00000000" for prefix, _name, _districts in names.LIAONING_CITIES)


class DemoDataError(Exception):
    """The demo data cannot be generated (or removed) as asked; the message says why."""


# ------------------------------------------------------------------------- pure helpers
def split_exact(rng, total: int, n: int, *, lo: int = 0, hi: int | None = None, lows=None, highs=None,
                weights=None, jitter: float = 0.35) -> list[int]:
    """``n`` integers summing to exactly ``total``, each within its bounds, roughly
    proportional to ``weights`` (randomly jittered)."""
    lows = list(lows) if lows is not None else [lo] * n
    highs = list(highs) if highs is not None else [hi if hi is not None else total] * n
    if not sum(lows) <= total <= sum(highs) or (n == 0 and total):
        raise DemoDataError(
            _("无法把 %(total)d 分成 %(n)d 份（各份上下限合计 %(lo)d 至 %(hi)d）。")
            % {"total": total, "n": n, "lo": sum(lows), "hi": sum(highs)}
        )
    if n == 0:
        return []
    weights = list(weights) if weights is not None else [1.0] * n
    w = [max(1e-9, weights[i] * (1 + rng.uniform(-jitter, jitter))) for i in range(n)]
    counts = lows[:]
    surplus = total - sum(lows)
    total_w = sum(w)
    for i in range(n):
        counts[i] += min(highs[i] - counts[i], int(surplus * w[i] / total_w))
    remaining = total - sum(counts)
    while remaining > 0:
        room = [i for i in range(n) if counts[i] < highs[i]]
        rng.shuffle(room)
        for i in room[:remaining]:
            counts[i] += 1
        remaining = total - sum(counts)
    return counts


def unique_digits(n: int, offset: int) -> str:
    """Eight digits that differ for every ``n`` below 10**8 and do not look sequential: an
    affine bijection modulo 10**8 (the multiplier is prime to 10), then the digits reversed."""
    return f"{(n * 73_939_133 + offset) % 10**8:08d}"[::-1]


def id_number(prefix6: str, birth: date, seq3: int) -> str:
    first17 = f"{prefix6}{birth:%Y%m%d}{seq3:03d}"
    return first17 + id_number_check_digit(first17)


def random_date(rng, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# ----------------------------------------------------------------------------- plans
@dataclass
class DistrictPlan:
    code: str                     # six digits (行政区划代码)
    name: str
    streets: int
    street_names: tuple = ()      # real names first; more are made up when needed


@dataclass
class CityPlan:
    prefix: str                   # four digits: 2106
    name: str                     # 丹东市
    districts: list[DistrictPlan]
    communities: int
    compounds: int
    buildings: int
    second_branches: int          # compounds with a second compound branch
    building_groups: int
    central_households: int
    members: int
    municipal_organ_branches: int
    district_organ_branches: int
    units_per_district: int
    communities_per_street: tuple = (1, 10_000)
    compounds_per_community: tuple = (1, 10_000)
    buildings_per_compound: tuple = (1, 12)
    groups_min_per_compound: int = 0
    joint_share: float = 0.08     # share of compound branches formed 联合组建

    @property
    def code(self) -> str:
        return f"{self.prefix}00000000"

    @property
    def short(self) -> str:
        return self.name[:-1] if self.name.endswith("市") else self.name

    @property
    def streets(self) -> int:
        return sum(d.streets for d in self.districts)


def small_plan() -> list[CityPlan]:
    code, district, streets = names.DANDONG_DISTRICTS[0]
    return [CityPlan(
        prefix="2106", name="丹东市",
        districts=[DistrictPlan(code, district, 2, tuple(streets.split()))],
        communities=6, compounds=15, buildings=52, second_branches=1, building_groups=40,
        central_households=30, members=200, municipal_organ_branches=3, district_organ_branches=4,
        units_per_district=4, communities_per_street=(3, 3), compounds_per_community=(2, 3),
        buildings_per_compound=(3, 4), groups_min_per_compound=1, joint_share=0.1,
    )]


def dandong_plan() -> list[CityPlan]:
    """Dandong, 2020: the figures of the source article, exactly."""
    districts = [
        DistrictPlan(code, name, len(streets.split()), tuple(streets.split()))
        for code, name, streets in names.DANDONG_DISTRICTS
    ]
    return [CityPlan(
        prefix="2106", name="丹东市", districts=districts,
        communities=193, compounds=788, buildings=3540, second_branches=167, building_groups=3027,
        central_households=8621, members=41312, municipal_organ_branches=413, district_organ_branches=542,
        units_per_district=30, communities_per_street=(6, 14), compounds_per_community=(2, 8),
        buildings_per_compound=(3, 6), groups_min_per_compound=1,
    )]


# Province totals at fraction 1.
PROVINCE = {
    "streets": 1000, "communities": 4000, "compounds": 40_000, "buildings": 200_000,
    "building_groups": 48_000, "members": 1_000_000, "central_share": 0.2,
    "municipal_organ_branches": 2100, "district_organ_branches": 1300, "units_per_district": 10,
    "second_branch_share": 0.1,
}


def province_plan(rng, fraction: float = 1.0) -> list[CityPlan]:
    """Liaoning's 14 cities as 14 trees; totals scaled by ``fraction`` and split among cities."""
    if not 0 < fraction <= 1:
        raise DemoDataError(_("--fraction 必须大于 0 且不大于 1。"))
    cities = names.LIAONING_CITIES
    n = len(cities)
    real = [d.split() for _p, _n, d in cities]
    dandong_streets = {name: tuple(streets.split()) for _c, name, streets in names.DANDONG_DISTRICTS}
    weights = [len(d) for d in real]
    total_districts = min(sum(weights), max(n, round(sum(weights) * fraction)))
    n_districts = split_exact(rng, total_districts, n, lo=1, highs=weights, weights=weights, jitter=0)

    def scaled(key, floor):
        return max(floor, round(PROVINCE[key] * fraction))

    def split(total, **kwargs):  # cities keep their proportions from level to level
        return split_exact(rng, total, n, jitter=0.1, **kwargs)

    streets = split(scaled("streets", total_districts), lows=n_districts, weights=n_districts)
    communities = split(scaled("communities", sum(streets)), lows=streets, weights=streets)
    compounds = split(scaled("compounds", sum(communities)), lows=communities, weights=communities)
    buildings = split(scaled("buildings", sum(compounds)), lows=compounds, highs=[c * 12 for c in compounds],
                      weights=compounds)
    groups = split(min(sum(buildings), scaled("building_groups", 1)), highs=buildings, weights=buildings)
    members = split(scaled("members", 8 * sum(compounds)), lows=[6 * c for c in compounds], weights=compounds)
    central = split(round(sum(members) * PROVINCE["central_share"]), highs=members, weights=members)
    municipal = split(scaled("municipal_organ_branches", n), lo=1, weights=weights)
    district_organs = split(scaled("district_organ_branches", total_districts), lows=n_districts, weights=n_districts)
    plans = []
    for i, (prefix, city, _districts) in enumerate(cities):
        per_district = split_exact(rng, streets[i], n_districts[i], lo=1)
        districts = [
            DistrictPlan(f"{prefix}{j + 2:02d}", real[i][j], per_district[j], dandong_streets.get(real[i][j], ()))
            for j in range(n_districts[i])
        ]
        plans.append(CityPlan(
            prefix=prefix, name=city, districts=districts, communities=communities[i], compounds=compounds[i],
            buildings=buildings[i], second_branches=round(compounds[i] * PROVINCE["second_branch_share"]),
            building_groups=groups[i], central_households=central[i], members=members[i],
            municipal_organ_branches=municipal[i], district_organ_branches=district_organs[i],
            units_per_district=max(1, round(PROVINCE["units_per_district"] * fraction)),
        ))
    return plans


def plans_for(scale: str, *, seed: int = DEFAULT_SEED, fraction: float = 1.0) -> list[CityPlan]:
    if scale == "small":
        return small_plan()
    if scale == "dandong":
        return dandong_plan()
    if scale == "province":
        return province_plan(random.Random(f"{seed}-province"), fraction)
    raise DemoDataError(_("未知的规模：%(scale)s") % {"scale": scale})


# --------------------------------------------------------------------- in-memory specs
@dataclass(eq=False)
class BuildingSpec:
    area: Area
    households: int
    rooms: list[str]
    members: int = 0
    central: int = 0
    branch: PartyOrg | None = None
    has_group: bool = False
    group: PartyOrg | None = None


@dataclass(eq=False)
class CompoundSpec:
    area: Area
    name: str
    community: CommunitySpec
    buildings: list[BuildingSpec] = field(default_factory=list)
    groups: int = 0
    members: int = 0
    branches: list[PartyOrg] = field(default_factory=list)


@dataclass(eq=False)
class CommunitySpec:
    area: Area
    name: str
    district: DistrictSpec
    street_name: str
    roads: list[str] = field(default_factory=list)
    compounds: list[CompoundSpec] = field(default_factory=list)
    org: PartyOrg | None = None


@dataclass(eq=False)
class DistrictSpec:
    area: Area
    plan: DistrictPlan
    streets: list[Area] = field(default_factory=list)
    communities: list[CommunitySpec] = field(default_factory=list)
    organ_branches: dict = field(default_factory=dict)   # organ name → [PartyOrg]


@dataclass(eq=False)
class CitySpec:
    plan: CityPlan
    area: Area
    districts: list[DistrictSpec] = field(default_factory=list)
    compounds: list[CompoundSpec] = field(default_factory=list)
    areas_by_level: dict = field(default_factory=lambda: defaultdict(list))
    orgs_by_depth: dict = field(default_factory=lambda: defaultdict(list))
    organ_branches: dict = field(default_factory=dict)   # municipal organ name → [PartyOrg]


class NamePool:
    """Unique names within a scope (a city): random picks, with a fallback that stays unique."""

    def __init__(self, rng):
        self.rng = rng
        self.used: set[str] = set()

    def pick(self, make, fallback) -> str:
        for _attempt in range(40):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        n = 2
        while True:
            name = fallback(n)
            if name not in self.used:
                self.used.add(name)
                return name
            n += 1


# ------------------------------------------------------------------------------ writer
def _protect(pairs):
    """Encrypted tokens and keyed hashes for (phone, id_number) pairs (runs in a pool worker)."""
    return [(encrypt(p), keyed_hash(p), encrypt(i), keyed_hash(i)) for p, i in pairs]


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


DEMO_REGISTERED_AGO = timedelta(days=730)

MEMBER_FIELDS = (
    "id", "name", "gender", "birth_date", "joined_on", "full_member_on", "status", "organization_id",
    "org_role", "residence_id", "in_service", "employer", "employer_org_id", "phone", "id_number",
    "ethnicity", "education", "occupation",
)
MEMBER_COLUMNS = MEMBER_FIELDS[:13] + ("phone", "phone_hash", "id_number", "id_number_hash", "created_at", "updated_at",
                                      *places.RES_FIELDS.values(), *places.ORG_FIELDS.values(), *MEMBER_FIELDS[15:])

# 党内统计's standard fields of the demo roster (``member_profile``): about 92 % 汉族, the rest
# among the larger groups of a north-eastern city; education and occupation by age.
MINORITIES = (Ethnicity.MANCHU, Ethnicity.KOREAN, Ethnicity.HUI, Ethnicity.MONGOL, Ethnicity.XIBE,
              Ethnicity.ZHUANG, Ethnicity.TUJIA, Ethnicity.MIAO)
MINORITY_WEIGHTS = (45, 60, 72, 82, 87, 91, 95, 100)  # cumulative
# (upper age, cumulative weights over Education highest first): the young are more schooled
EDUCATION_BY_AGE = (
    (35, (3, 15, 60, 85, 92, 98, 100)),
    (50, (2, 8, 40, 68, 80, 93, 100)),
    (65, (1, 3, 18, 40, 58, 82, 100)),
    (200, (0, 1, 8, 20, 35, 62, 100)),
)
EDUCATIONS = tuple(Education)
WORKING = (Occupation.PROFESSIONAL, Occupation.ENTERPRISE_MANAGER, Occupation.INSTITUTION_MANAGER,
           Occupation.PUBLIC_SERVANT, Occupation.SKILLED_WORKER, Occupation.MILITARY)
WORKING_WEIGHTS = (34, 56, 70, 88, 99, 100)  # cumulative
NOT_EMPLOYED = (Occupation.OTHER, Occupation.UNEMPLOYED, Occupation.SKILLED_WORKER, Occupation.FARMER)
NOT_EMPLOYED_WEIGHTS = (45, 75, 92, 100)  # cumulative


def member_profile(r, age: int, in_service: bool) -> tuple[str, str, str]:
    """(ethnicity, education, occupation) of a demo member of ``age``: plain draws from ``r``, no query."""
    if r.random() < 0.92:
        ethnicity = Ethnicity.HAN
    else:
        ethnicity = r.choices(MINORITIES, cum_weights=MINORITY_WEIGHTS)[0]
    weights = next(w for upper, w in EDUCATION_BY_AGE if age <= upper)
    education = r.choices(EDUCATIONS, cum_weights=weights)[0]
    if age < 24 and not in_service and r.random() < 0.7:
        occupation = Occupation.STUDENT
        if education in (Education.DOCTORATE, Education.JUNIOR_OR_BELOW):
            education = Education.BACHELOR
    elif age >= 60 or (age >= 55 and not in_service and r.random() < 0.8):
        occupation = Occupation.RETIRED if r.random() < 0.9 else Occupation.OTHER
    elif in_service:
        occupation = r.choices(WORKING, cum_weights=WORKING_WEIGHTS)[0]
    else:
        occupation = r.choices(NOT_EMPLOYED, cum_weights=NOT_EMPLOYED_WEIGHTS)[0]
    return str(ethnicity), str(education), str(occupation)
CENTRAL_COLUMNS = ("member_id", "building_id", "linked_households", "linked_rooms", "designated_on")


def insert_rows(model, columns, rows) -> None:
    """Insert plain value tuples: ``COPY`` on PostgreSQL, one prepared ``executemany`` per
    batch elsewhere.  Values are already in database form (encrypted, hashed)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names_sql = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buf = io.StringIO()
            buf.writelines("\t".join(_copy_text(v) for v in row) + "\n" for row in rows)
            buf.seek(0)
            cursor.copy_expert(f"COPY {table} ({names_sql}) FROM STDIN", buf)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({names_sql}) VALUES ({placeholders})"  # noqa: S608 - names from model meta
            for i in range(0, len(rows), BATCH_SIZE):
                cursor.executemany(sql, [tuple(_db_value(v) for v in row) for row in rows[i:i + BATCH_SIZE]])


def _db_value(value):
    if isinstance(value, date):  # ISO text, as Django stores dates outside PostgreSQL
        return value.isoformat()
    return value


class MemberWriter:
    """Streams member rows (tuples in ``MEMBER_FIELDS`` order) and central households into the
    database in chunks of ``chunk`` members.  The personal data columns are encrypted and
    hashed here, exactly as the model fields would, then the rows go in through
    ``insert_rows`` (COPY on PostgreSQL).

    With a process pool the encryption of a chunk runs in the pool while the previous chunk
    is being written (the write lags one chunk behind), so the database and the workers are
    busy at the same time; at most two chunks are held.  ``finish`` writes the rest."""

    def __init__(self, *, pool=None, chunk: int = MEMBER_CHUNK):
        self.pool = pool
        self.chunk = chunk
        self.members: list[tuple] = []
        self.central: list[tuple] = []
        self.written = 0
        self.central_written = 0
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        # the demo roster stands for members registered long before the history the features'
        # demos write (a year of organizational life…), so the six-month rules can judge them
        self.registered = connection.ops.adapt_datetimefield_value(timezone.now() - DEMO_REGISTERED_AGO)
        self._pending = None  # (rows, central, AsyncResult) encrypted in the pool, not yet written
        self._res_chains: dict = {}  # residence id → places chain
        self._org_chains: dict = {}  # organization id → places chain of its anchor area

    def add(self, row: tuple) -> None:
        self.members.append(row)
        if len(self.members) >= self.chunk:
            self.flush()

    def add_central(self, member_id, building_id, linked, rooms, designated_on) -> None:
        self.central.append((member_id, building_id, linked, rooms, designated_on))

    def flush(self) -> None:
        rows, central = self.members, self.central
        if not rows and not central:
            return
        self.members, self.central = [], []
        self.written += len(rows)
        self.central_written += len(central)
        pairs = [(row[13], row[14]) for row in rows]
        if self.pool is None:
            self._write(_protect(pairs), rows, central)
            return
        previous, self._pending = self._pending, (rows, central, self.pool.map_async(_protect, self._parts(pairs)))
        if previous is not None:
            self._write_pending(previous)

    def finish(self) -> None:
        """Write everything still buffered or pending."""
        self.flush()
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self._write_pending(pending)

    def _write_pending(self, pending) -> None:
        rows, central, result = pending
        self._write([item for part in result.get() for item in part], rows, central)

    def _chains(self, rows):
        """The place chains (organizations.members.places) of the rows' residences and organizations,
        looked up once per area and organization across chunks."""
        res, org = self._res_chains, self._org_chains
        res.update(places.chains({row[9] for row in rows} - res.keys()))
        if missing := {row[7] for row in rows} - org.keys():
            org.update(places.org_chains(missing))
        return [res.get(row[9], places.NO_CHAIN) + org.get(row[7], places.NO_CHAIN) for row in rows]

    def _write(self, protected, rows, central) -> None:
        now, registered = self.now, self.registered
        insert_rows(Member, MEMBER_COLUMNS, [
            row[:13] + (phone, phone_hash, idn, idn_hash, registered, now) + chain + row[15:]
            for row, (phone, phone_hash, idn, idn_hash), chain in zip(rows, protected, self._chains(rows), strict=True)
        ])
        insert_rows(CentralHousehold, CENTRAL_COLUMNS, central)

    @staticmethod
    def _parts(pairs, parts: int = 8):
        """Pieces small enough to keep both pool workers busy."""
        size = max(1, -(-len(pairs) // parts))
        return [pairs[i:i + size] for i in range(0, len(pairs), size)]


# --------------------------------------------------------------------------- generator
class DemoGenerator:
    """Builds and writes the demo data for a list of city plans."""

    def __init__(self, plans: list[CityPlan], *, seed: int = DEFAULT_SEED, log=None, pool=None):
        self.plans = plans
        self.seed = seed
        self.log = log or (lambda message: None)
        self.pool = pool
        self.today = timezone.localdate()
        self.timings: dict[str, float] = defaultdict(float)
        self.counts: dict[str, int] = defaultdict(int)
        self.cities: list[CityPlan] = []  # plans written so far

    # ---------------------------------------------------------------- driver
    def run(self) -> None:
        """Write everything in one transaction, holding the tree write locks."""
        with transaction.atomic():
            lock_tree_writes(Area)
            lock_tree_writes(PartyOrg)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # explicit member ids below: no concurrent inserts
                    cursor.execute(f"LOCK TABLE {connection.ops.quote_name(Member._meta.db_table)} IN EXCLUSIVE MODE")
            self.next_area_tree = (Area.objects.aggregate(m=Max("tree_id"))["m"] or 0) + 1
            self.next_org_tree = (PartyOrg.objects.aggregate(m=Max("tree_id"))["m"] or 0) + 1
            self.next_member_id = (Member.objects.aggregate(m=Max("id"))["m"] or 0) + 1
            self.phone_offset = random.Random(f"{self.seed}-phones").randrange(10**8)
            self.writer = MemberWriter(pool=self.pool)
            self.secretaries: list[tuple[int, int]] = []  # (organization id, member id)
            self.led: set[int] = set()  # organizations whose leader is already chosen
            self.build_cities()
            with self.phase("members"):
                self.writer.finish()
                for sql in connection.ops.sequence_reset_sql(no_style(), [Member]):
                    with connection.cursor() as cursor:
                        cursor.execute(sql)
            with self.phase("secretaries"):
                self.assign_secretaries()
            if connection.vendor == "postgresql":
                with self.phase("analyze"):
                    self.analyze()
            self.counts["members"] = self.writer.written
            self.counts["central_households"] = self.writer.central_written

    def build_cities(self) -> None:
        for plan in self.plans:
            started = time.perf_counter()
            city = self.build_city(plan)
            self.log(
                _("%(city)s：区域 %(areas)s 个，党组织 %(orgs)s 个，党员 %(members)s 名，用时 %(s).1f 秒") % {
                    "city": plan.name,
                    "areas": f"{sum(len(v) for v in city.areas_by_level.values()):,}",
                    "orgs": f"{sum(len(v) for v in city.orgs_by_depth.values()):,}",
                    "members": f"{plan.members:,}",
                    "s": time.perf_counter() - started,
                }
            )
            self.cities.append(plan)  # the in-memory city is freed here

    def phase(self, name):
        generator = self

        class _Timer:
            def __enter__(self):
                self.started = time.perf_counter()

            def __exit__(self, *exc):
                generator.timings[name] += time.perf_counter() - self.started
                return False

        return _Timer()

    def build_city(self, plan: CityPlan) -> CitySpec:
        rng = random.Random(f"{self.seed}-{plan.prefix}")
        with self.phase("areas"):
            city = self.plan_areas(plan, rng)
            self.write_areas(city)
        with self.phase("orgs"):
            self.plan_orgs(city, rng)
            self.write_orgs(city)
        with self.phase("members"):
            self.write_members(city, rng)
        with self.phase("units"):
            self.write_units(city, rng)
        return city

    # ----------------------------------------------------------------- areas
    def plan_areas(self, plan: CityPlan, rng) -> CitySpec:
        city_area = self._area(None, plan.name, plan.code, AreaLevel.CITY)
        city_area.address = plan.name
        city = CitySpec(plan=plan, area=city_area)
        city.areas_by_level[AreaLevel.CITY].append(city_area)
        street_names = NamePool(rng)
        community_names = NamePool(rng)
        compound_names = NamePool(rng)
        words = names.PLACE_WORDS

        # districts and streets
        street_specs = []  # (district spec, street area, road names)
        for dplan in plan.districts:
            d_area = self._area(city_area, dplan.name, f"{dplan.code}000000", AreaLevel.DISTRICT)
            d_area.address = f"{plan.name}{dplan.name}"
            city.areas_by_level[AreaLevel.DISTRICT].append(d_area)
            district = DistrictSpec(area=d_area, plan=dplan)
            city.districts.append(district)
            for s in range(dplan.streets):
                if s < len(dplan.street_names) and dplan.street_names[s] not in street_names.used:
                    name = dplan.street_names[s]
                    street_names.used.add(name)
                else:
                    name = street_names.pick(
                        lambda: rng.choice(words) + "街道", lambda k: f"{rng.choice(words)}第{names.cn_number(k)}街道"
                    )
                street = self._area(d_area, name, f"{dplan.code}{s + 1:03d}000", AreaLevel.STREET)
                street.address = f"{plan.name}{dplan.name}{name}"
                city.areas_by_level[AreaLevel.STREET].append(street)
                district.streets.append(street)
                roads = [rng.choice(words) + rng.choice(names.ROAD_SUFFIXES) for _road in range(4)]
                street_specs.append((district, street, roads))

        # communities
        lo, hi = plan.communities_per_street
        per_street = split_exact(rng, plan.communities, len(street_specs), lo=lo, hi=hi)
        communities = []
        for (district, street, roads), count in zip(street_specs, per_street):
            for c in range(count):
                name = community_names.pick(
                    lambda: rng.choice(words) + rng.choice(names.COMMUNITY_VARIANTS) + "社区",
                    lambda k: f"{rng.choice(words)}{names.cn_number(k)}社区",
                )
                code = f"{street.code[:9]}{c + 1:03d}"
                area = self._area(street, name, code, AreaLevel.COMMUNITY)
                area.address = f"{street.address}{rng.choice(roads)}{rng.randint(1, 200)}号"
                city.areas_by_level[AreaLevel.COMMUNITY].append(area)
                spec = CommunitySpec(area=area, name=name, district=district, street_name=street.name, roads=roads)
                district.communities.append(spec)
                communities.append(spec)

        # compounds
        lo, hi = plan.compounds_per_community
        per_community = split_exact(rng, plan.compounds, len(communities), lo=lo, hi=hi)
        for community, count in zip(communities, per_community):
            local = set()
            for k in range(count):
                def make():
                    return rng.choice(words) + rng.choice(names.COMPOUND_SUFFIXES)

                name = compound_names.pick(make, lambda n: f"{make()}{names.cn_number(n)}期")
                while name in local:  # unique among siblings whatever the pool did
                    name = f"{name}{names.cn_number(len(local) + 2)}期"
                local.add(name)
                area = self._area(community.area, name, f"{community.area.code}{k + 1:03d}", AreaLevel.COMPOUND)
                area.address = (
                    f"{plan.name}{community.district.plan.name}{community.street_name}"
                    f"{rng.choice(community.roads)}{rng.randint(1, 300)}号"
                )
                city.areas_by_level[AreaLevel.COMPOUND].append(area)
                spec = CompoundSpec(area=area, name=name, community=community)
                community.compounds.append(spec)
                city.compounds.append(spec)

        # buildings
        lo, hi = plan.buildings_per_compound
        per_compound = split_exact(rng, plan.buildings, len(city.compounds), lo=lo, hi=hi)
        for compound, count in zip(city.compounds, per_compound):
            for b in range(count):
                households = rng.choice((12, 18, 24, 24, 30, 36, 36, 48, 54, 60, 72, 90, 108, 120))
                area = self._area(compound.area, f"{b + 1}号楼", f"{compound.area.code}{b + 1:03d}", AreaLevel.BUILDING)
                area.households = households
                area.building_use = BuildingUse.MIXED if rng.random() < 0.04 else BuildingUse.RESIDENTIAL
                area.address = f"{compound.area.address}{compound.name}{b + 1}号楼"
                city.areas_by_level[AreaLevel.BUILDING].append(area)
                compound.buildings.append(BuildingSpec(area=area, households=households, rooms=self._rooms(households)))
        return city

    @staticmethod
    def _area(parent, name, code, level) -> Area:
        area = Area(name=name, code=code, level=level)
        area._bulk_parent = parent
        return area

    @staticmethod
    def _rooms(households: int) -> list[str]:
        """Room labels such as 2-301: units × floors × two doors, about ``households`` of them."""
        units = 1 if households <= 24 else (2 if households <= 60 else 3)
        floors = max(1, -(-households // (units * 2)))
        return [f"{u}-{f}0{d}" for u in range(1, units + 1) for f in range(1, floors + 1) for d in (1, 2)][:households]

    def write_areas(self, city: CitySpec) -> None:
        nodes = [a for level in sorted(city.areas_by_level) for a in city.areas_by_level[level]]
        self.next_area_tree = assign_tree_fields(nodes, first_tree_id=self.next_area_tree)
        with Area.objects.disable_mptt_updates():
            for level in sorted(city.areas_by_level):
                batch = city.areas_by_level[level]
                for node in batch:
                    node.parent_id = node._bulk_parent.pk if node._bulk_parent is not None else None
                Area.objects.bulk_create(batch, batch_size=BATCH_SIZE)
                self.counts[f"areas_{int(level)}"] += len(batch)

    # ------------------------------------------------------------------ orgs
    def _org(self, city, parent, area, name, code, kind, category, rng, *, formation=FormationMode.SINGLE,
             joint_units=1, depth=0) -> PartyOrg:
        founded = random_date(rng, date(1995, 1, 1), date(2020, 12, 31))
        years = default_term_years(kind, category)
        term = random_date(rng, max(founded, years_before(self.today, years + 1)), self.today)
        org = PartyOrg(
            name=name, code=code, kind=kind, category=category, formation=formation, joint_units=joint_units,
            founded_on=founded, term_started_on=term, term_years=years,
            secretary_also_chairs=category in (OrgCategory.COMMUNITY, OrgCategory.COMPOUND) and rng.random() < 0.6,
        )
        org._bulk_parent = parent
        org._demo_area = area
        city.orgs_by_depth[depth].append(org)
        return org

    def plan_orgs(self, city: CitySpec, rng) -> None:
        plan = city.plan
        lo, _hi = plan.buildings_per_compound
        compounds = city.compounds
        # building groups per compound, never more than its buildings
        groups = split_exact(
            rng, plan.building_groups, len(compounds), lo=min(plan.groups_min_per_compound, lo),
            highs=[len(c.buildings) for c in compounds],
            weights=[len(c.buildings) for c in compounds],
        )
        for compound, g in zip(compounds, groups):
            compound.groups = g
        # members per compound, weighted by households; at least three per branch
        second = self._pick_second_branches(compounds, plan.second_branches, rng)
        lows = [6 if id(c) in second else 3 for c in compounds]
        per_compound = split_exact(
            rng, plan.members, len(compounds), lows=lows,
            weights=[sum(b.households for b in c.buildings) for c in compounds],
        )
        for compound, m in zip(compounds, per_compound):
            compound.members = m
            for b in compound.buildings[: compound.groups]:
                b.has_group = True

        # the tree: 市委 → 区委 → 街道党工委 → 社区党委 → 小区党支部 → 楼栋党小组, plus organ branches
        code = city.area.code
        city_org = self._org(city, None, city.area, f"{plan.name}委", f"{code}-01", OrgKind.COMMITTEE,
                             OrgCategory.REGIONAL, rng, depth=0)
        organ_wc = self._org(city, city_org, city.area, f"{plan.name}直机关工委", f"{code}-02",
                             OrgKind.WORKING_COMMITTEE, OrgCategory.ORGAN, rng, depth=1)
        city.organ_branches = self._organ_branches(
            city, organ_wc, city.area, plan.short, names.MUNICIPAL_ORGANS, plan.municipal_organ_branches, rng, depth=2
        )
        district_organs = split_exact(
            rng, plan.district_organ_branches, len(city.districts), lo=1 if plan.district_organ_branches >= len(city.districts) else 0,
            weights=[len(d.communities) + 1 for d in city.districts],
        )
        for district, n_organ in zip(city.districts, district_organs):
            d_area = district.area
            d_org = self._org(city, city_org, d_area, f"{district.plan.name}委", f"{d_area.code}-01",
                              OrgKind.COMMITTEE, OrgCategory.REGIONAL, rng, depth=1)
            if n_organ:
                wc = self._org(city, d_org, d_area, f"{district.plan.name}直机关工委", f"{d_area.code}-02",
                               OrgKind.WORKING_COMMITTEE, OrgCategory.ORGAN, rng, depth=2)
                district.organ_branches = self._organ_branches(
                    city, wc, d_area, district.plan.name,
                    tuple(o[1:] for o in names.DISTRICT_ORGANS), n_organ, rng, depth=3,
                )
            street_orgs = {}
            for street in district.streets:
                street_orgs[street.name] = self._org(
                    city, d_org, street, f"{street.name}党工委", f"{street.code}-01",
                    OrgKind.WORKING_COMMITTEE, OrgCategory.STREET, rng, depth=2,
                )
            for community in district.communities:
                total = sum(c.members for c in community.compounds)
                kind = OrgKind.COMMITTEE if total >= 100 else OrgKind.GENERAL_BRANCH
                suffix = "党委" if kind == OrgKind.COMMITTEE else "党总支"
                community.org = self._org(
                    city, street_orgs[community.street_name], community.area, f"{community.name}{suffix}",
                    f"{community.area.code}-01", kind, OrgCategory.COMMUNITY, rng, depth=3,
                )
                for compound in community.compounds:
                    self._compound_orgs(city, compound, id(compound) in second, plan.joint_share, rng)

        # central households: in buildings with members, more often where a group meets
        buildings = [b for c in compounds for b in c.buildings]
        central = split_exact(
            rng, plan.central_households, len(buildings), highs=[b.members for b in buildings],
            weights=[(3.0 if b.has_group else 1.0) * (b.members + 0.01) for b in buildings],
        )
        for b, n in zip(buildings, central):
            b.central = n

    @staticmethod
    def _pick_second_branches(compounds, count, rng) -> set:
        eligible = [c for c in compounds if len(c.buildings) >= 2]
        if count > len(eligible):
            raise DemoDataError(
                _("需要 %(n)d 个至少两栋楼的小区来设第二个党支部，只有 %(m)d 个。") % {"n": count, "m": len(eligible)}
            )
        eligible.sort(key=lambda c: (-len(c.buildings), rng.random()))
        # mostly the larger compounds, with some chance for the others
        head = eligible[: max(count, int(count * 1.5))]
        return {id(c) for c in rng.sample(head, count)}

    def _compound_orgs(self, city, compound: CompoundSpec, two: bool, joint_share: float, rng) -> None:
        code = compound.area.code
        parent = compound.community.org
        if two:
            labels = ["第一", "第二"]
        elif rng.random() < joint_share:
            labels = ["联合"]
        else:
            labels = [""]
        for i, label in enumerate(labels):
            joint = label == "联合"
            compound.branches.append(self._org(
                city, parent, compound.area, names.compound_branch_name(compound.name, label), f"{code}-{i + 1:02d}",
                OrgKind.BRANCH, OrgCategory.COMPOUND, rng,
                formation=FormationMode.JOINT if joint else FormationMode.SINGLE,
                joint_units=rng.randint(2, 4) if joint else 1, depth=4,
            ))
        # buildings are split between the branches in order; each group belongs to its building's branch;
        # members are split between the branches (three at least each), then among their buildings
        n = len(compound.buildings)
        cut = n // 2 if two else n
        parts = [compound.buildings[:cut], compound.buildings[cut:]] if two else [compound.buildings]
        shares = split_exact(
            rng, compound.members, len(parts), lo=3, weights=[sum(b.households for b in part) for part in parts]
        )
        for part, share in zip(parts, shares):
            for b, count in zip(part, split_exact(rng, share, len(part), weights=[b.households for b in part])):
                b.members = count
        for i, b in enumerate(compound.buildings):
            b.branch = compound.branches[0 if i < cut else 1]
            if b.has_group:
                b.group = self._org(
                    city, b.branch, b.area, f"{compound.name}{i + 1}号楼党小组", f"{b.area.code}-01",
                    OrgKind.GROUP, OrgCategory.BUILDING_GROUP, rng, depth=5,
                )

    def _organ_branches(self, city, parent, area, place, organs, total, rng, depth) -> dict:
        if total <= 0:
            return {}
        organs = list(organs[: min(len(organs), total)])
        sizes = split_exact(rng, total, len(organs), lo=1, weights=[6 if "公安" in o or "医院" in o or "教育" in o else 1
                                                                     for o in organs])
        out = {}
        serial = 0
        for organ, size in zip(organs, sizes):
            branches = []
            for k in range(size):
                serial += 1
                label = f"{place}{organ}机关党支部" if size == 1 else f"{place}{organ}第{names.cn_number(k + 1)}党支部"
                branches.append(self._org(
                    city, parent, area, label, f"{area.code}-J{serial:04d}", OrgKind.BRANCH, OrgCategory.ORGAN, rng,
                    depth=depth,
                ))
            out[f"{place}{organ}"] = branches
        return out

    def write_orgs(self, city: CitySpec) -> None:
        nodes = [o for depth in sorted(city.orgs_by_depth) for o in city.orgs_by_depth[depth]]
        self.next_org_tree = assign_tree_fields(nodes, first_tree_id=self.next_org_tree)
        with PartyOrg.objects.disable_mptt_updates():
            for depth in sorted(city.orgs_by_depth):
                batch = city.orgs_by_depth[depth]
                for org in batch:
                    org.parent_id = org._bulk_parent.pk if org._bulk_parent is not None else None
                    org.area_id = org._demo_area.pk
                PartyOrg.objects.bulk_create(batch, batch_size=BATCH_SIZE)
                self.counts["orgs"] += len(batch)
                for org in batch:
                    self.counts[f"orgs_{org.kind}_{org.category}"] += 1

    # --------------------------------------------------------------- members
    def write_members(self, city: CitySpec, rng) -> None:
        self.led = set()
        today = self.today
        codes = [d.plan.code for d in city.districts]
        used_ids: set[int] = set()
        writer = self.writer
        person_name = names.person_name
        mobile_prefixes = names.MOBILE_PREFIXES
        employers = self._employers(city)
        ages = (20, 30, 40, 50, 60, 70, 80, 90)
        # the standard fields draw from their own generator: the rest of the roster stays as it was
        profile_rng = random.Random(f"{self.seed}-profile-{'-'.join(codes)}")
        profile = member_profile
        age_weights = (5, 8, 10, 13, 17, 22, 18, 7)
        for compound in city.compounds:
            district_code = compound.community.district.plan.code
            community_org = compound.community.org
            for branch in compound.branches:
                position = 0
                buildings = [b for b in compound.buildings if b.branch is branch]
                size = sum(b.members for b in buildings)
                committee = (1 + rng.randint(2, 4)) if size >= 9 else (2 if size >= 5 and rng.random() < 0.5 else 1)
                for b in buildings:
                    ids_here = []
                    for _member in range(b.members):
                        mid = self.next_member_id
                        self.next_member_id += 1
                        gender = "M" if rng.random() < 0.62 else "F"
                        if position < committee:  # secretaries and committee members: 35 to 68
                            years = rng.randint(35, 68)
                        else:
                            band = rng.choices(ages, weights=age_weights)[0]
                            years = rng.randint(band - 9 if band > 20 else 20, band)
                        birth = today - timedelta(days=365 * years + rng.randrange(365))
                        if position == 0:
                            role = OrgRole.SECRETARY
                            self.secretaries.append((branch.pk, mid))
                            if community_org.pk not in self.led:  # 交叉任职: also the community's secretary
                                self.led.add(community_org.pk)
                                self.secretaries.append((community_org.pk, mid))
                        elif position == 1 and committee >= 2:
                            role = OrgRole.DEPUTY_SECRETARY
                        elif position < committee:
                            role = OrgRole.COMMITTEE_MEMBER
                        else:
                            role = OrgRole.MEMBER
                        position += 1
                        probationary = role == OrgRole.MEMBER and rng.random() < 0.053
                        adult = birth + timedelta(days=365 * 18 + 5)
                        if probationary:
                            joined = today - timedelta(days=rng.randint(20, 355))
                            full_on = None
                        else:
                            joined = random_date(rng, adult, today - timedelta(days=400))
                            full_on = joined + timedelta(days=365)
                        age = (today - birth).days // 365
                        in_service = age < 60 and rng.random() < 0.58
                        employer, employer_org = (rng.choice(employers) if in_service else ("", None))
                        prefix6 = district_code if rng.random() < 0.85 else rng.choice(codes)
                        for attempt in range(100):
                            if attempt >= 50:  # that birthday is crowded in this district: another one
                                prefix6 = rng.choice(codes)
                            seq = rng.randrange(500) * 2 + (1 if gender == "M" else 0)
                            idn = id_number(prefix6, birth, seq)
                            key = int(idn[:17])
                            if key not in used_ids:
                                used_ids.add(key)
                                break
                        else:
                            raise DemoDataError(_("无法生成不重复的身份证号。"))
                        phone = rng.choice(mobile_prefixes) + unique_digits(mid, self.phone_offset)
                        writer.add((
                            mid, person_name(rng, gender, birth.year), gender, birth, joined, full_on,
                            MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
                            branch.pk, role, b.area.pk, in_service, employer,
                            employer_org.pk if employer_org is not None else None, phone, idn,
                            *profile(profile_rng, age, in_service),
                        ))
                        ids_here.append(mid)
                        if b.group is not None and role != OrgRole.SECRETARY and b.group.pk not in self.led:
                            self.led.add(b.group.pk)  # the first resident member leads the building's group
                            self.secretaries.append((b.group.pk, mid))
                    for mid in rng.sample(ids_here, b.central):
                        linked = min(len(b.rooms), rng.randint(5, 15))
                        rooms = ", ".join(sorted(rng.sample(b.rooms, linked)))
                        writer.add_central(mid, b.area.pk, linked, rooms, random_date(
                            rng, today - timedelta(days=3 * 365), today - timedelta(days=30)))

    def _employers(self, city: CitySpec) -> list[tuple]:
        """(employer name, its organization or None): organs with their branches, and enterprises."""
        out = []
        for organ, branches in city.organ_branches.items():
            out.extend([(organ, b) for b in branches[:3]])
        for district in city.districts:
            for organ, branches in district.organ_branches.items():
                out.append((organ, branches[0]))
        fill = {"city": city.plan.name, "city_short": city.plan.short}
        enterprises = [(template.format(**fill), None) for template in names.ENTERPRISES]
        # about half the in-service members work in organs and institutions, half in enterprises
        return out + enterprises * max(1, len(out) // len(enterprises))

    # ----------------------------------------------------------------- units
    def write_units(self, city: CitySpec, rng) -> None:
        units = []
        plan = city.plan
        fill_base = {"city": plan.name, "city_short": plan.short}
        for district in city.districts:
            if not district.communities:
                continue
            used = set()
            organs = list(district.organ_branches.items())
            for i in range(plan.units_per_district):
                community = rng.choice(district.communities)
                party_org = None
                if organs and i % 6 == 0:
                    name, branches = organs[(i // 6) % len(organs)]
                    kind, party_org = ResidentUnitKind.ORGAN, branches[0]
                else:
                    kind, template = rng.choice(names.RESIDENT_UNIT_TEMPLATES)
                    name = template.format(
                        district=district.plan.name, street=community.street_name, community=community.name,
                        word=rng.choice(names.PLACE_WORDS), n=names.cn_number(rng.randint(1, 30)), **fill_base,
                    )
                if name in used:
                    continue
                used.add(name)
                units.append(ResidentUnit(
                    name=name, kind=kind, community_id=community.area.pk, party_org=party_org,
                    address=community.area.address,
                    contact_name=names.person_name(rng, rng.choice("MF"), rng.randint(1965, 1995)),
                    contact_phone=f"{rng.choice(names.MOBILE_PREFIXES)}{rng.randrange(10**8):08d}",
                ))
        ResidentUnit.objects.bulk_create(units, batch_size=BATCH_SIZE)
        self.counts["units"] += len(units)

    # ----------------------------------------------------------- secretaries
    def assign_secretaries(self) -> None:
        """Write PartyOrg.secretary for the (organization, member) pairs noted while the members
        were generated: one COPY + one UPDATE … FROM on PostgreSQL, one executemany elsewhere."""
        pairs = self.secretaries
        if not pairs:
            return
        table = connection.ops.quote_name(PartyOrg._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("CREATE TEMPORARY TABLE demo_secretary (org_id bigint PRIMARY KEY, member_id bigint)")
                cursor.copy_expert("COPY demo_secretary FROM STDIN", io.StringIO("".join(f"{o}\t{m}\n" for o, m in pairs)))
                cursor.execute(
                    f"UPDATE {table} SET secretary_id = s.member_id FROM demo_secretary s "  # noqa: S608
                    f"WHERE {table}.id = s.org_id"
                )
                cursor.execute("DROP TABLE demo_secretary")
            else:
                cursor.executemany(
                    f"UPDATE {table} SET secretary_id = %s WHERE id = %s",  # noqa: S608 - name from model meta
                    [(m, o) for o, m in pairs],
                )
        self.secretaries = []

    def analyze(self) -> None:
        """Fresh planner statistics after a bulk load (PostgreSQL), so the checks that follow
        and the first page views get sensible plans."""
        tables = ", ".join(
            connection.ops.quote_name(m._meta.db_table) for m in (Area, PartyOrg, Member, CentralHousehold, ResidentUnit)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")


# ------------------------------------------------------------------------------ flush
def demo_trees() -> tuple[list[int], list[int]]:
    """Area and organization tree ids of the demo data: an area tree rooted at a demo city code
    whose city committee carries the generator's code (``<city code>-01``), and the organization
    trees rooted in such an area tree.  Real data loaded with real division codes does not
    match (its organizations have their own codes)."""
    roots = PartyOrg.objects.filter(
        parent__isnull=True, code__in=[f"{code}-01" for code in DEMO_ROOT_CODES],
        area__parent__isnull=True, area__code__in=DEMO_ROOT_CODES,
    ).values_list("area__tree_id", flat=True)
    area_trees = sorted(set(roots))
    org_trees = list(
        PartyOrg.objects.filter(parent__isnull=True, area__tree_id__in=area_trees).values_list("tree_id", flat=True)
    )
    return area_trees, org_trees


def delete_set(queryset, *, keep_self: str | None = None) -> int:
    """Delete the rows of ``queryset`` set-based, honouring every relation's ``on_delete``
    the way Django's collector would, but with subqueries instead of lists of keys:
    CASCADE deletes the referring rows (recursively), SET_NULL clears them, PROTECT and
    RESTRICT stop with a ``DemoDataError`` naming what refers to the data, DO_NOTHING is
    left to the database.  ``keep_self`` names a self-referencing field whose rows go in the
    same statement (a whole tree).  No model instances are loaded (there are no delete signals
    on these models)."""
    from django.db import models

    model = queryset.model
    keys = queryset.order_by().values("pk")
    for rel in get_candidate_relations_to_delete(model._meta):
        field = rel.field
        if rel.related_model is model and field.name == keep_self:
            continue
        related = rel.related_model._base_manager.filter(**{f"{field.name}__in": keys})
        handler = rel.on_delete
        if rel.related_model is model:
            # Another self-reference (e.g. a rectification's problem): the rows of the set go in
            # the one DELETE below; only rows outside it that point in need their own pass.
            # Checking first ends the recursion, which would otherwise nest subqueries forever.
            related = related.exclude(pk__in=keys)
            if not related.exists():
                continue
        if handler is models.CASCADE:
            delete_set(related)
        elif handler is models.SET_NULL:
            related.update(**{field.name: None})
        elif handler is models.SET_DEFAULT:
            related.update(**{field.name: field.get_default()})
        elif handler is models.DO_NOTHING:
            continue
        elif related.exists():  # PROTECT, RESTRICT or a custom handler: refuse rather than guess
            raise DemoDataError(
                _("%(what)s仍引用演示数据中的%(target)s，无法清除。") % {
                    "what": rel.related_model._meta.verbose_name, "target": model._meta.verbose_name,
                }
            )
    sql, params = keys.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({sql})", params)  # noqa: S608 - compiled by Django
        return cursor.rowcount


def flush_demo_data() -> dict:
    """Remove the demo trees and everything hanging on them (members, central households,
    resident units, grants, and other modules' rows that cascade).  Rows of other modules that
    protect the demo data stop the flush with a ``DemoDataError``; nothing is removed then."""
    counts = {}
    with transaction.atomic():
        lock_tree_writes(Area)
        lock_tree_writes(PartyOrg)
        area_trees, org_trees = demo_trees()
        if not area_trees:
            return counts
        PartyOrg.objects.filter(tree_id__in=org_trees).update(secretary=None)
        counts["members"] = delete_set(
            Member.objects.filter(Q(residence__tree_id__in=area_trees) | Q(organization__tree_id__in=org_trees))
        )
        counts["units"] = delete_set(ResidentUnit.objects.filter(community__tree_id__in=area_trees))
        counts["orgs"] = delete_set(PartyOrg.objects.filter(tree_id__in=org_trees), keep_self="parent")
        counts["areas"] = delete_set(Area.objects.filter(tree_id__in=area_trees), keep_self="parent")
    return counts


# --------------------------------------------------------------------------- accounts
@dataclass
class DemoAccount:
    username: str
    role: str
    display: str
    node: Area


def demo_password() -> str:
    """``settings.DEMO_PASSWORD``, checked against the password policy like every other
    password (``DemoDataError`` in Chinese if it fails)."""
    password = getattr(settings, "DEMO_PASSWORD", "") or "dangjian-demo"
    try:
        validate_password(password)
        for username in DEMO_USERNAMES:
            validate_password(password, get_user_model()(username=username))
    except ValidationError as exc:
        raise DemoDataError(_("DEMO_PASSWORD 不符合密码规则：%(why)s") % {"why": " ".join(exc.messages)}) from exc
    return password


DEMO_USERNAMES = ("admin", "district", "street", "community", "grid", "member", "member2", "department", "unit")
# The demo's stand-in for a resident unit without one in the demo community (kept across runs).
DEMO_UNIT_NAME = "社区物业服务中心"


def _demo_members(community, district) -> tuple[Member, Member]:
    """The two member accounts' records: ``member`` an in-service member (在职党员) of the
    community whose employer is a registered party organization, so it can report in (报到)
    and its quarterly sheet goes to that organization; ``member2`` another member of the
    community (two members, so they can race for one wish).  Both plain full members."""
    residents = (
        Member.objects.residing_within(community).filter(org_role=OrgRole.MEMBER, status=MemberStatus.FULL)
        .order_by("pk")
    )
    member = residents.filter(in_service=True, employer_org__isnull=False).first() or residents.first()
    if member is None:
        raise DemoDataError(_("社区“%(name)s”没有可关联演示账号的党员。") % {"name": community.name})
    if not member.in_service or member.employer_org_id is None:
        employer = (
            PartyOrg.objects.filter(
                subtree_q(district, "area"),
                category__in=(OrgCategory.ORGAN, OrgCategory.INSTITUTION, OrgCategory.ENTERPRISE),
            ).order_by("pk").first()
        )
        if employer is None:
            raise DemoDataError(_("“%(name)s”没有机关或企业党组织，演示党员无法登记工作单位。") % {"name": district.name})
        Member.objects.filter(pk=member.pk).update(in_service=True, employer=employer.name[:120], employer_org=employer)
        member.in_service, member.employer_org = True, employer
    second = residents.exclude(pk=member.pk).first()
    if second is None:
        raise DemoDataError(_("社区“%(name)s”只有一名党员，无法建立第二个党员演示账号。") % {"name": community.name})
    return member, second


def _demo_unit(community) -> ResidentUnit:
    """The resident unit (驻区单位) the ``unit`` account answers whistles for: the community's
    first, or a stand-in created once."""
    unit = ResidentUnit.objects.filter(community=community).order_by("pk").first()
    if unit is None:
        unit, _created = ResidentUnit.objects.get_or_create(
            community=community, name=DEMO_UNIT_NAME,
            defaults={"kind": ResidentUnitKind.PRIVATE_ENTERPRISE, "address": community.address or ""},
        )
    return unit


def ensure_demo_accounts(city_code: str) -> list[DemoAccount]:
    """Create or update the demo accounts on the city rooted at ``city_code``; idempotent.
    The ``unit`` account's resident unit is ``DemoAccount.node``'s ``unit`` (see
    ``demo_unit_of``); the whistle apps make it a responder (``services.whistles.demo``)."""
    password = demo_password()
    city = Area.objects.get(parent__isnull=True, code=city_code)
    district = Area.objects.filter(parent=city).order_by("code").first()
    street = Area.objects.filter(parent=district).order_by("code").first()
    community = Area.objects.filter(parent=street).order_by("code").first()
    compound = Area.objects.filter(parent=community).order_by("code").first()
    member, member2 = _demo_members(community, district)
    unit = _demo_unit(community)
    accounts = [
        DemoAccount("admin", Role.ADMIN, _("系统管理员"), city),
        DemoAccount("district", Role.DISTRICT, _("%(city)s委组织部") % {"city": city.name}, city),
        DemoAccount("street", Role.STREET, _("%(street)s党工委") % {"street": street.name}, street),
        DemoAccount("community", Role.COMMUNITY, _("%(community)s工作人员") % {"community": community.name}, community),
        DemoAccount("grid", Role.GRID, _("%(compound)s网格员") % {"compound": compound.name}, compound),
        DemoAccount("member", Role.MEMBER, member.name, community),
        DemoAccount("member2", Role.MEMBER, member2.name, community),
        DemoAccount("department", Role.DEPARTMENT, f"{district.name}{names.DEPARTMENT_SHORT_NAME}", district),
        DemoAccount("unit", Role.DEPARTMENT, unit.name, community),
    ]
    User = get_user_model()
    # One hash for all the accounts (same password): hashing is deliberately slow.
    hashed = make_password(password)
    linked = {"member": member, "member2": member2}
    for account in accounts:
        user, _created = User.objects.get_or_create(username=account.username)
        user.first_name = account.display[:150]
        user.is_active = True
        user.is_superuser = user.is_staff = account.username == "admin"
        user.password = hashed
        user.save()
        Grant.objects.filter(user=user).delete()
        Grant.objects.create(user=user, role=account.role, area=account.node, note=_("演示账号"))
        if account.username in linked:
            record = linked[account.username]
            Member.objects.filter(user=user).exclude(pk=record.pk).update(user=None)
            Member.objects.filter(pk=record.pk).update(user=user)
    return accounts


def demo_unit_of(community) -> ResidentUnit:
    """The resident unit of the ``unit`` demo account in ``community`` (after ``ensure_demo_accounts``)."""
    return _demo_unit(community)


def demo_roots_present() -> list[str]:
    area_trees, _org_trees = demo_trees()
    return list(
        Area.objects.filter(parent__isnull=True, tree_id__in=area_trees).order_by("tree_id").values_list("name", flat=True)
    )


def conflicting_roots(plans: list[CityPlan]) -> list[str]:
    """Existing top-level areas that would clash with the plans' city names or codes."""
    return list(
        Area.objects.filter(parent__isnull=True)
        .filter(**{"name__in": [p.name for p in plans]})
        .values_list("name", flat=True)
    ) + list(Area.objects.filter(code__in=[p.code for p in plans]).values_list("name", flat=True))
