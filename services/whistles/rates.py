"""三率 (response, resolution and satisfaction rates) and their weighted composite.

Pure arithmetic on plain counts — no database — so whistles, resident requests and the
scoring rubric all compute the same figures.  Callers count their rows set-based and
pass a :class:`RateCounts`:

``total``
    the items (whistle targets, requests …) that are due in the period;
``responded``
    those answered (报到 / 接单) within the response deadline;
``resolved``
    those confirmed resolved (确认办结);
``satisfied`` / ``basic`` / ``unsatisfied``
    the ratings given (满意 / 基本满意 / 不满意).

Definitions:

* 响应率 = responded / total — reported in within the deadline, over all targets;
* 解决率 = resolved / total — confirmed resolved, over all targets due;
* 满意率 = (satisfied × 1 + basic × 0.9 + unsatisfied × 0) / rated — over the rated ones;
* 综合 = Σ weight × rate over the rates that exist, divided by the sum of those weights
  (a rate with an empty denominator is None — shown as “—” — and drops out of the
  composite instead of counting as 0).

Every figure is a ``Decimal`` ratio between 0 and 1 rounded half-up to 4 places
(``Decimal("0.9550")`` is 95.50%).  The weighting is 10/50/40 by default (响应率 10%,
解决率 50%, 满意率 40%); ``settings.SANLV_WEIGHTING = "30-35-35"`` selects the other
common variant.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PLACES = Decimal("0.0001")
BASIC_WEIGHT = Decimal("0.9")
DEFAULT_WEIGHTING = "10-50-40"

# name → (response, resolution, satisfaction) weights, each summing to 1.
WEIGHTINGS = {
    "10-50-40": (Decimal("0.10"), Decimal("0.50"), Decimal("0.40")),
    "30-35-35": (Decimal("0.30"), Decimal("0.35"), Decimal("0.35")),
}
WEIGHTING_LABELS = {
    "10-50-40": "响应率10%·解决率50%·满意率40%",
    "30-35-35": "响应率30%·解决率35%·满意率35%",
}


@dataclass(frozen=True)
class RateCounts:
    total: int = 0
    responded: int = 0
    resolved: int = 0
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0

    @property
    def rated(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    def __add__(self, other):
        if not isinstance(other, RateCounts):
            return NotImplemented
        return RateCounts(
            total=self.total + other.total, responded=self.responded + other.responded,
            resolved=self.resolved + other.resolved, satisfied=self.satisfied + other.satisfied,
            basic=self.basic + other.basic, unsatisfied=self.unsatisfied + other.unsatisfied,
        )


def _round(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def _ratio(numerator, denominator):
    if not denominator:
        return None
    return _round(Decimal(numerator) / Decimal(denominator))


def response_rate(c: RateCounts):
    """响应率: reported in within the deadline over all targets (None when there are none)."""
    return _ratio(c.responded, c.total)


def resolution_rate(c: RateCounts):
    """解决率: confirmed resolved over all targets due (None when there are none)."""
    return _ratio(c.resolved, c.total)


def satisfaction_rate(c: RateCounts):
    """满意率: 满意 1, 基本满意 0.9, 不满意 0, over the rated ones (None when none is rated)."""
    if not c.rated:
        return None
    return _round((Decimal(c.satisfied) + BASIC_WEIGHT * c.basic) / Decimal(c.rated))


def default_weighting() -> str:
    """The weighting named by ``settings.SANLV_WEIGHTING`` (an unknown name falls back to 10/50/40)."""
    from django.conf import settings

    name = getattr(settings, "SANLV_WEIGHTING", DEFAULT_WEIGHTING)
    return name if name in WEIGHTINGS else DEFAULT_WEIGHTING


def weights(weighting=None):
    """``(response, resolution, satisfaction)`` weights of a weighting name or an explicit triple."""
    if weighting is None:
        weighting = default_weighting()
    if isinstance(weighting, str):
        try:
            return WEIGHTINGS[weighting]
        except KeyError:
            raise ValueError(f"unknown 三率 weighting {weighting!r}; expected one of {sorted(WEIGHTINGS)}") from None
    triple = tuple(Decimal(str(w)) for w in weighting)
    if len(triple) != 3 or any(w < 0 for w in triple):
        raise ValueError("a 三率 weighting is three non-negative weights")
    return triple


def composite_rate(c: RateCounts, weighting=None):
    """The weighted composite of the three rates, renormalized over those that are not None."""
    rates = (response_rate(c), resolution_rate(c), satisfaction_rate(c))
    pairs = [(w, r) for w, r in zip(weights(weighting), rates, strict=True) if r is not None and w > 0]
    total_weight = sum((w for w, _ in pairs), Decimal(0))
    if not total_weight:
        return None
    return _round(sum((w * r for w, r in pairs), Decimal(0)) / total_weight)


def rates(c: RateCounts, weighting=None) -> dict:
    """All four figures at once: ``{"response", "resolution", "satisfaction", "composite"}``."""
    return {
        "response": response_rate(c),
        "resolution": resolution_rate(c),
        "satisfaction": satisfaction_rate(c),
        "composite": composite_rate(c, weighting),
    }


def as_percent(rate, places=1) -> str:
    """``Decimal("0.9555")`` → ``"95.6%"``; None → ``"—"``."""
    if rate is None:
        return "—"
    quantum = Decimal(1).scaleb(-places) if places else Decimal(1)
    return f"{(rate * 100).quantize(quantum, rounding=ROUND_HALF_UP)}%"
