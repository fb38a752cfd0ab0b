"""Date bounds in form definitions: an ISO date, or ``today`` shifted by days/months/years."""

from __future__ import annotations

import calendar
import re
from datetime import date

_RELATIVE = re.compile(r"^today(?:([+-])(\d{1,4})([dmy]))?$")


class DateBoundError(ValueError):
    """A ``min_date``/``max_date`` that is neither ISO nor ``today±N(d|m|y)``."""

    def __init__(self, text: str) -> None:
        super().__init__(
            f"{text!r} is not a date bound (use YYYY-MM-DD, today, today-18y, today+30d, today+6m)"
        )
        self.text = text


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def resolve_bound(text: str, today: date) -> date:
    """Turn a bound from a definition into a date, relative to ``today``."""
    match = _RELATIVE.match(text)
    if match:
        sign, amount, unit = match.groups()
        if sign is None:
            return today
        n = int(amount) * (1 if sign == "+" else -1)
        try:
            if unit == "d":
                return date.fromordinal(today.toordinal() + n)
            return add_months(today, n * (12 if unit == "y" else 1))
        except (OverflowError, ValueError):
            raise DateBoundError(text) from None
    try:
        return date.fromisoformat(text) if len(text) == 10 else _bad(text)
    except ValueError:
        raise DateBoundError(text) from None


def _bad(text: str) -> date:
    raise DateBoundError(text)


def check_bound(text: str) -> None:
    """Raise DateBoundError if ``text`` cannot be resolved (checked at load)."""
    resolve_bound(text, date(2000, 1, 1))


def bounds(min_date: str | None, max_date: str | None, today: date) -> tuple[date, date]:
    """The first and last date a field accepts today (open ends become 1900 and 2100)."""
    low = resolve_bound(min_date, today) if min_date else date(1900, 1, 1)
    high = resolve_bound(max_date, today) if max_date else date(2100, 12, 31)
    return low, high


def clamp(day: date, low: date, high: date) -> date:
    return max(low, min(day, high))


def step(day: date, unit: str, delta: int) -> date:
    """``day`` moved by ``delta`` days, months or years (``"d"``, ``"m"``, ``"y"``);
    the day of month is kept where the target month has it, else its last day."""
    if unit == "d":
        return date.fromordinal(day.toordinal() + delta)
    if unit in ("m", "y"):
        return add_months(day, delta * (12 if unit == "y" else 1))
    raise ValueError(f"unit {unit!r} is not d, m or y")
