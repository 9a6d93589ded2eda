"""Grading and resources, rolling plans against actual, budgets and expenses (费效比), presales cost
(see :mod:`crmcore.pipeline` for the definitions)."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from crmcore.door import b2b
from crmcore.errors import DataError, ParameterError
from crmcore.labels import check_lang
from crmcore.sales.pipeline_text import RESOURCES
from crmcore.sales.pipeline_winrate import _asof

THEME_KEYS = {"volume": "product", "cost_effectiveness": "month", "customer": "account_id",
              "key_person": "contact_id", "staff": "owner"}


# --------------------------------------------------------------------------- grading and resources
def grade_by_rules(opportunities: Any, *, amount_cuts: Sequence[float] = (200_000, 100_000, 50_000),
                   competitor_col: str = "competitor") -> pd.Series:
    """Grade A–D by amount (≥ cuts[0] A, ≥ cuts[1] B, ≥ cuts[2] C, else D); a deal with a named competitor
    (anything but empty/'none') drops one grade, since it is less likely won."""
    o = b2b.check_opportunities(opportunities)
    c = list(amount_cuts)
    if len(c) != 3 or not (c[0] > c[1] > c[2]):
        raise ParameterError(f"amount_cuts={amount_cuts!r}: give three falling amounts, e.g. (200000, 100000, 50000).")
    k = np.where(o["amount"] >= c[0], 0, np.where(o["amount"] >= c[1], 1, np.where(o["amount"] >= c[2], 2, 3)))
    if competitor_col in o.columns:
        comp = o[competitor_col].fillna("none").astype(str).str.lower().isin(("none", "", "nan"))
        k = np.minimum(k + (~comp).to_numpy().astype(int), 3)
    return pd.Series(np.array(b2b.GRADES)[k], index=o.index, name="grade")


def grade_by_score(scores: Any, *, cuts: Sequence[float] = (80, 60, 40)) -> pd.Series:
    """Grade A–D by a 0–100 score (≥ cuts[0] A, ≥ cuts[1] B, ≥ cuts[2] C, else D)."""
    s = pd.to_numeric(pd.Series(scores), errors="coerce")
    if s.isna().any():
        raise DataError(f"scores: {int(s.isna().sum())} values are not numbers; give a 0–100 score per deal.")
    c = list(cuts)
    return pd.Series(np.where(s >= c[0], "A", np.where(s >= c[1], "B", np.where(s >= c[2], "C", "D"))),
                     index=s.index, name="grade")


def grade_mix(opportunities: Any, *, asof: Any, lang: str = "en") -> pd.DataFrame:
    """Open deals on ``asof`` by grade: count, amount, shares, and the resources each grade gets."""
    a = _asof(asof)
    o = b2b.check_opportunities(opportunities)
    if "grade" not in o.columns:
        raise DataError("the opportunities have no 'grade' column; grade them first (grade_by_rules / grade_by_score).")
    live = o[(o["created"] < a) & (o["closed"].isna() | (o["closed"] >= a))]
    g = live.groupby("grade")
    t = pd.DataFrame({"opportunities": g.size(), "amount": g["amount"].sum()}).reindex(list(b2b.GRADES), fill_value=0)
    t["count_share"] = t["opportunities"] / max(1, t["opportunities"].sum())
    t["amount_share"] = t["amount"] / (t["amount"].sum() or 1)
    t["resources"] = [RESOURCES[k][check_lang(lang)] for k in t.index]
    return t.rename_axis("grade").reset_index()


# --------------------------------------------------------------------------- plans, budgets, expenses
def plan_vs_actual(plans: pd.DataFrame, opportunities: Any, accounts: pd.DataFrame, *, asof: Any,
                   months: int = 3) -> pd.DataFrame:
    """The rolling three-month plan (滚动计划) against the actual won amount, per month and unit.

    Per target month: ``first_plan`` (the earliest rolling plan for it), ``planned`` (the latest, set
    before the month began), ``revisions`` (how many times the plan for it changed), ``actual``,
    ``deviation`` = (actual − planned) ÷ planned, and the annual assessment plan (考核计划) with its
    deviation. The last ``months`` complete months before ``asof``.
    """
    a = _asof(asof)
    o = b2b.check_opportunities(opportunities)
    need = {"month", "unit", "planned", "plan_type", "set_on"}
    if not need <= set(plans.columns):
        raise DataError(f"plans need columns {', '.join(sorted(need))}; found {', '.join(plans.columns)}.")
    p = plans.copy()
    p["planned"] = pd.to_numeric(p["planned"], errors="raise")
    p["set_on"] = pd.to_datetime(p["set_on"])
    p = p.groupby(["month", "unit", "plan_type", "set_on"], as_index=False)["planned"].sum()
    last_full = (a.to_period("M") - 1)
    wanted = [str(last_full - k) for k in range(months - 1, -1, -1)]
    roll = p[(p["plan_type"] == "rolling") & p["month"].isin(wanted)].sort_values("set_on")
    roll = roll[roll["set_on"] <= pd.PeriodIndex(roll["month"], freq="M").start_time]
    g = roll.groupby(["month", "unit"])["planned"]
    t = pd.DataFrame({"first_plan": g.first(), "planned": g.last(),
                      "revisions": g.apply(lambda s: int((s.diff().fillna(0) != 0).sum()))}).reset_index()
    annual = p[p["plan_type"] == "assessment"].groupby(["month", "unit"])["planned"].sum().rename("annual_plan")
    t = t.merge(annual.reset_index(), on=["month", "unit"], how="left")
    t = t.merge(_actual_by_month(o, accounts), on=["month", "unit"], how="left").fillna({"actual": 0.0})
    t["deviation"] = (t["actual"] - t["planned"]) / t["planned"].where(t["planned"] > 0)
    t["annual_deviation"] = (t["actual"] - t["annual_plan"]) / t["annual_plan"].where(t["annual_plan"] > 0)
    return t[["month", "unit", "first_plan", "planned", "revisions", "actual", "deviation", "annual_plan",
              "annual_deviation"]]


def budget_vs_spend(budgets: pd.DataFrame, expenses: pd.DataFrame, *, asof: Any, by: str = "unit") -> pd.DataFrame:
    """Marketing budget against the expenses booked, per ``by`` (unit), over the year to ``asof``."""
    a = _asof(asof)
    y0 = pd.Timestamp(year=a.year if a.month > 1 or a.day > 1 else a.year - 1, month=1, day=1)
    e = expenses[(expenses["date"] >= y0) & (expenses["date"] < a)]
    b = budgets.assign(_m=pd.PeriodIndex(budgets["month"], freq="M").start_time)
    b = b[(b["_m"] >= y0) & (b["_m"] < a)]
    t = pd.DataFrame({"budget": b.groupby(by)["budget"].sum(), "spend": e.groupby(by)["amount"].sum()}).fillna(0.0)
    t["budget_use"] = t["spend"] / t["budget"].where(t["budget"] > 0)
    return t.rename_axis(by).reset_index()


def cost_effectiveness(expenses: pd.DataFrame, activities: pd.DataFrame, opportunities: Any, *, theme: str,
                       asof: Any) -> pd.DataFrame:
    """费效比 = expense ÷ the won sales it served, grouped by one of the five themes
    (销量 volume → product, 费效 → month, 客户 customer → account, 关键人 key person → contact, 员工 staff → owner).

    An expense serves the opportunity of its activity; "sales served" is the won amount of the distinct
    opportunities a group's expenses served (a deal served by two key persons counts for each). Only
    expenses dated before ``asof`` and deals won before it count; a group with no won sale has no ratio.
    """
    if theme not in THEME_KEYS:
        raise ParameterError(f"theme={theme!r}; use one of {', '.join(THEME_KEYS)} (销量、费效、客户、关键人、员工).")
    a = _asof(asof)
    o = b2b.check_opportunities(opportunities)
    e = expenses[expenses["date"] < a].merge(activities[["activity_id", "opportunity_id"]], on="activity_id",
                                             how="left", suffixes=("", "_a"))
    if "opportunity_id_a" in e.columns:
        e["opportunity_id"] = e["opportunity_id"].fillna(e.pop("opportunity_id_a"))
    e["month"] = e["date"].dt.to_period("M").astype(str)
    key = THEME_KEYS[theme]
    won = o[(o["outcome"] == "won") & (o["closed"] < a)].set_index("opportunity_id")["amount"]
    exp = e.groupby(key)["amount"].sum().rename("expense")
    served = (e[["opportunity_id", key]].drop_duplicates().assign(w=lambda d: d["opportunity_id"].map(won).fillna(0))
              .groupby(key)["w"].sum().rename("sales_served"))
    t = pd.concat([exp, served], axis=1).fillna(0.0)
    t["expense_ratio"] = t["expense"] / t["sales_served"].where(t["sales_served"] > 0)
    out = t.rename_axis(key).reset_index().sort_values(["expense_ratio", key], ascending=[False, True],
                                                       ignore_index=True, na_position="first")
    # the overall ratio counts each won deal once, whatever the theme's grouping
    out.attrs["expense_total"] = float(e["amount"].sum())
    out.attrs["sales_total"] = float(won.reindex(e["opportunity_id"].dropna().unique()).fillna(0).sum())
    return out


def presales_cost(opportunities: Any, *, rate: float, days_col: str = "presales_days") -> pd.DataFrame:
    """Presales resource cost per opportunity (售前资源成本核算) = person-days × ``rate``, and its share of the amount."""
    o = b2b.check_opportunities(opportunities)
    if days_col not in o.columns:
        raise DataError(f"no {days_col!r} column: record the presales person-days per opportunity.")
    d = pd.to_numeric(o[days_col], errors="coerce")
    if d.isna().any() or (d < 0).any():
        raise DataError(f"column {days_col!r}: {int(d.isna().sum() + (d < 0).sum())} values are not day counts ≥ 0.")
    t = o[["opportunity_id", "account_id", "owner", "grade" if "grade" in o else "product", "amount",
           "outcome"]].copy()
    t["presales_days"] = d
    t["presales_cost"] = d * float(rate)
    t["cost_share"] = t["presales_cost"] / t["amount"].where(t["amount"] > 0)
    return t


# --------------------------------------------------------------------------- private helpers
def _actual_by_month(opportunities: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    won = opportunities[opportunities["outcome"] == "won"]
    unit = accounts.set_index("account_id")["region"]
    return (won.assign(unit=won["account_id"].map(unit), month=won["closed"].dt.to_period("M").astype(str))
            .groupby(["month", "unit"])["amount"].sum().rename("actual").reset_index())
