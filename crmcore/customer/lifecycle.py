"""Customer lifecycle stages (客户生命周期): who is new, growing, steady, slipping, lapsed, lost or won back.

Each customer's stage at a snapshot date ``asof`` comes from their own behaviour before that
date, judged against **their own purchase rhythm** (购买节奏): the median number of days
between their purchase days. A customer who buys every 10 days and has been away 40 days is
slipping; one who buys every 120 days and has been away 40 days is on schedule.

With ``rhythm`` = median gap between purchase days (at least ``min_interval_days``; a one-time
buyer gets ``single_interval_days``), ``r = recency_days / rhythm``, and spend compared between
the last ``window_days`` and the window before it, the rules are applied in this order:

====================  ==================================================================
lost (流失)           recency > max(``lost_factor`` × rhythm, ``lost_min_days``)
lapsed (休眠)         recency > max(``lapse_factor`` × rhythm, ``lapse_min_days``)
new (新客)            first purchase less than ``new_days`` ago
won back (赢回)       a purchase in the last ``winback_days`` came after a "lost" gap (longer
                      than max(``lost_factor`` × rhythm before the window, ``lost_min_days``))
declining (预流失)    r > ``decline_factor`` (overdue by a whole cycle), or spend in the last
                      window fell by at least ``drop`` versus the window before
growing (成长)        spend in the last window rose by at least ``growth``
mature (成熟)         everyone else: buying on rhythm at a steady level
====================  ==================================================================

The spend-trend rules (declining by spend, growing) apply only to customers whose rhythm is at
most half the window, i.e. who are expected to buy at least twice per window; for slower buyers
two windows of spend are mostly noise, so they are judged on recency alone.

Lines with a non-positive amount (returns) do not count as purchases.

The stages are behavioural rules, not a probability: lifetimes' BG/NBD P(alive) (Fader, Hardie
& Lee 2005) answers "is this customer still active?" with a number but gives no stage and no
action; the playbook here attaches goals, owners and actions to each stage.

References
----------
Dwyer, F. R., Schurr, P. H., Oh, S. (1987). Developing buyer–seller relationships. *Journal of
Marketing* 51(2), 11–27 (awareness, exploration, expansion, commitment, dissolution).
Fader, P. S., Hardie, B. G. S., Lee, K. L. (2005). "Counting your customers" the easy way.
*Marketing Science* 24(2), 275–284.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from crmcore import engine
from crmcore.customer import lifecycle_plots, lifecycle_text
from crmcore.customer.lifecycle_text import (B2B_STEPS, COLUMN_LABELS, LABELS, PLAYBOOK_ACTIONS, PLAYBOOK_B2B,
                                             PLAYBOOK_GOAL, PLAYBOOK_ROLES, RESULT_COLUMNS)
from crmcore.errors import DataError, ParameterError
from crmcore.labels import check_lang, text
from crmcore.results import ParagraphResult, Result

__all__ = ["STAGES", "ACTIVE", "GONE", "LABELS", "COLUMN_LABELS", "PLAYBOOK", "B2B_JOURNEY", "customer_days",
           "stages", "history", "playbook", "b2b_journey", "summary", "Rules", "StageResult", "StageHistory"]

#: stage keys in lifecycle order (the order of every table and plot)
STAGES = ("new", "growing", "mature", "declining", "won_back", "lapsed", "lost")

#: stages of customers still buying (the churn warning's population) and of customers already gone
ACTIVE = ("new", "growing", "mature", "declining", "won_back")
GONE = ("lapsed", "lost")

#: the stage playbook: goal, roles and key actions for each stage (en / zh), with the B2B account journey
#: 签约 → 启动 → 成长 → 成熟 → 预流失 → 续费 → 流失 each stage corresponds to; the words are the catalogues
#: lifecycle.playbook_* of :mod:`crmcore.customer.lifecycle_text`
PLAYBOOK: dict[str, dict[str, Any]] = {
    s: {"b2b": PLAYBOOK_B2B[s], "goal": PLAYBOOK_GOAL[s], "roles": PLAYBOOK_ROLES[s], "actions": PLAYBOOK_ACTIONS[s]}
    for s in STAGES}

#: the step of the B2B account journey (the catalogue lifecycle.b2b_steps) → the behavioural stage that shows it
#: in transaction data
_B2B_STAGE = {"signing": "new", "kick-off": "new", "growth": "growing", "maturity": "mature",
              "pre-churn": "declining", "renewal": "won_back", "churn": "lost"}

#: the B2B account journey as the CRM 3.0 course material gives it (签约 → 启动 → 成长 → 成熟 → 预流失 → 续费 → 流失),
#: each step (English, Chinese) with the behavioural stage that shows it in transaction data
B2B_JOURNEY = tuple((B2B_STEPS[k]["en"], B2B_STEPS[k]["zh"], _B2B_STAGE[k]) for k in B2B_STEPS)

#: readable headers of the results' to_frame(lang) (the result protocol of crmcore.results)
_RESULT_COLUMNS = RESULT_COLUMNS


# ------------------------------------------------------------------ engine: purchase days
def customer_days(tx: Any, *, before: Any = None) -> pd.DataFrame:
    """One row per customer and purchase day (lines with amount > 0): customer_id, day, revenue, orders.

    Aggregated in the engine; only rows with ``order_date < before`` count when ``before`` is given.
    """
    t = engine.table(tx)
    engine._check_cols(t, ["customer_id", "order_id", "order_date", "amount"], "customer_days")
    if before is not None:
        t = t.filter(t.order_date < engine.check_asof(before))
    t = t.filter(t.amount > 0)
    t = t.mutate(day=t.order_date.truncate("D"))
    expr = t.group_by(["customer_id", "day"]).aggregate(revenue=t.amount.sum(), orders=t.order_id.nunique())
    df = engine.execute(expr.order_by(["customer_id", "day"]), tx)
    df["day"] = pd.to_datetime(df["day"]).astype("datetime64[us]")
    df["customer_id"] = df["customer_id"].astype(str)
    return df.reset_index(drop=True)


def stages(tx: Any, *, asof: Any, **rules: Any) -> StageResult:
    """Lifecycle stage of every customer as of ``asof`` (only rows with ``order_date < asof``).

    Keyword rules (defaults): ``window_days=90`` (a quarter, the spend-trend window),
    ``new_days=90`` (new for a quarter after the first purchase), ``min_interval_days=14``
    (floor on a rhythm, so a burst of daily buying does not make a week away look alarming),
    ``single_interval_days=None`` (one-time buyers get the median rhythm of the repeat buyers in
    the same snapshot), ``decline_factor=2``, ``lapse_factor=3``, ``lost_factor=5`` (recency in
    multiples of the rhythm: if a customer's gaps were random with that median, a wait of k
    medians happens by chance with probability 2^-k, i.e. 25 %, 12.5 % and 3 %), ``lapse_min_days=60``,
    ``lost_min_days=180`` (floors, so very frequent buyers are not called lapsed or lost after a
    short break), ``growth=0.5`` and ``drop=0.5`` (window-over-window spend up by half / down by
    half; smaller changes are within the noise of a few purchases per window),
    ``winback_days=None`` (= ``window_days``).
    """
    _check_tx(tx)
    r = _rules(rules)
    ts = engine.check_asof(asof)
    days = customer_days(tx, before=ts)
    if days.empty:
        raise DataError(f"no purchases before asof={ts:%Y-%m-%d}; choose a later asof or check the data's dates.")
    return StageResult(_snapshot(days, ts, r), ts, r)


def history(tx: Any, *, start: Any, end: Any, **rules: Any) -> StageHistory:
    """Stages at every month end from ``start`` to ``end`` (month-end snapshots, one engine pass).

    The engine aggregates the transactions once to customer × purchase day (far fewer rows than
    lines); each month-end snapshot is then the same rules as :func:`stages` applied to the days
    before the first day of the next month. A snapshot labelled 2025-03 is the stage on
    2025-03-31 at the end of the day (``asof`` = 2025-04-01).
    """
    _check_tx(tx)
    r = _rules(rules)
    s, e = engine.check_asof(start), engine.check_asof(end)
    if e < s:
        raise ParameterError(f"end={end!r} is before start={start!r}.")
    month_starts = pd.date_range(s.to_period("M").to_timestamp(), e.to_period("M").to_timestamp(), freq="MS")
    last_asof = month_starts[-1] + pd.offsets.MonthBegin(1)
    days = customer_days(tx, before=last_asof)
    if days.empty:
        raise DataError(f"no purchases before {last_asof:%Y-%m-%d}; check start/end against the data's dates.")
    parts = []
    for m in month_starts:
        snap = _snapshot(days, m + pd.offsets.MonthBegin(1), r)
        parts.append(pd.DataFrame({"month": m, "customer_id": snap["customer_id"], "stage": snap["stage"]}))
    return StageHistory(pd.concat(parts, ignore_index=True), r)


# ------------------------------------------------------------------ playbook and words
def playbook(result: StageResult | None = None, *, lang: str = "en") -> pd.DataFrame:
    """Goal, roles and key actions per stage (with the B2B journey step), plus counts and revenue.

    Without a result the table has the playbook text only.
    """
    check_lang(lang)
    rows = []
    counts = result.counts().set_index("stage") if result is not None else None
    for s in STAGES:
        p = PLAYBOOK[s]
        row = {text("stage", lang, LABELS): text(s, lang, LABELS),
               text("b2b", lang, LABELS): p["b2b"][lang]}
        if counts is not None:
            row[text("customers", lang)] = int(counts.loc[s, "customers"])
            row[text("share", lang)] = round(float(counts.loc[s, "share"]), 3)
            row[text("revenue_window", lang, LABELS)] = round(float(counts.loc[s, "revenue_365"]), 2)
        row[text("goal", lang, LABELS)] = p["goal"][lang]
        row[text("roles", lang, LABELS)] = p["roles"][lang]
        row[text("actions", lang, LABELS)] = p["actions"][lang]
        rows.append(row)
    return pd.DataFrame(rows)


def b2b_journey(result: StageResult | None = None, *, lang: str = "en") -> pd.DataFrame:
    """The seven steps of the B2B journey in order, each with the stage that reveals it in the data.

    Signing and kick-off both show as "new" (the data cannot tell a signed contract from a first
    order), and renewal after a break as "won back"; "lapsed" customers sit between pre-churn and
    churn. With a result, the customers in the matching stage are added.
    """
    check_lang(lang)
    counts = result.counts().set_index("stage")["customers"] if result is not None else None
    rows = []
    for i, (step, stage) in enumerate(_B2B_STAGE.items(), start=1):
        row = {"step": i, text("b2b", lang, LABELS): B2B_STEPS[step][lang],
               text("stage", lang, LABELS): text(stage, lang, LABELS)}
        if counts is not None:
            row[text("customers", lang)] = int(counts[stage])
        rows.append(row)
    return pd.DataFrame(rows)


def summary(result: StageResult, *, lang: str = "en") -> str:
    """Sentences generated from the stage counts: active vs gone, the largest stage, the declining customers.

    "Declining" customers are the active ones slipping (the churn warning's concern); lapsed and lost
    customers have already stopped buying and are counted apart, never as "at risk"."""
    check_lang(lang)
    c = result.counts().set_index("stage")
    n = int(c["customers"].sum())
    active, gone = int(c.loc[list(ACTIVE), "customers"].sum()), int(c.loc[list(GONE), "customers"].sum())
    top = c["customers"].idxmax()
    dec_n, dec_rev = int(c.loc["declining", "customers"]), float(c.loc["declining", "revenue_365"])
    dec_share = float(c.loc["declining", "revenue_share"])
    grow = int(c.loc[["new", "growing", "won_back"], "customers"].sum())
    top_n, top_share = int(c.loc[top, "customers"]), float(c.loc[top, "share"])
    return lifecycle_text.summary_text(result.asof, n=n, active=active, gone=gone, top=top, top_n=top_n,
                                       top_share=top_share, dec_n=dec_n, dec_rev=dec_rev, dec_share=dec_share, grow=grow,
                                       lang=lang)


# ------------------------------------------------------------------ rules and results
@dataclass(frozen=True)
class Rules:
    """Stage thresholds (see the module docstring for how each is used)."""

    window_days: int = 90
    new_days: int = 90
    min_interval_days: float = 14.0
    single_interval_days: float | None = None
    decline_factor: float = 2.0
    lapse_factor: float = 3.0
    lapse_min_days: int = 60
    lost_factor: float = 5.0
    lost_min_days: int = 180
    growth: float = 0.5
    drop: float = 0.5
    winback_days: int | None = None

    def check(self) -> "Rules":
        for name in ("window_days", "new_days", "min_interval_days", "lapse_min_days", "lost_min_days"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or v <= 0:
                raise ParameterError(f"{name}={v!r} must be a positive number of days.")
        if not 1 <= self.decline_factor <= self.lapse_factor <= self.lost_factor:
            raise ParameterError(
                f"need 1 ≤ decline_factor ≤ lapse_factor ≤ lost_factor; got {self.decline_factor}, "
                f"{self.lapse_factor}, {self.lost_factor}. Raise the later factors or lower the earlier ones.")
        if self.lapse_min_days > self.lost_min_days:
            raise ParameterError(f"lapse_min_days={self.lapse_min_days} exceeds lost_min_days={self.lost_min_days}.")
        if not (0 < self.drop < 1) or self.growth <= 0:
            raise ParameterError(f"drop={self.drop} must be in (0, 1) and growth={self.growth} positive.")
        if self.single_interval_days is not None and self.single_interval_days <= 0:
            raise ParameterError(f"single_interval_days={self.single_interval_days} must be positive or None.")
        return self



@dataclass(frozen=True)
class StageResult(ParagraphResult):
    """Each customer's lifecycle stage at ``asof``, with the numbers the rules used."""

    table: pd.DataFrame = field(repr=False)
    asof: pd.Timestamp
    rules: Rules
    title = "Lifecycle stages (客户生命周期阶段)"
    _conventions = ("asof", "rules")
    _columns = _RESULT_COLUMNS

    def counts(self, lang: str | None = None) -> pd.DataFrame:
        """Customers, share and last-365-day revenue per stage, in lifecycle order.

        With ``lang`` the stage column holds the stage names in that language (for a report table)."""
        t = self.table
        g = t.groupby("stage")
        out = pd.DataFrame({"customers": g.size(), "revenue_365": g["revenue_365"].sum()}).reindex(list(STAGES)).fillna(0)
        out["customers"] = out["customers"].astype(int)
        n = out["customers"].sum()
        out["share"] = out["customers"] / n if n else 0.0
        rev = out["revenue_365"].sum()
        out["revenue_share"] = out["revenue_365"] / rev if rev else 0.0
        out.index.name = "stage"
        out = out.reset_index()
        if lang is not None:
            check_lang(lang)
            out["stage"] = [text(s, lang, LABELS) for s in out["stage"]]
        return out

    def playbook(self, lang: str = "en") -> pd.DataFrame:
        """The stage playbook with this snapshot's counts and revenue per stage."""
        return playbook(self, lang=lang)

    def _summary_text(self, lang: str = "en") -> str:
        return summary(self, lang=lang)

    def plot(self, ax=None, lang: str = "en"):
        """Customers per stage (:func:`crmcore.customer.lifecycle_plots.stage_bars`)."""
        check_lang(lang)
        return lifecycle_plots.stage_bars(self.counts(), self.asof, ax=ax, lang=lang)



@dataclass(frozen=True)
class StageHistory(Result):
    """Stages at successive month ends, their counts (stage × month) and flows between months."""

    snapshots: pd.DataFrame = field(repr=False)   # month, customer_id, stage
    rules: Rules
    title = "Lifecycle stages by month (各月生命周期阶段)"
    _conventions = ("rules",)

    def to_frame(self) -> pd.DataFrame:
        return self.counts()

    def counts(self, lang: str | None = None) -> pd.DataFrame:
        """Stage × month table of customer counts (rows: stages in lifecycle order; columns: months)."""
        t = pd.crosstab(self.snapshots["stage"], self.snapshots["month"]).reindex(list(STAGES)).fillna(0).astype(int)
        t.columns = [f"{m:%Y-%m}" for m in t.columns]
        if lang is not None:
            t.index = [text(s, lang, LABELS) for s in t.index]
        return t

    def flows(self) -> pd.DataFrame:
        """Long table month, from_stage, to_stage, customers: moves from the previous month end.

        Customers absent at the previous month end come ``from_stage="none"``.
        """
        s = self.snapshots
        months = sorted(s["month"].unique())
        rows = []
        for prev_m, m in zip(months[:-1], months[1:]):
            a = s.loc[s["month"] == prev_m, ["customer_id", "stage"]]
            b = s.loc[s["month"] == m, ["customer_id", "stage"]]
            j = b.merge(a, on="customer_id", how="left", suffixes=("", "_prev")).fillna({"stage_prev": "none"})
            c = j.groupby(["stage_prev", "stage"]).size().rename("customers").reset_index()
            c.insert(0, "month", m)
            rows.append(c)
        if not rows:
            return pd.DataFrame(columns=["month", "from_stage", "to_stage", "customers"])
        out = pd.concat(rows, ignore_index=True).rename(columns={"stage_prev": "from_stage", "stage": "to_stage"})
        order = {k: i for i, k in enumerate(("none",) + STAGES)}
        out = out.sort_values(["month", "from_stage", "to_stage"], key=lambda c: c.map(order) if c.name != "month" else c)
        return out.reset_index(drop=True)

    def transitions(self, month: Any = None, *, lang: str | None = None) -> pd.DataFrame:
        """From-stage × to-stage matrix of moves into ``month`` (all months summed when None)."""
        f = self.flows()
        if month is not None:
            m = pd.Timestamp(month)
            f = f[f["month"] == m]
            if f.empty:
                raise ParameterError(f"month={month!r} has no flows; months run from "
                                     f"{self.snapshots['month'].min():%Y-%m} to {self.snapshots['month'].max():%Y-%m} "
                                     "(the first month has no previous month).")
        m = f.pivot_table(index="from_stage", columns="to_stage", values="customers", aggfunc="sum", fill_value=0)
        m = m.reindex(index=["none", *STAGES], columns=list(STAGES), fill_value=0).astype(int)
        if lang is not None:
            m.index = [text(s, lang, LABELS) for s in m.index]
            m.columns = [text(s, lang, LABELS) for s in m.columns]
        return m

    def moved_share(self) -> pd.Series:
        """Share of existing customers whose stage changed, by month."""
        f = self.flows()
        f = f[f["from_stage"] != "none"]
        moved = f[f["from_stage"] != f["to_stage"]].groupby("month")["customers"].sum()
        total = f.groupby("month")["customers"].sum()
        return (moved.reindex(total.index, fill_value=0) / total).rename("moved_share")

    def interpret(self, lang: str = "en") -> list[str]:
        """The span of month ends, the largest stage at the last one, and how many customers move per month."""
        check_lang(lang)
        c = self.counts()
        last = c.columns[-1]
        top = c[last].idxmax()
        moved = self.moved_share()
        return lifecycle_text.history_sentences(c.columns[0], last, c.shape[1], top, int(c.at[top, last]),
                                                moved.mean() if len(moved) else None, lang)

    def plot(self, ax=None, lang: str = "en"):
        """Customers per stage, month by month (:func:`crmcore.customer.lifecycle_plots.stage_areas`)."""
        check_lang(lang)
        return lifecycle_plots.stage_areas(self.counts(), ax=ax, lang=lang)

    def plot_transitions(self, ax=None, lang: str = "en"):
        """Moves between stages, all months summed (:func:`crmcore.customer.lifecycle_plots.transitions_heatmap`)."""
        check_lang(lang)
        return lifecycle_plots.transitions_heatmap(self.transitions(lang=lang), ax=ax, lang=lang)


# ------------------------------------------------------------------ private helpers
def _snapshot(days: pd.DataFrame, asof: pd.Timestamp, rules: Rules) -> pd.DataFrame:
    """Stage of every customer with a purchase day before ``asof`` (``days`` sorted by customer, day)."""
    d = days[days["day"] < asof]
    cols = ["customer_id", "stage", "first_purchase", "last_purchase", "purchase_days", "rhythm_days",
            "recency_days", "recency_ratio", "last_gap_days", "return_gap_days", "revenue_last", "revenue_prev", "revenue_365"]
    if d.empty:
        return pd.DataFrame(columns=cols)
    cust = d["customer_id"].to_numpy()
    day = d["day"].to_numpy()
    new_cust = np.r_[True, cust[1:] != cust[:-1]]
    gap = np.where(new_cust, np.nan, np.r_[np.nan, np.diff(day).astype("timedelta64[D]").astype(float)])
    d = d.assign(gap=gap)
    g = d.groupby("customer_id", sort=True)
    out = pd.DataFrame({
        "first_purchase": g["day"].min(),
        "last_purchase": g["day"].max(),
        "purchase_days": g.size(),
        "median_gap": g["gap"].median(),
        "last_gap_days": g["gap"].last(),
    })
    # a return = a purchase in the last winback_days after a gap that was itself "lost"-long,
    # judged by the rhythm of the gaps before the window (a return followed by more purchases
    # in the window is still a return)
    winback_days = rules.window_days if rules.winback_days is None else rules.winback_days
    in_win = (d["day"] >= asof - pd.Timedelta(days=winback_days)).to_numpy()
    out["return_gap_days"] = d.loc[in_win].groupby("customer_id")["gap"].max().reindex(out.index)
    out["prior_gap"] = d.loc[~in_win].groupby("customer_id")["gap"].median().reindex(out.index)
    w = pd.Timedelta(days=rules.window_days)
    out["revenue_last"] = d.loc[d["day"] >= asof - w].groupby("customer_id")["revenue"].sum().reindex(out.index).fillna(0.0)
    out["revenue_prev"] = (d.loc[(d["day"] >= asof - 2 * w) & (d["day"] < asof - w)]
                           .groupby("customer_id")["revenue"].sum().reindex(out.index).fillna(0.0))
    out["revenue_365"] = (d.loc[d["day"] >= asof - pd.Timedelta(days=365)]
                          .groupby("customer_id")["revenue"].sum().reindex(out.index).fillna(0.0))
    repeat = out["median_gap"].dropna().clip(lower=rules.min_interval_days)
    single = rules.single_interval_days
    if single is None:
        single = float(repeat.median()) if len(repeat) else 60.0
    rhythm = out["median_gap"].clip(lower=rules.min_interval_days).fillna(single)
    prior = out["prior_gap"].clip(lower=rules.min_interval_days).fillna(single)
    asof_day = asof.normalize()
    recency = (asof_day - out["last_purchase"]).dt.days.astype(float)
    tenure = (asof_day - out["first_purchase"]).dt.days.astype(float)
    ratio = recency / rhythm

    lost = recency > np.maximum(rules.lost_factor * rhythm, rules.lost_min_days)
    lapsed = recency > np.maximum(rules.lapse_factor * rhythm, rules.lapse_min_days)
    new = tenure < rules.new_days
    won_back = out["return_gap_days"] > np.maximum(rules.lost_factor * prior, rules.lost_min_days)
    trend_ok = rhythm <= rules.window_days / 2
    prev = out["revenue_prev"]
    last = out["revenue_last"]
    dropped = trend_ok & (prev > 0) & (last <= (1 - rules.drop) * prev)
    declining = (ratio > rules.decline_factor) | dropped
    growing = trend_ok & (prev > 0) & (last >= (1 + rules.growth) * prev)
    stage = np.select([lost, lapsed, new, won_back, declining, growing],
                      ["lost", "lapsed", "new", "won_back", "declining", "growing"], default="mature")
    out["stage"] = stage
    out["rhythm_days"] = rhythm
    out["recency_days"] = recency.astype(int)
    out["recency_ratio"] = ratio
    out = out.reset_index()
    return out[cols]


def _check_tx(tx: Any) -> None:
    if isinstance(tx, pd.DataFrame):
        missing = [c for c in ("customer_id", "order_id", "order_date", "amount") if c not in tx.columns]
        if missing:
            raise DataError(f"transactions need column(s) {', '.join(missing)}; columns found: "
                            f"{', '.join(map(str, tx.columns))}. Load them with crmcore.data.load_transactions.")


def _rules(kwargs: dict) -> Rules:
    unknown = set(kwargs) - set(Rules.__dataclass_fields__)
    if unknown:
        raise ParameterError(f"unknown stage rule(s) {', '.join(sorted(unknown))}; "
                             f"use {', '.join(Rules.__dataclass_fields__)}.")
    return Rules(**kwargs).check()
