"""Term arithmetic (任期): the end of a committee's term as a database expression that agrees
with ``PartyOrg.term_ends_on`` (start + ``term_years`` years; 29 February → 28 February of a
common year), and the date six months ahead (month-end safe).

The term's end is computed by the database so that "ends within six months" and "overdue"
are filters of the query (pagination and counts), never a loop over a city's organizations.
"""
import calendar
from datetime import date

from django.db.models import DateField, Func


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` months, clamped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reminder_cutoff(today: date, months: int) -> date:
    """The last end date shown ``months`` months ahead: a term ending on it is reminded today."""
    return add_months(today, months)


class TermEnd(Func):
    """``term_started_on`` + ``term_years`` years, by the database (NULL without a start).

    PostgreSQL adds an interval of years (a 29 February start ends on 28 February of a common
    year); SQLite's ``date(…, '+N years')`` would roll over to 1 March, so that one case is
    moved back a day — the same dates as the model's ``term_ends_on``."""

    output_field = DateField()
    arity = 2

    def __init__(self, start="term_started_on", years="term_years", **extra):
        super().__init__(start, years, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        years, years_params = compiler.compile(self.source_expressions[1])
        return f"(({start}) + make_interval(years => ({years})::integer))::date", [*start_params, *years_params]

    def as_sqlite(self, compiler, connection, **extra):
        start, start_params = compiler.compile(self.source_expressions[0])
        years, years_params = compiler.compile(self.source_expressions[1])
        shifted = f"date({start}, '+' || ({years}) || ' years')"
        sql = (
            f"CASE WHEN strftime('%%m-%%d', {start}) = '02-29' AND strftime('%%m-%%d', {shifted}) = '03-01' "
            f"THEN date({shifted}, '-1 day') ELSE {shifted} END"
        )
        params = [*start_params, *start_params, *years_params, *start_params, *years_params,
                  *start_params, *years_params]
        return sql, params
