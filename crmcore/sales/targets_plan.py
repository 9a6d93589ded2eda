"""Targets for a period and for a year: a derived target and the SMART decomposition (目标分解).

When the company gives no target, :func:`derive_target` sets one from the same days last year (or the
history's pace) plus growth; :func:`decompose_target` splits a year's target across units (regions, stores),
months and days so that every level adds up, and :func:`smart_plan` runs both on any transactions and says
which fallbacks the data forced.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.errors import DataError, DomainError, ParameterError
from crmcore.results import Result
from crmcore.sales import targets_plots
from crmcore.sales.targets_checks import (allocate, as_daily, as_date, check_amount, check_missing, check_round_to,
                                          complete_days)
from crmcore.sales.targets_text import COLUMNS, LABELS, RESULT_COLUMNS, derived_target_sentences, plan_sentences
from crmcore.sales.targets_tracking import daily_targets
from crmcore.sales.targets_weights import WeightIndex, check_weights, daily_sales, sales_by

__all__ = ["COLUMNS", "LABELS", "DerivedTarget", "TargetPlan", "decompose_target", "derive_target", "smart_plan"]


def derive_target(daily_sales: Any, start: Any, end: Any, weights: WeightIndex, *, growth: float = 0.10,
                  missing: str = "zero") -> DerivedTarget:
    """A target for the days ``start``..``end`` when the company has not given one.

    If the data cover the same days one year earlier completely: their sales × (1 + ``growth``)
    (the same-period-last-year plan of comparison analysis). Otherwise the history's pace:
    u = Σ sales ÷ Σ day weights over the weights' history period, times the weight of the days
    (Σ w_d), × (1 + ``growth``) — what the period would sell at last year's pace, adjusted for its
    weekday mix.
    """
    wi = check_weights(weights)
    lo, hi = as_date(start, "start"), as_date(end, "end")
    try:
        g = float(growth)
    except (TypeError, ValueError):
        raise ParameterError(f"growth={growth!r} is not a number like 0.10.") from None
    if not np.isfinite(g) or g <= -1:
        raise ParameterError(f"growth={growth!r} must be a number above -1 (e.g. 0.10 for +10%).")
    s = as_daily(daily_sales)
    b_lo, b_hi = lo - pd.DateOffset(years=1), hi - pd.DateOffset(years=1)
    if not s.empty and s.index.min() <= b_lo and s.index.max() >= b_hi:
        full, _ = complete_days(s.loc[b_lo:b_hi], b_lo, b_hi, check_missing(missing), "daily_sales")
        base = float(full.sum())
        if base > 0:
            return DerivedTarget(value=base * (1 + g), basis="last_year", start=lo, end=hi, base=base, growth=g,
                                 base_start=b_lo, base_end=b_hi)
    if wi.start is None:
        raise DataError("the weights were given, not estimated, so they carry no history pace; give the target.")
    t = wi.table
    hist_weight = float((t["days"] * t["day_weight"]).sum())
    u = wi.total_sales / hist_weight
    W = float(wi.day_weights(lo, hi).sum())
    return DerivedTarget(value=u * W * (1 + g), basis="pace", start=lo, end=hi, base=u * W, growth=g,
                         base_start=wi.start, base_end=wi.end, unit_value=u, weight=W)


def decompose_target(annual_target: float, year: int, weights: WeightIndex, *, by: str = "weights",
                     history: Any = None, shares: Mapping[str, float] | pd.Series | None = None,
                     round_to: float | None = None, missing: str = "error", value: str = "revenue") -> TargetPlan:
    """SMART decomposition of an annual target: (units →) months → days.

    Parameters
    ----------
    by : how the year is split into months. "weights" — by month weight index (the month's share
        of the year's total weight); "last_year" — by each month's share of last year's sales
        (``history``: daily sales covering all of ``year - 1``).
    shares : optional unit → share (regions, stores...), summing to 1; the year's target is split
        across them first, then each unit's target into months and days.
    round_to : rounding unit of every part (0.01 = cents); each level adds up exactly to its parent.
    """
    T = check_amount(annual_target, "annual_target")
    wi = check_weights(weights)
    r = check_round_to(round_to)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ParameterError(f"year={year!r} is not a year like 2026.") from None
    if by == "weights":
        mw = wi.month_weights(year)
        month_share = mw["month_weight"].to_numpy()
    elif by == "last_year":
        if history is None:
            raise ParameterError("by='last_year' needs history=: the daily sales of last year.")
        missing = check_missing(missing)
        s = as_daily(history, value=value, name="history")
        last = year - 1
        months_present = set(s.loc[s.index.year == last].index.month)
        absent = [m for m in range(1, 13) if m not in months_present]
        if absent:
            raise DataError(
                f"history: {len(absent)} month(s) of {last} have no sales history "
                f"({', '.join(f'{last}-{m:02d}' for m in absent[:5])}), so last year's shares cannot be used; "
                "pass history covering the whole year or use by='weights'."
            )
        full, _ = complete_days(s.loc[s.index.year == last], pd.Timestamp(last, 1, 1), pd.Timestamp(last, 12, 31),
                            missing, "history")
        month_share = full.groupby(full.index.month).sum().reindex(range(1, 13)).to_numpy()
        mw = wi.month_weights(year)
    else:
        raise ParameterError(f"by={by!r}: use 'weights' (month weight index) or 'last_year' (last year's shares).")
    if shares is None:
        units = {"": 1.0}
    else:
        sh = pd.Series(shares, dtype=float)
        if sh.empty or (sh < 0).any() or not np.isclose(sh.sum(), 1.0, atol=1e-9):
            raise DomainError(f"shares must be ≥ 0 and sum to 1; they sum to {sh.sum():.6g} ({dict(sh)!r}). "
                              "Divide each by their total.")
        units = dict(sh)
    unit_targets = allocate(T, np.array(list(units.values())), r, "annual target across units")
    rows, mrows = [], []
    for (unit, _), ut in zip(units.items(), unit_targets):
        m_targets = allocate(ut, month_share, r, f"{unit or 'annual'} target across months")
        for m, mt in zip(range(1, 13), m_targets):
            dt = daily_targets(mt, f"{year}-{m:02d}", wi, round_to=r)
            d = dt.table[["date", "weekday", "day_weight", "target"]].copy()
            d.insert(0, "month", f"{year}-{m:02d}")
            if shares is not None:
                d.insert(0, "unit", unit)
            rows.append(d)
            mr = {"month": f"{year}-{m:02d}", "month_weight": dt.month_weight, "target": mt}
            if shares is not None:
                mr = {"unit": unit, **mr}
            mrows.append(mr)
    months = pd.DataFrame(mrows)
    months["share_of_year"] = np.tile(month_share / month_share.sum(), len(units))
    return TargetPlan(table=pd.concat(rows, ignore_index=True), months=months, annual_target=T, year=year, by=by,
                      round_to=r, unit_shares=None if shares is None else units)


def smart_plan(tx: Any, year: int, weights: WeightIndex, *, annual_target: float = 0.0, growth: float = 0.10,
               units: Sequence[str] = ("region", "channel"), missing: str = "zero",
               round_to: float | None = 0.01) -> tuple[TargetPlan, DerivedTarget | None]:
    """The SMART decomposition a report can run on any transactions, with its fallbacks stated.

    * the annual target: ``annual_target``, or (0) :func:`derive_target` over the year;
    * units: the first column of ``units`` the data have (shares of last year's sales, or of the
      weights' history period when last year is not fully in the data); none if the data have none;
    * months: last year's monthly shares when the data cover all of last year, else month weights.

    Returns the plan (its ``interpret`` says which choices were made) and the derived target or None.
    """
    daily = daily_sales(tx)
    y0, y1 = pd.Timestamp(int(year), 1, 1), pd.Timestamp(int(year), 12, 31)
    notes: list = []
    derived = None
    if not annual_target:
        derived = derive_target(daily, y0, y1, weights, growth=growth, missing=missing)
        annual_target = derived.value
    if round_to:
        annual_target = round(float(annual_target) / round_to) * round_to
    ly0, ly1 = y0 - pd.DateOffset(years=1), y1 - pd.DateOffset(years=1)
    full_last_year = daily.index.min() <= ly0 and daily.index.max() >= ly1
    unit = next((u for u in units if isinstance(tx, pd.DataFrame) and u in tx.columns), None)
    shares = None
    if unit is not None:
        lo, hi = (ly0, ly1) if full_last_year else (weights.start, weights.end)
        per_unit = sales_by(tx, by=unit, start=lo, end=hi)
        per_unit = per_unit[per_unit > 0]
        if per_unit.sum() > 0:
            shares = per_unit / per_unit.sum()
            notes.append(("say_plan_units", {"by": unit, "n": len(shares), "s": lo.date(), "e": hi.date()}))
            if unit != units[0]:
                notes.append(("say_plan_unit_fallback", {"first": units[0], "by": unit}))
    else:
        notes.append(("say_plan_no_units", {"cols": ", ".join(units)}))
    if full_last_year:
        plan = decompose_target(annual_target, year, weights, by="last_year", history=daily, shares=shares,
                                round_to=round_to, missing=missing)
        notes.append(("say_plan_months_last_year", {"ly": year - 1}))
    else:
        plan = decompose_target(annual_target, year, weights, by="weights", shares=shares, round_to=round_to)
        notes.append(("say_plan_months_weights", {"ly": year - 1}))
    return dataclasses.replace(plan, notes=tuple(notes), unit=unit if shares is not None else None), derived


@dataclass(frozen=True, eq=False, repr=False)
class DerivedTarget(Result):
    """A target derived from the data when none is given: a base × (1 + growth), and how it was made."""

    value: float
    basis: str  # "last_year" (the same days a year earlier) or "pace" (history's sales per unit of weight)
    start: pd.Timestamp
    end: pd.Timestamp
    base: float
    growth: float
    base_start: pd.Timestamp | None = None
    base_end: pd.Timestamp | None = None
    unit_value: float | None = None
    weight: float | None = None
    title: str = "Derived target (推算目标)"
    _conventions = ("basis", "growth")
    _columns = RESULT_COLUMNS

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"start": self.start, "end": self.end, "basis": self.basis, "base": self.base,
                              "growth": self.growth, "target": self.value}])

    def interpret(self, lang: str = "en") -> list[str]:
        return derived_target_sentences(self, lang)


@dataclass(frozen=True, eq=False, repr=False)
class TargetPlan(Result):
    """An annual target broken down to units (optional), months and days; every level adds up."""

    table: pd.DataFrame
    months: pd.DataFrame
    annual_target: float
    year: int
    by: str
    round_to: float | None = None
    unit_shares: dict | None = None
    notes: tuple = ()
    unit: str | None = None
    title: str = "Target decomposition (目标分解)"
    _conventions = ("by", "round_to")

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def plot(self, ax=None, lang: str = "en"):
        """The year's target per month (all units together), as bars."""
        return targets_plots.plot_plan_months(self, ax=ax, lang=lang)

    def interpret(self, lang: str = "en") -> list[str]:
        """How the year was split (and why, when the data forced a fallback), from :func:`smart_plan`."""
        return plan_sentences(self, lang)
