"""The B2B sales process (销售过程管理, TAS+): win rate, stage conversion, weighted pipeline, aging, plans, expenses.

Every metric states its definition, because vendors differ:

- **Win rate** (赢单率) = won ÷ (won + lost) among opportunities *closed* in the period; open deals
  are excluded (Salesforce's and HubSpot's closed-won ÷ closed reports). The other common
  denominator — won ÷ all opportunities *created* in the period, open ones included (a cohort rate,
  which keeps rising while the cohort's deals close) — is offered next to it as ``cohort_win_rate``.
  The 95 % interval is Wilson's score interval (Wilson 1927, JASA 22:209–212) on the counts; the
  course material says only the movement of a win rate means something (持续统计、起伏变化才有意义),
  so a change is called a movement only when the earlier rate lies outside the later period's interval.
- **Conversion** (阶段转化率): cohort by entry — of the opportunities that entered a stage (each
  counted once), how many reached a later stage (the last stage converts to "won"); deals still in
  the stage are pending and left out of the rate.
- **Expected revenue** = amount × probability (Salesforce's Opportunity field ``ExpectedRevenue``);
  the weighted pipeline is its sum over open deals, with P(win | stage) from history or given.
- **Sales velocity** = open opportunities × average won deal × win rate ÷ average sales cycle (days).
- **Coverage** = open pipeline ÷ remaining quota (the rule of thumb asks for 3×).
- **费效比** (expense-to-sales ratio) = expense ÷ the won sales the expense served.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.door import b2b
from crmcore.errors import DataError, DomainError, ParameterError
from crmcore.labels import check_lang
from crmcore.results import Result

Z95 = 1.959963984540054

COLUMNS: dict[str, dict[str, str]] = {
    "owner": {"en": "Owner", "zh": "销售负责人"}, "product": {"en": "Product", "zh": "产品"},
    "grade": {"en": "Grade", "zh": "商机等级"}, "period": {"en": "Period", "zh": "期间"},
    "unit": {"en": "Business unit", "zh": "业务单元"}, "account_id": {"en": "Account", "zh": "客户"},
    "competitor": {"en": "Competitor", "zh": "竞争对手"}, "price_driven": {"en": "Price-driven", "zh": "价格导向"},
    "won": {"en": "Won", "zh": "赢单数"}, "lost": {"en": "Lost", "zh": "输单数"},
    "won_amount": {"en": "Won amount", "zh": "赢单金额"}, "lost_amount": {"en": "Lost amount", "zh": "输单金额"},
    "win_rate": {"en": "Win rate", "zh": "赢单率"}, "lower": {"en": "95% interval, low", "zh": "95% 区间下限"},
    "upper": {"en": "95% interval, high", "zh": "95% 区间上限"},
    "created": {"en": "Created in period", "zh": "本期新建商机"},
    "cohort_win_rate": {"en": "Won ÷ created (open incl.)", "zh": "赢单 ÷ 新建（含进行中）"},
    "from_stage": {"en": "From stage", "zh": "起始阶段"}, "to_stage": {"en": "To stage", "zh": "下一阶段"},
    "entered": {"en": "Entered", "zh": "进入数"}, "converted": {"en": "Converted", "zh": "转化数"},
    "dropped": {"en": "Dropped (lost)", "zh": "流失（输单）"}, "pending": {"en": "Still in stage", "zh": "仍在本阶段"},
    "rate": {"en": "Conversion rate", "zh": "转化率"}, "stage": {"en": "Stage", "zh": "阶段"},
    "p_win": {"en": "P(win | stage)", "zh": "该阶段赢单概率"}, "probability": {"en": "Probability", "zh": "赢单概率"},
    "amount": {"en": "Amount", "zh": "商机金额"}, "expected": {"en": "Expected revenue", "zh": "预期收入"},
    "opportunity_id": {"en": "Opportunity", "zh": "商机编号"}, "days_in_stage": {"en": "Days in stage", "zh": "本阶段停留天数"},
    "age_days": {"en": "Age (days)", "zh": "商机存续天数"}, "limit": {"en": "Limit (days)", "zh": "停留上限（天）"},
    "stalled": {"en": "Stalled", "zh": "停滞"}, "opportunities": {"en": "Opportunities", "zh": "商机数"},
    "amount_share": {"en": "Share of amount", "zh": "金额占比"}, "count_share": {"en": "Share of deals", "zh": "数量占比"},
    "resources": {"en": "Resources", "zh": "资源配置"},
    "month": {"en": "Month", "zh": "月份"}, "planned": {"en": "Plan (latest)", "zh": "计划（最新）"},
    "first_plan": {"en": "Plan (first)", "zh": "计划（首次）"}, "annual_plan": {"en": "Annual plan", "zh": "年度考核计划"},
    "actual": {"en": "Actual", "zh": "实际"}, "deviation": {"en": "Deviation vs plan", "zh": "计划偏差率"},
    "annual_deviation": {"en": "Deviation vs annual plan", "zh": "年度计划偏差率"},
    "revisions": {"en": "Revisions", "zh": "调整次数"},
    "budget": {"en": "Budget", "zh": "预算"}, "spend": {"en": "Spend", "zh": "实际费用"},
    "budget_use": {"en": "Budget used", "zh": "预算使用率"},
    "key": {"en": "Group", "zh": "分组"}, "expense": {"en": "Expense", "zh": "费用"},
    "sales_served": {"en": "Won sales served", "zh": "所服务的赢单金额"},
    "expense_ratio": {"en": "Expense-to-sales ratio", "zh": "费效比"},
    "contact_id": {"en": "Key person", "zh": "关键人"},
    "team_rate": {"en": "Rest of team", "zh": "团队其他人"},
    "days_vs_promise": {"en": "Days vs promised close (median)", "zh": "较承诺日期提前/推迟天数（中位数）"},
}


#: columns shown as percentages in the report tables
PCT = ["team_rate", "win_rate", "lower", "upper", "cohort_win_rate", "rate", "p_win", "probability", "count_share", "amount_share",
       "deviation", "annual_deviation", "budget_use", "expense_ratio", "previous", "change", "cost_share"]


def _t(lang: str, en: str, zh: str) -> str:
    return zh if check_lang(lang) == "zh" else en


def _v(x: Any, lang: str) -> Any:
    return b2b.value(x, lang)


def wilson(won: Any, n: Any, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for won of n (Wilson 1927); NaN where n = 0.

    ``(p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n)``.
    """
    won, n = np.asarray(won, float), np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = won / n
        den = 1 + z * z / n
        mid = (p + z * z / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return np.where(n > 0, mid - half, np.nan), np.where(n > 0, mid + half, np.nan)


def _asof(asof: Any) -> pd.Timestamp:
    if asof is None or asof == "":
        raise ParameterError("asof is required (a date, YYYY-MM-DD); crmcore never reads the clock.")
    try:
        return pd.Timestamp(asof).normalize()
    except (ValueError, TypeError):
        raise ParameterError(f"asof={asof!r} is not a date; write YYYY-MM-DD.") from None


def _period_label(dates: pd.Series, period: str) -> pd.Series:
    if period not in ("M", "Q", "Y"):
        raise ParameterError(f"period={period!r}; use 'M' (month), 'Q' (quarter), 'Y' (year) or None.")
    return dates.dt.to_period(period).astype(str)


# --------------------------------------------------------------------------- win rate


@dataclass(frozen=True)
class WinRateResult(Result):
    """Win rate per group (and period) with Wilson bounds and the cohort denominator beside it."""

    table: pd.DataFrame = field(repr=False)
    basis: str = "count"
    by: tuple = ()
    period: str | None = None
    denominator: str = "won + lost closed in the period (open excluded)"
    title = "win rate (赢单率)"
    _conventions = ("basis", "by", "period", "denominator")

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        return b2b.translate_values(self.table, lang)

    def movements(self, *, group: Any = None) -> pd.DataFrame:
        """Period-to-period changes: ``movement`` is True only when the earlier rate lies outside the later
        period's 95 % interval (a change inside it is noise the interval already allows)."""
        if self.period is None:
            raise ParameterError("movements need a win rate by period (period='M', 'Q' or 'Y').")
        t = self.table
        if self.by:
            if group is None:
                raise ParameterError(f"this win rate is by {', '.join(self.by)}; pass group=... to pick one.")
            t = t[t[self.by[0]] == group]
        t = t.sort_values("period").reset_index(drop=True)
        prev = t["win_rate"].shift()
        out = t[["period", "won", "lost", "win_rate", "lower", "upper"]].copy()
        out["previous"] = prev
        out["change"] = t["win_rate"] - prev
        out["movement"] = prev.notna() & ((prev < t["lower"]) | (prev > t["upper"]))
        return out

    def interpret(self, lang: str = "en") -> list[str]:
        check_lang(lang)
        if self.period is None or self.by:
            out = []
            t = self.table.sort_values("win_rate", ascending=False)
            if self.by and len(t) >= 2:
                top, rest = t.iloc[0], t.iloc[1:]
                name = _v(top[self.by[0]], lang)
                apart = bool((rest["upper"] < top["lower"]).all()) if self.basis == "count" else False
                if apart:
                    out.append(_t(lang, f"{name} has the highest win rate, {top['win_rate']:.1%} "
                                        f"(95% interval {top['lower']:.1%}–{top['upper']:.1%}), and every other "
                                        f"{self.by[0]}'s interval lies below it.",
                                  f"{name}的赢单率最高，为 {top['win_rate']:.1%}（95% 区间 {top['lower']:.1%}–"
                                  f"{top['upper']:.1%}），其他各组的区间都在它之下。"))
                else:
                    out.append(_t(lang, f"{name} has the highest win rate, {top['win_rate']:.1%}, but its interval "
                                        f"overlaps another {self.by[0]}'s: the ranking is not settled by these "
                                        "numbers.",
                                  f"{name}的赢单率最高，为 {top['win_rate']:.1%}，但其区间与其他组重叠：这些数字还"
                                  "不足以确定排名。"))
            return out
        mv = self.movements()
        if len(mv) < 2:
            return []
        last = mv.iloc[-1]
        head = _t(lang, f"The win rate of {last['period']} is {last['win_rate']:.1%} (95% interval "
                        f"{last['lower']:.1%}–{last['upper']:.1%}; {int(last['won'])} won of "
                        f"{int(last['won'] + last['lost'])} closed), against {last['previous']:.1%} in the period "
                        "before: ",
                  f"{last['period']} 的赢单率为 {last['win_rate']:.1%}（95% 区间 {last['lower']:.1%}–"
                  f"{last['upper']:.1%}；关闭 {int(last['won'] + last['lost'])} 个商机，赢单 {int(last['won'])} 个），"
                  f"上期为 {last['previous']:.1%}：")
        if last["movement"]:
            up = last["change"] > 0
            tail = _t(lang, f"a real {'rise' if up else 'fall'} — the earlier rate lies outside this interval.",
                      f"这是真实的{'上升' if up else '下降'}——上期的数值落在本期区间之外。")
        else:
            tail = _t(lang, "within the interval, so not a movement; keep watching.",
                      "仍在区间之内，不算起伏变化，继续观察。")
        n_mv, n_ch = int(mv["movement"].sum()), len(mv) - 1
        more = _t(lang, f"Of the {n_ch} change{'s' if n_ch != 1 else ''} between {len(mv)} periods, {n_mv} "
                        f"{'were' if n_mv != 1 else 'was'} beyond the interval.",
                  f"{len(mv)} 个期间之间的 {n_ch} 次变化中，有 {n_mv} 次超出了区间。")
        return [head + tail, more]

    def plot(self, ax=None, lang: str = "en", group: Any = None):
        from crmcore.sales.pipeline_plots import plot_win_rate

        return plot_win_rate(self, ax=ax, lang=lang, group=group)


def win_rate(opportunities: Any, *, by: str | Sequence[str] | None = None, period: str | None = None,
             basis: str = "count", asof: Any = None) -> WinRateResult:
    """Win rate = won ÷ (won + lost) closed in the period; open deals excluded.

    ``by``: column(s) such as owner, product, grade; ``period``: 'M', 'Q', 'Y' by close date (None: all).
    ``basis="amount"``: won amount ÷ (won + lost amount); the Wilson bounds stay on the counts.
    ``asof``: only deals closed (and created) before it count. ``cohort_win_rate``: won ÷ opportunities
    *created* in the period (open included) — the other denominator some vendors use.
    """
    if basis not in ("count", "amount"):
        raise ParameterError(f"basis={basis!r}; use 'count' or 'amount'.")
    o = b2b.check_opportunities(opportunities)
    if asof is not None and asof != "":
        a = _asof(asof)
        o = o[o["created"] < a].copy()
        late = o["closed"] >= a
        o.loc[late, "outcome"], o.loc[late, "closed"] = "open", pd.NaT
    by_cols = (by,) if isinstance(by, str) else tuple(by or ())
    for c in by_cols:
        if c not in o.columns:
            raise DataError(f"by={c!r}: no such column in the opportunities. Columns found: {', '.join(o.columns)}.")
    keys = list(by_cols) + (["period"] if period else [])
    closed = o[o["outcome"] != "open"].copy()
    if period:
        closed["period"] = _period_label(closed["closed"], period)
    closed["is_won"] = closed["outcome"] == "won"
    closed["won_amount"] = closed["amount"].where(closed["is_won"], 0.0)
    closed["lost_amount"] = closed["amount"].where(~closed["is_won"], 0.0)
    if keys:
        g = closed.groupby(keys, sort=True)
        t = pd.DataFrame({"won": g["is_won"].sum(), "lost": g["is_won"].size() - g["is_won"].sum(),
                          "won_amount": g["won_amount"].sum(), "lost_amount": g["lost_amount"].sum()}).reset_index()
    else:
        w = int(closed["is_won"].sum())
        t = pd.DataFrame({"won": [w], "lost": [len(closed) - w], "won_amount": [closed["won_amount"].sum()],
                          "lost_amount": [closed["lost_amount"].sum()]})
    t["won"], t["lost"] = t["won"].astype(int), t["lost"].astype(int)
    n = t["won"] + t["lost"]
    if basis == "count":
        t["win_rate"] = t["won"] / n.where(n > 0)
    else:
        tot = t["won_amount"] + t["lost_amount"]
        t["win_rate"] = t["won_amount"] / tot.where(tot > 0)
    t["lower"], t["upper"] = wilson(t["won"], n)
    cre = o.copy()
    if period:
        cre["period"] = _period_label(cre["created"], period)
        won_c = cre[cre["outcome"] == "won"]
        # cohort: of the deals created in the period, the share won so far
        cg = cre.groupby(keys).size().rename("created")
        wg = won_c.groupby(keys).size().rename("_won_c")
        t = t.merge(pd.concat([cg, wg], axis=1).fillna(0).reset_index(), on=keys, how="left")
        t["cohort_win_rate"] = t["_won_c"] / t["created"].where(t["created"] > 0)
        t = t.drop(columns="_won_c")
    else:
        cg = cre.groupby(list(by_cols)).size().rename("created") if by_cols else pd.Series({0: len(cre)})
        if by_cols:
            t = t.merge(cg.reset_index(), on=list(by_cols), how="left")
        else:
            t["created"] = len(cre)
        t["cohort_win_rate"] = t["won"] / t["created"].where(t["created"] > 0)
    t["created"] = t["created"].fillna(0).astype(int)
    return WinRateResult(t, basis, by_cols, period)


# --------------------------------------------------------------------------- conversion and P(win | stage)


def _journey(opportunities: pd.DataFrame, history: pd.DataFrame, stages: Sequence[str]) -> pd.DataFrame:
    """Per (opportunity, stage entered): the furthest stage index reached and the outcome."""
    order = {s: k for k, s in enumerate(stages)}
    h = history.assign(k=history["stage"].map(order))
    reach = h.groupby("opportunity_id")["k"].max().rename("max_k")
    h = h.merge(reach, on="opportunity_id")
    return h.merge(opportunities[["opportunity_id", "outcome"]], on="opportunity_id", how="left")


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


# --------------------------------------------------------------------------- state at asof


def _open_at(o: pd.DataFrame, h: pd.DataFrame, a: pd.Timestamp) -> pd.DataFrame:
    """Opportunities open on ``asof`` with their current stage and the date they entered it."""
    live = o[(o["created"] < a) & (o["closed"].isna() | (o["closed"] >= a))]
    cur = h[h["entered"] < a].sort_values(["opportunity_id", "entered"]).groupby("opportunity_id").tail(1)
    return live.merge(cur.rename(columns={"entered": "stage_entered"}), on="opportunity_id", how="left")


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


# --------------------------------------------------------------------------- aging, cycle, velocity, coverage


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


# --------------------------------------------------------------------------- grading and resources


#: the resources each grade gets (商机分级 → 资源配置), after the course material's presales scheduling:
#: A/B projects are owned by the delivery team to the end, C/D by the branch itself
RESOURCES = {
    "A": {"en": "delivery team owns it to the end; presales engineer; weekly review with the director",
          "zh": "交付团队全程负责；配备售前工程师；每周与总监复盘"},
    "B": {"en": "delivery team owns it to the end; presales on request; fortnightly review",
          "zh": "交付团队全程负责；按需调用售前；每两周复盘"},
    "C": {"en": "the branch handles it; standard proposal; monthly review",
          "zh": "分公司自行跟进；使用标准方案；每月复盘"},
    "D": {"en": "the branch handles it by phone and e-mail (inside sales); no presales",
          "zh": "分公司通过电话和邮件跟进（电话销售）；不投入售前"},
}


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


def grade_sentence(mix: pd.DataFrame, lang: str = "en") -> str:
    """Where the open amount sits by grade; says when A+B hold less than half the amount."""
    ab = mix[mix["grade"].isin(["A", "B"])]
    n_share, a_share = float(ab["count_share"].sum()), float(ab["amount_share"].sum())
    if a_share >= 0.5:
        return _t(lang, f"Grades A and B are {n_share:.0%} of the open deals but {a_share:.0%} of the open amount: "
                        "the delivery team's time belongs there.",
                  f"A、B 级商机占进行中商机数的 {n_share:.0%}，却占金额的 {a_share:.0%}：交付团队的时间应投在这里。")
    return _t(lang, f"Grades A and B are only {a_share:.0%} of the open amount ({n_share:.0%} of the deals): most of "
                    "the pipeline is C/D work for the branches.",
              f"A、B 级商机只占进行中金额的 {a_share:.0%}（数量的 {n_share:.0%}）：大部分商机是分公司自行跟进的 C、D 级。")


# --------------------------------------------------------------------------- month-end forecast


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


# --------------------------------------------------------------------------- plans, budgets, expenses


def _actual_by_month(opportunities: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    won = opportunities[opportunities["outcome"] == "won"]
    unit = accounts.set_index("account_id")["region"]
    return (won.assign(unit=won["account_id"].map(unit), month=won["closed"].dt.to_period("M").astype(str))
            .groupby(["month", "unit"])["amount"].sum().rename("actual").reset_index())


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


def plan_sentences(table: pd.DataFrame, lang: str = "en", tolerance: float = 0.1) -> list[str]:
    """The units whose actual missed the latest rolling plan by more than ``tolerance`` in the last month."""
    if table.empty:
        return []
    m = table["month"].max()
    t = table[table["month"] == m]
    tot_p, tot_a = t["planned"].sum(), t["actual"].sum()
    dev = (tot_a - tot_p) / tot_p if tot_p else np.nan
    out = [_t(lang, f"In {m} the units sold {tot_a:,.0f} against a rolling plan of {tot_p:,.0f} ({dev:+.1%}).",
              f"{m} 各业务单元实际赢单 {tot_a:,.0f}，滚动计划为 {tot_p:,.0f}（偏差 {dev:+.1%}）。")]
    far = t[t["deviation"].abs() > tolerance].sort_values("deviation")
    if far.empty:
        out.append(_t(lang, f"Every unit is within ±{tolerance:.0%} of its plan.",
                      f"各业务单元的偏差都在 ±{tolerance:.0%} 以内。"))
    else:
        items = ", ".join(f"{_v(r.unit, 'en')} {r.deviation:+.0%}" for r in far.itertuples())
        items_zh = "、".join(f"{_v(r.unit, 'zh')} {r.deviation:+.0%}" for r in far.itertuples())
        out.append(_t(lang, f"Beyond ±{tolerance:.0%} of plan: {items}. A change to next months' plan needs approval; "
                            "ask these units why before they revise.",
                      f"偏差超过 ±{tolerance:.0%} 的：{items_zh}。调整后续月份的滚动计划需要审批，调整前先请这些单元说明原因。"))
    return out


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


THEME_KEYS = {"volume": "product", "cost_effectiveness": "month", "customer": "account_id",
              "key_person": "contact_id", "staff": "owner"}


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


def cost_sentence(table: pd.DataFrame, key: str, lang: str = "en", *, overall: bool = True) -> str:
    """The overall expense-to-sales ratio (each won deal once) and the group with the highest one, and the groups
    with spend but no won sale; ``overall=False`` leaves the overall ratio out (a second theme of one report)."""
    tot_e = table.attrs.get("expense_total", table["expense"].sum())
    tot_s = table.attrs.get("sales_total", table["sales_served"].sum())
    none = table[(table["sales_served"] == 0) & (table["expense"] > 0)]
    ok = table.dropna(subset=["expense_ratio"])
    ratio = tot_e / tot_s if tot_s else np.nan
    s = _t(lang, f"Every 100 of won sales cost {100 * ratio:,.2f} in sales expenses (expense-to-sales ratio "
                 f"{ratio:.2%}).",
           f"每 100 元赢单花费销售费用 {100 * ratio:,.2f} 元（费效比 {ratio:.2%}）。") if overall else ""
    if len(ok):
        w = ok.iloc[0]
        s += _t(lang, f" The highest ratio: {_v(w[key], lang)} at {w['expense_ratio']:.2%}.",
                f"费效比最高的是{_v(w[key], lang)}，为 {w['expense_ratio']:.2%}。")
    if len(none):
        s += _t(lang, f" {len(none):,} group{'s' if len(none) != 1 else ''} spent {none['expense'].sum():,.0f} with no won "
                      "sale yet.",
                f"另有 {len(none):,} 组花费了 {none['expense'].sum():,.0f} 元，尚无赢单。")
    return s.strip()


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


# --------------------------------------------------------------------------- report helpers (notebook 12)


#: stage probabilities used when the data cannot teach them (a flat export has no stage history); the
#: ladder of HubSpot's default deal stages (20/40/60/80 %), one step per stage
DEFAULT_PROBABILITIES = {"qualify": 0.2, "needs": 0.4, "proposal": 0.6, "negotiate": 0.8}


def parse_probabilities(text: str, stages: Sequence[str] = b2b.STAGES) -> Any:
    """``"history"`` or ``"qualify:0.2, needs:0.4, …"`` (``=`` works too) → "history" or a dict (every stage, 0–1)."""
    text = (text or "").strip()
    if text in ("", "history"):
        return "history"
    out = {}
    for part in text.split(","):
        part = part.replace("=", ":")
        if ":" not in part:
            raise ParameterError(f"probabilities={text!r}: write 'history' or 'qualify:0.2, needs:0.4, ...'.")
        k, v = part.split(":", 1)
        try:
            out[k.strip()] = float(v)
        except ValueError:
            raise ParameterError(f"probabilities: {v.strip()!r} for {k.strip()!r} is not a number.") from None
    miss = [s for s in stages if s not in out]
    if miss or any(not 0 <= p <= 1 for p in out.values()):
        raise ParameterError(f"probabilities={text!r}: give every stage ({', '.join(stages)}) a value in 0–1.")
    return out


def data_source(data: b2b.B2BData, *, asof: Any, lang: str = "en") -> pd.DataFrame:
    """What the report reads: counts of opportunities by outcome, dates, and which tables are present."""
    a = _asof(asof)
    o = data.opportunities
    zh = check_lang(lang) == "zh"
    live = int(((o["created"] < a) & (o["closed"].isna() | (o["closed"] >= a))).sum())
    yes, no = ("有", "无") if zh else ("yes", "no")
    rows = [
        ("来源" if zh else "source", data.source),
        ("商机数" if zh else "opportunities", f"{len(o):,}"),
        ("赢单 / 输单 / 进行中" if zh else "won / lost / open",
         f"{(o['outcome'] == 'won').sum():,} / {(o['outcome'] == 'lost').sum():,} / {live:,}"),
        ("首个商机创建日" if zh else "first created", f"{o['created'].min():%Y-%m-%d}"),
        ("分析时点" if zh else "snapshot (asof)", a.strftime("%Y-%m-%d")),
        ("阶段历史" if zh else "stage history",
         ("只有当前阶段" if zh else "current stage only") if data.current_stage_only else
         (f"{len(data.stage_history):,} 条" if zh else f"{len(data.stage_history):,} rows")),
        ("滚动计划 / 预算 / 费用" if zh else "plans / budgets / expenses",
         " / ".join(yes if data.has(t) else no for t in ("plans", "budgets", "expenses"))),
    ]
    return pd.DataFrame(rows, columns=["item", "value"])


def data_notes(data: b2b.B2BData, lang: str = "en") -> list[str]:
    """What the data cannot support, said in the report (each only when it applies)."""
    out = []
    if data.current_stage_only:
        out.append(_t(lang, "The export holds each deal's current stage only: stage conversion and P(win | stage) "
                            "cannot be learned from it, days in stage count from the deal's creation, and the "
                            "weighted pipeline uses the given stage probabilities.",
                      "该导出文件只有每个商机的当前阶段：无法据此计算阶段转化率和各阶段赢单概率；阶段停留天数从商机"
                      "创建日起算；加权商机金额采用给定的阶段概率。"))
    if not data.lost_amount_known:
        out.append(_t(lang, "Lost deals carry no amount in this export (close value 0): win rates are by count only; "
                            "by amount they would be 100%.",
                      "该导出文件中输单商机没有金额（成交金额记为 0）：赢单率只按数量计算，若按金额计算会得到 100%。"))
    missing = [t for t in ("plans", "budgets", "expenses") if not data.has(t)]
    if missing:
        names = {"plans": ("rolling plans", "滚动计划"), "budgets": ("budgets", "预算"),
                 "expenses": ("expenses", "费用")}
        out.append(_t(lang, f"The data have no {_en_list([names[m][0] for m in missing])}: plan deviation and "
                            "cost-effectiveness are left out of this report.",
                      f"数据中没有{'、'.join(names[m][1] for m in missing)}：本报告不含计划偏差和费效分析。"))
    return out


def _en_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def competitor_table(opportunities: pd.DataFrame) -> pd.DataFrame:
    """Win rate by competitor × price-driven (the course's "competitors per opportunity" view)."""
    o = opportunities.assign(price_driven=opportunities["price_driven"].astype(bool))
    t = win_rate(o, by=["competitor", "price_driven"]).table
    return t[["competitor", "price_driven", "won", "lost", "win_rate", "lower", "upper"]]


def competitor_sentence(table: pd.DataFrame, lang: str = "en") -> str:
    """The competitor against whom price-driven deals are won least, and whether that is beyond the intervals."""
    pdv = table[table["price_driven"]].sort_values("win_rate")
    if pdv.empty:
        return ""
    w = pdv.iloc[0]
    rest = table.drop(index=w.name)
    apart = bool((rest["lower"] > w["upper"]).all())
    name = _v(w["competitor"], lang)
    if apart:
        return _t(lang, f"Against {name}, price-driven deals are won only {w['win_rate']:.1%} of the time (95% interval "
                        f"{w['lower']:.1%}–{w['upper']:.1%}), below every other group's interval: do not chase "
                        f"price-driven deals against {name} without a cost advantage.",
                  f"与{name}竞争的价格导向型商机赢单率只有 {w['win_rate']:.1%}（95% 区间 {w['lower']:.1%}–"
                  f"{w['upper']:.1%}），低于其他所有组的区间：没有成本优势时，不要在价格导向的商机上与{name}硬拼。")
    return _t(lang, f"Price-driven deals against {name} have the lowest win rate ({w['win_rate']:.1%}), but the "
                    "intervals overlap: not yet a pattern.",
              f"与{name}竞争的价格导向型商机赢单率最低（{w['win_rate']:.1%}），但区间相互重叠：还不能算规律。")


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


def bias_sentences(table: pd.DataFrame, lang: str = "en", *, early_days: int = 14) -> list[str]:
    """Names an owner as understating only when both signs hold (beats the team beyond his interval and wins
    ``early_days`` or more before the promised date); a high win rate alone is called skill, not sandbagging."""
    out = []
    for r in table.itertuples():
        beats = r.team_rate < r.lower
        early = r.days_vs_promise == r.days_vs_promise and r.days_vs_promise <= -early_days
        if beats and early:
            out.append(_t(lang, f"{_v(r.owner, lang)}'s deals that reached a proposal were won {r.win_rate:.0%} "
                                f"(95% interval {r.lower:.0%}–{r.upper:.0%}) against {r.team_rate:.0%} for the rest of "
                                f"the team, and closed a median {-r.days_vs_promise:.0f} days before the promised date: "
                                "their stages and dates understate the pipeline (sandbagging). Weight these deals "
                                "with the owner's own history.",
                          f"{_v(r.owner, lang)}进入方案报价阶段的商机赢单率为 {r.win_rate:.0%}（95% 区间 {r.lower:.0%}–"
                          f"{r.upper:.0%}），团队其他人为 {r.team_rate:.0%}；其赢单的成交日期中位数比承诺日期早 "
                          f"{-r.days_vs_promise:.0f} 天：其阶段和日期低报了商机（压单）。对这些商机应按该负责人自己的"
                          "历史赢单率加权。"))
        elif beats:
            out.append(_t(lang, f"{_v(r.owner, lang)} wins more of the deals that reach a proposal ({r.win_rate:.0%} "
                                f"against {r.team_rate:.0%}) and closes them on time: a strength to learn from, not a "
                                "forecasting problem.",
                          f"{_v(r.owner, lang)}进入方案报价阶段的商机赢单率更高（{r.win_rate:.0%}，团队其他人为 "
                          f"{r.team_rate:.0%}），且按承诺日期成交：这是值得学习的能力，而不是预测问题。"))
    return out
