"""The data-source view (数据源区域): what the transactions hold, their coverage and quality.

Also the like-for-like bases of notebook 00's comparison analysis (对比分析): complete months only
(:func:`complete_months`), and a plan comparison that refuses a base period that is not a full,
steady year (:func:`plan_comparison`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmcore import engine
from crmcore.door.data import REQUIRED
from crmcore.errors import ParameterError
from crmcore.labels import check_lang, text
from crmcore.results import Result
from crmcore.sales import overview_plots
from crmcore.sales.overview_plots import plot_monthly
from crmcore.sales.overview_text import COLUMNS, LABELS, overview_sentences, plan_comparison_sentences, say

__all__ = ["COLUMNS", "LABELS", "RAMP_UP_FACTOR", "Overview", "PlanComparison", "complete_months", "last_year_window",
           "overview", "plan_comparison", "plot_monthly", "say"]

#: a base year whose active customers grow by at least this factor from its first to its last quarter
#: is a ramp-up (a business still filling up), not a base for a plan
RAMP_UP_FACTOR = 2.0


def overview(tx: pd.DataFrame) -> Overview:
    """Schema table (type, filled, distinct, an example per column), monthly coverage, totals and day gaps."""
    rows = []
    for col in tx.columns:
        s = tx[col]
        ex = s.dropna()
        rows.append({"column": col, "required": col in REQUIRED, "dtype": str(s.dtype),
                     "filled": int(s.notna().sum()), "missing": int(s.isna().sum()),
                     "distinct": int(s.nunique()), "example": str(ex.iloc[0]) if len(ex) else ""})
    schema = pd.DataFrame(rows)
    monthly = engine.periodic_sales(tx, freq="M")
    daily = engine.periodic_sales(tx, freq="D")
    days = pd.date_range(daily["period"].min(), daily["period"].max(), freq="D")
    have = pd.Series(1, index=pd.DatetimeIndex(daily["period"])).reindex(days, fill_value=0)
    missing = have[have == 0]
    run = (have != have.shift()).cumsum()
    gap_lengths = missing.groupby(run[missing.index]).size()
    gaps = {"n": int(len(missing))}
    if len(missing):
        longest = gap_lengths.idxmax()
        gaps.update(gap=int(gap_lengths.max()), gap_end=missing[run[missing.index] == longest].index.max())
    orders = int(tx["order_id"].nunique())
    totals = {"lines": len(tx), "orders": orders, "customers": int(tx["customer_id"].nunique()),
              "start": tx["order_date"].min(), "end": tx["order_date"].max(), "months": len(monthly),
              "revenue": float(tx["amount"].sum()), "aov": float(tx["amount"].sum()) / max(orders, 1)}
    return Overview(schema, monthly, totals, gaps)


def complete_months(tx: pd.DataFrame, asof: Any) -> pd.DataFrame:
    """Monthly sales (``engine.periodic_sales(tx, freq="M")``) of the complete months only.

    A month is complete when the data cover it from its first to its last day: the first month is
    dropped when the data start after its 1st, and every month from ``asof``'s month on is dropped
    (the snapshot's month is still running), and so is a last month the data end inside. Comparing a part month with a whole one misleads.
    """
    monthly = engine.periodic_sales(tx, freq="M")
    if monthly.empty:
        return monthly
    first = pd.Timestamp(tx["order_date"].min()).normalize()
    last = pd.Timestamp(tx["order_date"].max()).normalize()
    cut = pd.Timestamp(asof).to_period("M").to_timestamp()
    keep = (monthly["period"] < cut) & (monthly["period"] + pd.offsets.MonthEnd(0) <= last)
    if first.day != 1:
        keep &= monthly["period"] > first.to_period("M").to_timestamp()
    return monthly.loc[keep].reset_index(drop=True)


def last_year_window(complete: pd.DataFrame, tx: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the last twelve complete months (all complete months if fewer; the whole
    data if none): the like-for-like window of the space and standard comparisons."""
    if complete.empty:
        return (pd.Timestamp(tx["order_date"].min()).normalize(), pd.Timestamp(tx["order_date"].max()).normalize())
    per = complete["period"].iloc[-12:]
    return pd.Timestamp(per.iloc[0]), pd.Timestamp(per.iloc[-1]) + pd.offsets.MonthEnd(0)


def plan_comparison(monthly: pd.DataFrame, *, growth: float = 0.10) -> PlanComparison:
    """Plan comparison on a like-for-like base: the last 12 complete months against the 12 before.

    ``monthly``: complete months only (see :func:`complete_months`), columns ``period``, ``revenue``,
    ``customers``. The plan of month m is the revenue of month m − 12 × (1 + ``growth``). The base
    year must be complete (24 consecutive complete months are needed) and steady: when its average
    monthly active customers of the last quarter are at least :data:`RAMP_UP_FACTOR` times those of its
    first quarter, the base is a ramp-up (a new business filling up) and no achievement is claimed —
    a plan of "last year + 10%" on a ramp-up year is beaten by the growth alone and tells nothing.
    """
    try:
        g = float(growth)
    except (TypeError, ValueError):
        raise ParameterError(f"growth={growth!r} is not a number like 0.10.") from None
    if not np.isfinite(g) or g <= -1:
        raise ParameterError(f"growth={growth!r} must be above -1 (e.g. 0.10 for +10%).")
    cols = ["month", "base_month", "base_revenue", "plan", "actual", "achievement"]
    empty = pd.DataFrame(columns=cols)
    if monthly.empty:
        return PlanComparison(empty, "none", g, {})
    m = monthly.sort_values("period").reset_index(drop=True)
    per = pd.PeriodIndex(pd.DatetimeIndex(m["period"]), freq="M")
    # the longest run of consecutive months that ends with the last one
    run = 1
    while run < len(per) and per[-run - 1] == per[-run] - 1:
        run += 1
    m, per = m.iloc[-run:].reset_index(drop=True), per[-run:]
    if len(m) < 24:
        return PlanComparison(empty, "short", g, {"n": len(m), "start": str(per[0]), "end": str(per[-1])})
    base, cur = m.iloc[-24:-12].reset_index(drop=True), m.iloc[-12:].reset_index(drop=True)
    c0, c1 = float(base["customers"].iloc[:3].mean()), float(base["customers"].iloc[-3:].mean())
    info = {"start": str(per[-24]), "end": str(per[-13]), "c0": c0, "c1": c1}
    if c0 <= 0 or c1 >= RAMP_UP_FACTOR * c0:
        return PlanComparison(empty, "ramp_up", g, info)
    t = pd.DataFrame({"month": [str(p) for p in per[-12:]], "base_month": [str(p) for p in per[-24:-12]],
                      "base_revenue": base["revenue"].to_numpy(dtype=float)})
    t["plan"] = t["base_revenue"] * (1 + g)
    t["actual"] = cur["revenue"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t["achievement"] = np.where(t["plan"] > 0, t["actual"] / t["plan"], np.nan)
    return PlanComparison(t, "ok", g, info)


@dataclass(frozen=True)
class Overview(Result):
    """Schema check and coverage of canonical transactions."""

    schema: pd.DataFrame
    monthly: pd.DataFrame
    totals: dict
    gaps: dict
    title = "Data overview"

    def to_frame(self) -> pd.DataFrame:
        return self.schema

    def plot(self, ax: Any = None, lang: str = "en"):
        """Monthly revenue with active customers (:func:`plot_monthly`)."""
        return overview_plots.plot_monthly(self, ax=ax, lang=lang)

    def key_figures(self, lang: str = "en") -> pd.DataFrame:
        """The totals as a two-column table (figure, figure_value) with the numbers already written for a reader."""
        check_lang(lang)
        t = self.totals
        rows = [(text("lines", lang, LABELS), f"{t['lines']:,}"),
                (text("orders", lang), f"{t['orders']:,}"),
                (text("customers", lang), f"{t['customers']:,}"),
                (text("period", lang, LABELS), f"{t['start']:%Y-%m-%d} – {t['end']:%Y-%m-%d}"),
                (text("months", lang, LABELS), f"{t['months']:,}"),
                (text("revenue", lang), f"{t['revenue']:,.2f}"),
                (text("average_order_value", lang), f"{t['aov']:,.2f}")]
        if lang == "en":
            rows = [(f.capitalize(), v) for f, v in rows]
        return pd.DataFrame(rows, columns=["figure", "figure_value"])

    def interpret(self, lang: str = "en") -> list[str]:
        return overview_sentences(self, lang)


@dataclass(frozen=True)
class PlanComparison(Result):
    """Each of the last twelve complete months against the same month a year earlier × (1 + growth).

    ``status``: "ok" (a table of plan and achievement), "ramp_up" (the base year is a ramp-up:
    no achievement), "short" (fewer than 24 complete months) or "none" (no complete month).
    """

    table: pd.DataFrame
    status: str
    growth: float
    base: dict
    title = "Plan comparison (计划对比)"

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def interpret(self, lang: str = "en") -> list[str]:
        return plan_comparison_sentences(self, lang)

    def plot(self, ax: Any = None, lang: str = "en"):
        """Actual and plan per month (only when there is a plan to compare with)."""
        return overview_plots.plot_plan(self, ax=ax, lang=lang)
