"""The pipeline's stages: conversion, P(win | stage), the weighted pipeline and the month-end forecast,
aging and stalled deals, cycle time, velocity, coverage, and forecast bias by owner (see
:mod:`crmcore.pipeline` for the definitions)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.door import b2b
from crmcore.errors import DataError, DomainError, ParameterError
from crmcore.results import Result
from crmcore.sales.pipeline_text import _t, _v
from crmcore.sales.pipeline_winrate import _asof, wilson


# --------------------------------------------------------------------------- conversion and P(win | stage)
def conversion(stage_history: Any, *, stages: Sequence[str] = b2b.STAGES, opportunities: Any = None,
               asof: Any = None) -> ConversionResult:
    """Stage-to-stage conversion, cohort by entry; each opportunity counted once per stage.

    Of the ``entered`` opportunities that entered a stage, ``converted`` reached any later stage (the
    last stage converts to "won", which needs the outcome: pass ``opportunities`` or put "won" rows
    in the history); ``dropped`` were lost from it; ``pending`` are still in it. ``rate`` =
    converted ÷ (converted + dropped). A skipped stage is not counted as entered.
    """
    stages = tuple(stages)
    if opportunities is None:
        raw = b2b._require(stage_history, ("opportunity_id", "stage", "entered"), "stage_history")
        ids = raw["opportunity_id"].astype(str)
        st = raw["stage"].astype(str)
        won_ids = set(ids[st == "won"])
        lost_ids = set(ids[st == "lost"])
        o = pd.DataFrame({"opportunity_id": sorted(set(ids))})
        o["outcome"] = np.where(o["opportunity_id"].isin(won_ids), "won",
                                np.where(o["opportunity_id"].isin(lost_ids), "lost", "open"))
        h = b2b.check_stage_history(stage_history, stages=stages)
    else:
        o = b2b.check_opportunities(opportunities)
        h = b2b.check_stage_history(stage_history, stages=stages, opportunities=o)
    if asof is not None and asof != "":
        a = _asof(asof)
        h = h[h["entered"] < a]
        if "closed" in o.columns:
            o = o.copy()
            o.loc[o["closed"] >= a, "outcome"] = "open"
    j = _journey(o, h, stages)
    rows = []
    last = len(stages) - 1
    for k, s in enumerate(stages):
        e = j[j["stage"] == s]
        if k < last:
            conv = e["max_k"] > k
            to = stages[k + 1]
        else:
            conv = e["outcome"] == "won"
            to = "won"
        dropped = ~conv & (e["outcome"] == "lost")
        pending = ~conv & ~dropped
        n_c, n_d = int(conv.sum()), int(dropped.sum())
        rows.append((s, to, len(e), n_c, n_d, int(pending.sum()), n_c / (n_c + n_d) if n_c + n_d else np.nan))
    t = pd.DataFrame(rows, columns=["from_stage", "to_stage", "entered", "converted", "dropped", "pending", "rate"])
    return ConversionResult(t, stages)


def stage_probabilities(opportunities: Any, stage_history: Any, *, stages: Sequence[str] = b2b.STAGES,
                        asof: Any = None) -> pd.DataFrame:
    """P(win | stage): of the closed deals that entered a stage, the share won (Wilson bounds beside it).

    Only deals closed before ``asof`` count, so the probabilities a forecast uses come from its past.
    """
    stages = tuple(stages)
    o = b2b.check_opportunities(opportunities)
    h = b2b.check_stage_history(stage_history, stages=stages, opportunities=o)
    if asof is not None and asof != "":
        a = _asof(asof)
        o = o[o["closed"] < a]
    closed = o[o["outcome"] != "open"]
    j = _journey(closed, h[h["opportunity_id"].isin(closed["opportunity_id"])], stages)
    j["is_won"] = (j["outcome"] == "won").astype(int)
    won = j.groupby("stage")["is_won"].sum().reindex(list(stages), fill_value=0).astype(int)
    n = j.groupby("stage").size().reindex(list(stages), fill_value=0).astype(int)
    lo, hi = wilson(won, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, won / n.where(n > 0), np.nan)
    return pd.DataFrame({"stage": list(stages), "won": won.to_numpy(), "lost": (n - won).to_numpy(),
                         "p_win": p, "lower": lo, "upper": hi})


# --------------------------------------------------------------------------- state at asof and forecasts
def weighted_pipeline(opportunities: Any, stage_history: Any, *, probabilities: Any = "history", asof: Any,
                      stages: Sequence[str] = b2b.STAGES) -> WeightedPipeline:
    """Σ amount × P(win | current stage) over the deals open on ``asof``.

    ``probabilities``: ``"history"`` (P(win | stage) of the deals closed before ``asof``) or a dict
    stage → probability. Per deal: expected revenue = amount × probability (Salesforce's definition).
    """
    a = _asof(asof)
    stages = tuple(stages)
    o = b2b.check_opportunities(opportunities)
    h = b2b.check_stage_history(stage_history, stages=stages, opportunities=o)
    if isinstance(probabilities, str):
        if probabilities != "history":
            raise ParameterError(f"probabilities={probabilities!r}; use 'history' or a dict stage → probability.")
        sp = stage_probabilities(o, h, stages=stages, asof=a)
        probs = dict(zip(sp["stage"], sp["p_win"].fillna(0.0)))
        src = "history"
    else:
        probs = {s: float(probabilities[s]) for s in probabilities}
        miss = [s for s in stages if s not in probs]
        bad = [s for s, p in probs.items() if not 0 <= p <= 1]
        if miss or bad:
            raise ParameterError(f"probabilities need every stage ({', '.join(stages)}) with values in 0–1; "
                                 f"missing {miss}, outside 0–1 {bad}.")
        src = "given"
    cur = _open_at(o, h, a)
    cur["stage"] = cur["stage"].fillna(stages[0])
    cur["probability"] = cur["stage"].map(probs).astype(float)
    cur["expected"] = cur["amount"] * cur["probability"]
    cols = ["opportunity_id", "account_id", "owner", "product", "stage", "amount", "probability", "expected"]
    t = cur[cols].sort_values(["expected", "opportunity_id"], ascending=[False, True], ignore_index=True)
    return WeightedPipeline(t, float(t["expected"].sum()), float(t["amount"].sum()),
                            {s: round(float(probs[s]), 6) for s in stages}, src, a.strftime("%Y-%m-%d"))


def forecast_month_end(opportunities: Any, stage_history: Any, *, asof: Any, probabilities: Any = "history",
                       stages: Sequence[str] = b2b.STAGES) -> dict[str, float]:
    """Month-end forecast = won so far in ``asof``'s month + Σ amount × P(win | stage) of the open deals
    whose ``expected_close`` falls in the rest of the month (``commit``: only deals in the last stage)."""
    a = _asof(asof)
    o = b2b.check_opportunities(opportunities)
    if "expected_close" not in o.columns:
        raise DataError("a month-end forecast needs each open deal's 'expected_close'; the data have none.")
    m0, m1 = a.to_period("M").start_time, a.to_period("M").end_time.normalize()
    won = float(o.loc[(o["outcome"] == "won") & (o["closed"] >= m0) & (o["closed"] < a), "amount"].sum())
    wp = weighted_pipeline(o, stage_history, probabilities=probabilities, asof=a, stages=stages).table
    exp = o.set_index("opportunity_id")["expected_close"]
    due = wp[wp["opportunity_id"].map(exp).between(m0, m1)]
    commit = float(due.loc[due["stage"] == stages[-1], "amount"].sum())
    return {"month": str(a.to_period("M")), "won_so_far": won, "weighted_due": float(due["expected"].sum()),
            "forecast": won + float(due["expected"].sum()), "commit": won + commit, "deals_due": len(due)}


def forecast_bias(opportunities: Any, stage_history: Any, *, asof: Any, stage: str = "proposal",
                  stages: Sequence[str] = b2b.STAGES) -> pd.DataFrame:
    """Per owner: the win rate of the closed deals that reached ``stage`` against the rest of the team's,
    with Wilson bounds, and the median days between the close and the promised ``expected_close`` of won
    deals (negative: closed earlier than promised). An owner whose deals beat the team beyond the interval
    *and* close well before the promised date understates his pipeline (sandbagging, 压单)."""
    a = _asof(asof)
    o = b2b.check_opportunities(opportunities)
    h = b2b.check_stage_history(stage_history, stages=stages, opportunities=o)
    reached = set(h.loc[h["stage"] == stage, "opportunity_id"])
    c = o[(o["outcome"] != "open") & (o["closed"] < a) & o["opportunity_id"].isin(reached)]
    rows = []
    for owner, g in c.groupby("owner"):
        rest = c[c["owner"] != owner]
        won, n = int((g["outcome"] == "won").sum()), len(g)
        lo, hi = wilson(won, n)
        early = np.nan
        if "expected_close" in g.columns:
            w = g[(g["outcome"] == "won") & g["expected_close"].notna()]
            early = float((w["closed"] - w["expected_close"]).dt.days.median()) if len(w) else np.nan
        rows.append((owner, won, n - won, won / n, float(lo), float(hi),
                     float((rest["outcome"] == "won").mean()) if len(rest) else np.nan, early))
    return pd.DataFrame(rows, columns=["owner", "won", "lost", "win_rate", "lower", "upper", "team_rate",
                                       "days_vs_promise"])


# --------------------------------------------------------------------------- aging, cycle, velocity, coverage
def aging(opportunities: Any, stage_history: Any, *, asof: Any, limits: Any = "p90",
          stages: Sequence[str] = b2b.STAGES) -> AgingResult:
    """Per deal open on ``asof``: ``days_in_stage`` (asof − entered its current stage), ``age_days``
    (asof − created) and ``stalled`` (days in stage > the stage's limit).

    ``limits``: a number of days, a dict stage → days, or ``"p90"`` — the 90th percentile of the
    completed stays in that stage before ``asof`` (a deal slower than nine in ten is stalled).
    """
    a = _asof(asof)
    stages = tuple(stages)
    o = b2b.check_opportunities(opportunities)
    h = b2b.check_stage_history(stage_history, stages=stages, opportunities=o)
    cur = _open_at(o, h, a)
    cur["stage"] = cur["stage"].fillna(stages[0])
    cur["stage_entered"] = cur["stage_entered"].fillna(cur["created"])
    if isinstance(limits, str):
        if limits != "p90":
            raise ParameterError(f"limits={limits!r}; use 'p90', a number of days or a dict stage → days.")
        hh = h[h["entered"] < a].sort_values(["opportunity_id", "entered"])
        nxt = hh.groupby("opportunity_id")["entered"].shift(-1)
        end = nxt.fillna(hh["opportunity_id"].map(o.set_index("opportunity_id")["closed"]))
        stay = (end - hh["entered"]).dt.days
        done = end.notna() & (end < a)
        q = stay[done].groupby(hh["stage"][done]).quantile(0.9)
        lim = {s: float(np.ceil(q.get(s, np.nan))) if pd.notna(q.get(s, np.nan)) else 90.0 for s in stages}
        rule = "p90"
    elif isinstance(limits, Mapping):
        lim = {s: float(limits[s]) for s in stages if s in limits}
        rule = "given"
    else:
        lim = {s: float(limits) for s in stages}
        rule = "given"
    cur["days_in_stage"] = (a - cur["stage_entered"]).dt.days.astype(int)
    cur["age_days"] = (a - cur["created"]).dt.days.astype(int)
    cur["limit"] = cur["stage"].map(lim)
    cur["stalled"] = cur["days_in_stage"] > cur["limit"]
    cols = ["opportunity_id", "account_id", "owner", "product", "stage", "amount", "days_in_stage", "age_days",
            "limit", "stalled"]
    t = cur[cols].sort_values(["stalled", "days_in_stage", "opportunity_id"], ascending=[False, False, True],
                              ignore_index=True)
    return AgingResult(t, lim, a.strftime("%Y-%m-%d"), rule)


def cycle_time(opportunities: Any, *, by: str | None = None, outcome: str = "won") -> pd.DataFrame:
    """Sales cycle in days (closed − created) of the deals with ``outcome``: count, mean, median."""
    o = b2b.check_opportunities(opportunities)
    c = o[o["outcome"] == outcome].assign(days=lambda d: (d["closed"] - d["created"]).dt.days)
    g = c.groupby(by) if by else c.assign(_all="all").groupby("_all")
    t = pd.DataFrame({"opportunities": g.size(), "mean_days": g["days"].mean(), "median_days": g["days"].median()})
    return t.reset_index().rename(columns={"_all": "group"})


def velocity(opportunities: Any, *, asof: Any, window_days: int = 365) -> dict[str, float]:
    """Sales velocity = open deals × average won deal × win rate ÷ average cycle (days), per day.

    Win rate, average deal and cycle come from the deals closed in the ``window_days`` before ``asof``;
    the open deals are those open on ``asof``.
    """
    a = _asof(asof)
    o = b2b.check_opportunities(opportunities)
    recent = o[(o["closed"] < a) & (o["closed"] >= a - pd.Timedelta(days=window_days))]
    won = recent[recent["outcome"] == "won"]
    n_open = int(((o["created"] < a) & (o["closed"].isna() | (o["closed"] >= a))).sum())
    if won.empty:
        raise DomainError(f"no deal was won in the {window_days} days before {a:%Y-%m-%d}; velocity needs a win "
                          "rate, an average deal and a cycle. Widen window_days.")
    rate = len(won) / len(recent)
    deal = float(won["amount"].mean())
    cycle = float((won["closed"] - won["created"]).dt.days.mean())
    v = n_open * deal * rate / cycle
    return {"open": n_open, "average_deal": deal, "win_rate": rate, "cycle_days": cycle, "per_day": v,
            "per_month": v * 30}


def coverage(opportunities: Any, *, quota: float, asof: Any, period_end: Any) -> dict[str, float]:
    """Coverage = open pipeline (deals open on ``asof``) ÷ remaining quota (quota − won since the period start).

    The period starts on the first day of ``period_end``'s quarter; ≥ 3 is the usual comfort level.
    """
    a, end = _asof(asof), _asof(period_end)
    o = b2b.check_opportunities(opportunities)
    start = end.to_period("Q").start_time
    won = float(o.loc[(o["outcome"] == "won") & (o["closed"] >= start) & (o["closed"] < a), "amount"].sum())
    open_amt = float(o.loc[(o["created"] < a) & (o["closed"].isna() | (o["closed"] >= a)), "amount"].sum())
    remaining = quota - won
    return {"quota": float(quota), "won": won, "remaining": remaining, "open_pipeline": open_amt,
            "coverage": open_amt / remaining if remaining > 0 else np.inf}


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class ConversionResult(Result):
    table: pd.DataFrame = field(repr=False)
    stages: tuple = b2b.STAGES
    rate_basis: str = "converted ÷ (converted + dropped); deals still in the stage are pending"
    title = "stage conversion (阶段转化率)"
    _conventions = ("stages", "rate_basis")

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return b2b.translate_values(self.table, lang)

    def interpret(self, lang: str = "en") -> list[str]:
        t = self.table.dropna(subset=["rate"])
        if t.empty:
            return []
        worst = t.loc[t["rate"].idxmin()]
        overall = float(np.prod(t["rate"]))
        return [_t(lang, f"The weakest step is {_v(worst['from_stage'], lang)} → {_v(worst['to_stage'], lang)}: "
                         f"{worst['rate']:.1%} of the deals that left {_v(worst['from_stage'], lang)} moved on. "
                         f"Multiplying the steps, {overall:.1%} of the deals that enter the first stage are won.",
                   f"最薄弱的一步是{_v(worst['from_stage'], lang)} → {_v(worst['to_stage'], lang)}：离开"
                   f"{_v(worst['from_stage'], lang)}阶段的商机只有 {worst['rate']:.1%} 进入下一步。各步相乘，进入第一"
                   f"阶段的商机最终有 {overall:.1%} 赢单。")]

    def plot(self, ax=None, lang: str = "en"):
        from crmcore.sales.pipeline_plots import plot_funnel

        return plot_funnel(self, ax=ax, lang=lang)


@dataclass(frozen=True)
class WeightedPipeline(Result):
    table: pd.DataFrame = field(repr=False)
    total: float = 0.0
    unweighted: float = 0.0
    probabilities: dict = field(default_factory=dict)
    source: str = "history"
    asof: str = ""
    title = "weighted pipeline (加权商机金额)"
    _conventions = ("source", "asof", "probabilities")

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return b2b.translate_values(self.table, lang)

    def by_stage(self) -> pd.DataFrame:
        g = self.table.groupby("stage", sort=False)
        return pd.DataFrame({"opportunities": g.size(), "amount": g["amount"].sum(),
                             "probability": g["probability"].first(), "expected": g["expected"].sum()}
                            ).reindex([s for s in self.probabilities if s in set(self.table["stage"])]).reset_index()

    def interpret(self, lang: str = "en") -> list[str]:
        if not self.unweighted:
            return [_t(lang, f"On {self.asof}, the {len(self.table):,} open deals carry no amount in the data, so the "
                             "pipeline cannot be weighted: ask the owners to record an amount for each open deal.",
                       f"截至 {self.asof}，数据中 {len(self.table):,} 个进行中商机都没有金额，无法计算加权商机金额："
                       "请销售负责人为每个进行中商机填写金额。")]
        share = self.total / self.unweighted
        return [_t(lang, f"On {self.asof}, {len(self.table):,} open deals are worth {self.unweighted:,.0f} at face "
                         f"value but {self.total:,.0f} weighted by their stage's win probability ({share:.0%}): plan "
                         "on the weighted figure.",
                   f"截至 {self.asof}，{len(self.table):,} 个进行中商机的金额合计 {self.unweighted:,.0f}，按所处阶段的"
                   f"赢单概率加权后只有 {self.total:,.0f}（{share:.0%}）：做计划应以加权金额为准。")]


@dataclass(frozen=True)
class AgingResult(Result):
    table: pd.DataFrame = field(repr=False)
    limits: dict = field(default_factory=dict)
    asof: str = ""
    limit_rule: str = "p90"
    title = "aging and stalled opportunities (商机停滞)"
    _conventions = ("asof", "limit_rule", "limits")

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return b2b.translate_values(self.table, lang)

    def stalled(self) -> pd.DataFrame:
        return self.table[self.table["stalled"]].reset_index(drop=True)

    def interpret(self, lang: str = "en") -> list[str]:
        s = self.stalled()
        if s.empty:
            return [_t(lang, f"No open deal has stayed in its stage longer than the limit on {self.asof}.",
                       f"截至 {self.asof}，没有进行中商机在当前阶段停留超过上限。")]
        amt = s["amount"].sum()
        if amt <= 0:  # no amounts (a flat export): name the longest-waiting deal instead of "the largest"
            top = s.sort_values(["days_in_stage", "opportunity_id"], ascending=[False, True]).iloc[0]
            return [_t(lang, f"{len(s):,} of {len(self.table):,} open deals have stayed in their stage longer than the "
                             f"limit (the data give them no amount); the longest-waiting is {top['opportunity_id']} "
                             f"({_v(top['owner'], lang)}, {int(top['days_in_stage'])} days in "
                             f"{_v(top['stage'], lang)}). Review them with their owners or close them as lost.",
                       f"{len(self.table):,} 个进行中商机里有 {len(s):,} 个在当前阶段停留超过上限（数据中没有金额）；"
                       f"等待最久的是 {top['opportunity_id']}（{_v(top['owner'], lang)}，已在{_v(top['stage'], lang)}"
                       f"阶段停留 {int(top['days_in_stage'])} 天）。请与负责人逐一复核，无望的及时关闭为输单。")]
        top = s.sort_values(["amount", "opportunity_id"], ascending=[False, True]).iloc[0]
        return [_t(lang, f"{len(s):,} of {len(self.table):,} open deals ({amt:,.0f} in amount) have stayed in their "
                         f"stage longer than the limit; the largest is {top['opportunity_id']} "
                         f"({_v(top['owner'], lang)}, {top['amount']:,.0f}, {int(top['days_in_stage'])} days in "
                         f"{_v(top['stage'], lang)}). Review them with their owners or close them as lost.",
                   f"{len(self.table):,} 个进行中商机里有 {len(s):,} 个（金额 {amt:,.0f}）在当前阶段停留超过上限；"
                   f"金额最大的是 {top['opportunity_id']}（{_v(top['owner'], lang)}，{top['amount']:,.0f}，已在"
                   f"{_v(top['stage'], lang)}阶段停留 {int(top['days_in_stage'])} 天）。请与负责人逐一复核，"
                   "无望的及时关闭为输单。")]


# --------------------------------------------------------------------------- private helpers
def _journey(opportunities: pd.DataFrame, history: pd.DataFrame, stages: Sequence[str]) -> pd.DataFrame:
    """Per (opportunity, stage entered): the furthest stage index reached and the outcome."""
    order = {s: k for k, s in enumerate(stages)}
    h = history.assign(k=history["stage"].map(order))
    reach = h.groupby("opportunity_id")["k"].max().rename("max_k")
    h = h.merge(reach, on="opportunity_id")
    return h.merge(opportunities[["opportunity_id", "outcome"]], on="opportunity_id", how="left")


def _open_at(o: pd.DataFrame, h: pd.DataFrame, a: pd.Timestamp) -> pd.DataFrame:
    """Opportunities open on ``asof`` with their current stage and the date they entered it."""
    live = o[(o["created"] < a) & (o["closed"].isna() | (o["closed"] >= a))]
    cur = h[h["entered"] < a].sort_values(["opportunity_id", "entered"]).groupby("opportunity_id").tail(1)
    return live.merge(cur.rename(columns={"entered": "stage_entered"}), on="opportunity_id", how="left")
