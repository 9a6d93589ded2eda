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
from crmcore.errors import DataError, ParameterError
from crmcore.labels import check_lang, text
from crmcore.results import ParagraphResult, Result

#: stage keys in lifecycle order (the order of every table and plot)
STAGES = ("new", "growing", "mature", "declining", "won_back", "lapsed", "lost")

LABELS = {
    "new": {"en": "new", "zh": "新客"},
    "growing": {"en": "growing", "zh": "成长"},
    "mature": {"en": "mature (steady)", "zh": "成熟（稳定）"},
    "declining": {"en": "declining (pre-churn)", "zh": "衰退（预流失）"},
    "won_back": {"en": "won back", "zh": "赢回（回流）"},
    "lapsed": {"en": "lapsed (dormant)", "zh": "休眠（沉睡）"},
    "lost": {"en": "lost", "zh": "流失"},
    "none": {"en": "(not yet a customer)", "zh": "（尚未成为客户）"},
    "stage": {"en": "stage", "zh": "生命周期阶段"},
    "from": {"en": "from stage", "zh": "原阶段"},
    "to": {"en": "to stage", "zh": "新阶段"},
    "goal": {"en": "goal", "zh": "目标"},
    "roles": {"en": "roles", "zh": "负责角色"},
    "actions": {"en": "key actions", "zh": "关键动作"},
    "b2b": {"en": "B2B journey", "zh": "B2B 客户旅程"},
    "revenue_window": {"en": "revenue, last 365 days", "zh": "近365天销售额"},
    "stage_counts": {"en": "Customers by lifecycle stage, month by month", "zh": "各月末生命周期阶段客户数"},
    "flows_title": {"en": "Moves between stages (all months)", "zh": "阶段间迁移（各月合计）"},
}

#: report headers of :meth:`StageResult.counts` (pass as ``crm.show(..., columns=lifecycle.COLUMN_LABELS)``)
COLUMN_LABELS = {
    "stage": LABELS["stage"], "customers": {"en": "customers", "zh": "客户数"},
    "revenue_365": LABELS["revenue_window"], "share": {"en": "share of customers", "zh": "客户占比"},
    "revenue_share": {"en": "share of revenue, last 365 days", "zh": "近365天销售额占比"},
}

#: the stage playbook: goal, roles and key actions for each stage (en / zh), with the B2B
#: account journey 签约 → 启动 → 成长 → 成熟 → 预流失 → 续费 → 流失 each stage corresponds to.
PLAYBOOK: dict[str, dict[str, dict[str, str]]] = {
    "new": {
        "b2b": {"en": "signing, kick-off", "zh": "签约、启动"},
        "goal": {"en": "turn a first purchase into a second one; make the start smooth",
                 "zh": "促成第二次购买，让客户顺利上手"},
        "roles": {"en": "sales, onboarding / customer success", "zh": "销售、客户成功（实施/启动）"},
        "actions": {"en": "welcome contact, first-use help, a reason to come back within one rhythm",
                    "zh": "欢迎回访、使用指导、在一个购买周期内给出复购理由"},
    },
    "growing": {
        "b2b": {"en": "growth", "zh": "成长"},
        "goal": {"en": "widen the relationship: more categories, larger orders",
                 "zh": "扩大合作：更多品类、更大订单"},
        "roles": {"en": "account manager, marketing", "zh": "客户经理、市场"},
        "actions": {"en": "cross-sell and up-sell on what they already buy; volume offers",
                    "zh": "基于已购品类交叉销售和向上销售；阶梯优惠"},
    },
    "mature": {
        "b2b": {"en": "maturity, renewal", "zh": "成熟、续费"},
        "goal": {"en": "keep share of wallet and renew on time", "zh": "保持钱包份额，按时续约"},
        "roles": {"en": "account manager, service", "zh": "客户经理、客服"},
        "actions": {"en": "loyalty benefits, service reviews, renew before the term ends",
                    "zh": "会员权益、定期服务回顾、到期前提前续约"},
    },
    "declining": {
        "b2b": {"en": "pre-churn warning", "zh": "预流失"},
        "goal": {"en": "find the reason before the customer leaves", "zh": "在客户离开前找到原因"},
        "roles": {"en": "account manager, customer success, product", "zh": "客户经理、客户成功、产品"},
        "actions": {"en": "call or visit, ask what changed, fix the service issue, targeted offer",
                    "zh": "电话或拜访、了解变化、解决服务问题、定向优惠"},
    },
    "won_back": {
        "b2b": {"en": "renewal after a break", "zh": "续费（回流）"},
        "goal": {"en": "make the return stick", "zh": "巩固回流，防止再次流失"},
        "roles": {"en": "customer success, marketing", "zh": "客户成功、市场"},
        "actions": {"en": "thank-you contact, check what brought them back, close follow-up for two rhythms",
                    "zh": "致谢回访、了解回流原因、两个购买周期内密切跟进"},
    },
    "lapsed": {
        "b2b": {"en": "pre-churn (late)", "zh": "预流失（后期）"},
        "goal": {"en": "wake the customer with a behaviour-based offer", "zh": "用基于行为的方案唤醒客户"},
        "roles": {"en": "CRM / marketing automation, sales", "zh": "CRM/营销自动化、销售"},
        "actions": {"en": "reactivation offer on their favourite category, reminder of their last order",
                    "zh": "针对偏好品类的唤醒优惠、提醒上次购买"},
    },
    "lost": {
        "b2b": {"en": "churn", "zh": "流失"},
        "goal": {"en": "learn why; win back only those worth the cost", "zh": "了解流失原因，只挽回值得挽回的客户"},
        "roles": {"en": "marketing, management (churn review)", "zh": "市场、管理层（流失复盘）"},
        "actions": {"en": "exit survey, win-back campaign for high-value accounts, otherwise low-cost newsletters",
                    "zh": "流失调研；高价值客户做挽回活动，其余低成本触达"},
    },
}


#: the B2B account journey as the CRM 3.0 course material gives it (签约 → 启动 → 成长 → 成熟 → 预流失 → 续费 → 流失),
#: each step with the behavioural stage that shows it in transaction data
B2B_JOURNEY = (
    ("signing", "签约", "new"),
    ("kick-off", "启动", "new"),
    ("growth", "成长", "growing"),
    ("maturity", "成熟", "mature"),
    ("pre-churn", "预流失", "declining"),
    ("renewal", "续费", "won_back"),
    ("churn", "流失", "lost"),
)


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


# ------------------------------------------------------------------ rules
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


# ------------------------------------------------------------------ results
#: readable headers of the results' to_frame(lang) (the result protocol of crmcore.results)
_RESULT_COLUMNS: dict[str, dict[str, str]] = {
    "purchase_days": {"en": "Purchase days", "zh": "购买天数"},
    "rhythm_days": {"en": "Usual days between purchases", "zh": "常规购买间隔（天）"},
    "recency_days": {"en": "Days since the last purchase", "zh": "距最近一次购买天数"},
    "recency_ratio": {"en": "Recency ÷ usual interval", "zh": "沉默天数 ÷ 常规间隔"},
    "last_gap_days": {"en": "Last gap (days)", "zh": "最近一次间隔（天）"},
    "return_gap_days": {"en": "Gap before the return (days)", "zh": "回流前的间隔（天）"},
    "revenue_last": {"en": "Revenue, last window", "zh": "最近窗口销售额"},
    "revenue_prev": {"en": "Revenue, window before", "zh": "上一窗口销售额"},
    "median_gap": {"en": "Median gap (days)", "zh": "间隔中位数（天）"},
    "prior_gap": {"en": "Usual gap before the window (days)", "zh": "窗口前的常规间隔（天）"},
}


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
        import matplotlib.pyplot as plt

        check_lang(lang)
        c = self.counts()
        if ax is None:
            _, ax = plt.subplots()
        ax.barh([text(s, lang, LABELS) for s in c["stage"]][::-1], c["customers"][::-1], color="#4c72b0")
        ax.set_xlabel(text("customers", lang))
        ax.set_title(f"{text('stage', lang, LABELS)} — {self.asof:%Y-%m-%d}")
        return ax


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
        first, last = c.columns[0], c.columns[-1]
        top = c[last].idxmax()
        n_top = int(c.at[top, last])
        stage = text(top, lang, LABELS)
        moved = self.moved_share()
        if lang == "zh":
            out = [f"在 {first} 至 {last} 的 {c.shape[1]} 个月末划分了客户生命周期阶段；最后一个月末人数最多的阶段是"
                   f"“{stage}”（{n_top:,} 位客户）。"]
            if len(moved):
                out.append(f"平均每月有 {moved.mean():.1%} 的老客户从一个阶段进入另一个阶段。")
            return out
        out = [f"Lifecycle stages were taken at {c.shape[1]} month ends from {first} to {last}; at the last one the "
               f"largest stage is {stage} ({n_top:,} customers)."]
        if len(moved):
            out.append(f"On average {moved.mean():.1%} of existing customers move to another stage each month.")
        return out

    def plot(self, ax=None, lang: str = "en"):
        import matplotlib.pyplot as plt

        check_lang(lang)
        c = self.counts()
        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4.5))
        x = pd.to_datetime(c.columns)
        ax.stackplot(x, c.to_numpy(), labels=[text(s, lang, LABELS) for s in c.index], alpha=0.85)
        ax.set_ylabel(text("customers", lang))
        ax.set_title(text("stage_counts", lang, LABELS))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
        return ax

    def plot_transitions(self, ax=None, lang: str = "en"):
        import matplotlib.pyplot as plt
        import seaborn as sns

        check_lang(lang)
        m = self.transitions(lang=lang)
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 5.5))
        sns.heatmap(m, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax)
        ax.set_xlabel(text("to", lang, LABELS))
        ax.set_ylabel(text("from", lang, LABELS))
        ax.set_title(text("flows_title", lang, LABELS))
        return ax


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
    for i, (en, zh, stage) in enumerate(B2B_JOURNEY, start=1):
        row = {"step": i, text("b2b", lang, LABELS): en if lang == "en" else zh,
               text("stage", lang, LABELS): text(stage, lang, LABELS)}
        if counts is not None:
            row[text("customers", lang)] = int(counts[stage])
        rows.append(row)
    return pd.DataFrame(rows)


#: stages of customers still buying (the churn warning's population) and of customers already gone
ACTIVE = ("new", "growing", "mature", "declining", "won_back")
GONE = ("lapsed", "lost")


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
    if lang == "zh":
        return (f"截至 {result.asof:%Y-%m-%d}，{n:,} 位客户中仍活跃的有 {active:,} 位，已休眠或流失的有 {gone:,} 位；"
                f"人数最多的阶段是「{text(top, 'zh', LABELS)}」（{top_n:,} 位，{top_share:.1%}）。"
                f"活跃客户中处于衰退（预流失）阶段的有 {dec_n:,} 位，近365天贡献销售额 {dec_rev:,.0f}（{dec_share:.1%}），"
                f"是流失预警要盯住的人；新客、成长和赢回客户共 {grow:,} 位。")
    return (f"As of {result.asof:%Y-%m-%d}, {active:,} of the {n:,} customers are still active and {gone:,} have "
            f"lapsed or are lost; the largest stage is '{text(top, 'en', LABELS)}' ({top_n:,}, {top_share:.1%}). "
            f"{dec_n:,} active customers are declining (pre-churn); they brought {dec_rev:,.0f} ({dec_share:.1%}) "
            f"of the last 365 days' revenue and are whom the churn warning watches. "
            f"{grow:,} customers are new, growing or won back.")
