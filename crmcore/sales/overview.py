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
from crmcore.door.data import CANONICAL, REQUIRED
from crmcore.errors import ParameterError
from crmcore.labels import check_lang, text
from crmcore.results import Result

LABELS = {
    "summary": {"en": "{lines:,} lines, {orders:,} orders and {customers:,} customers from {start:%Y-%m-%d} to "
                      "{end:%Y-%m-%d} ({months} months); revenue {revenue:,.0f}, average order value {aov:,.2f}.",
                "zh": "共 {lines:,} 行明细、{orders:,} 笔订单、{customers:,} 位客户，时间 {start:%Y-%m-%d} 至 "
                      "{end:%Y-%m-%d}（{months} 个月）；销售额 {revenue:,.0f}，客单价 {aov:,.2f}。"},
    "gaps": {"en": "{n} calendar day(s) without any sale, the longest gap {gap} day(s) ending {gap_end:%Y-%m-%d}.",
             "zh": "有 {n} 天没有任何销售，最长间断 {gap} 天（至 {gap_end:%Y-%m-%d}）。"},
    "no_gaps": {"en": "Every calendar day in the range has at least one sale.",
                "zh": "区间内每一天都有销售。"},
    "missing_optional": {"en": "Optional columns absent (methods that need them will say so): {cols}.",
                         "zh": "缺少可选列（需要它们的方法会提示）：{cols}。"},
    "plan_ok": {"en": "Plan: each month of {ps} to {pe} against the same month of {bs} to {be} plus {g:.1%}. "
                      "{n_hit} of {n} months reached their plan; the period as a whole reached {ach:.1%} "
                      "({actual:,.0f} against {plan:,.0f}); the weakest month was {low} at {low_ach:.1%}.",
                "zh": "计划对比：{ps} 至 {pe} 各月对比 {bs} 至 {be} 同月销售额加 {g:.1%} 的计划。"
                      "{n} 个月中 {n_hit} 个月完成计划；全期完成率 {ach:.1%}（实际 {actual:,.0f}，计划 {plan:,.0f}）；"
                      "完成率最低的是 {low}，为 {low_ach:.1%}。"},
    "plan_ramp_up": {"en": "Plan: no achievement is reported. The base period {bs} to {be} is a ramp-up, not a steady "
                           "year — active customers grew from {c0:,.0f} a month in its first quarter to {c1:,.0f} in "
                           "its last (×{x:.1f}) — so a plan of that year plus {g:.1%} would be beaten by the growth "
                           "alone. A plan comparison needs a full, comparable year as its base.",
                     "zh": "计划对比：不报告完成率。基期 {bs} 至 {be} 处于起步爬坡期而非平稳年份——月活跃客户数从第一季度的 "
                           "{c0:,.0f} 增长到第四季度的 {c1:,.0f}（{x:.1f} 倍）——在它的基础上加 {g:.1%} 制定的计划，"
                           "仅靠自然增长就会被大幅超过。计划对比需要一个完整、可比的年份作为基期。"},
    "plan_short": {"en": "Plan: no achievement is reported. The data hold {n} complete month(s) ({s} to {e}); a plan "
                         "from the same month a year earlier needs 24 (a full base year and the year compared).",
                   "zh": "计划对比：不报告完成率。数据只有 {n} 个完整月份（{s} 至 {e}）；按去年同月制定计划需要 24 个"
                         "完整月份（一个完整基期年加上对比年）。"},
    "plan_none": {"en": "Plan: no achievement is reported; the data hold no complete month.",
                  "zh": "计划对比：不报告完成率；数据中没有完整月份。"},
    "title_plan": {"en": "Plan comparison: actual against last year's same month + {g:.0%}",
                   "zh": "计划对比：实际对比去年同月加 {g:.0%}"},
    "plan": {"en": "plan", "zh": "计划"},
    "actual": {"en": "actual", "zh": "实际"},
    "lines": {"en": "transaction lines", "zh": "明细行数"},
    "period": {"en": "period", "zh": "时间范围"},
    "months": {"en": "months", "zh": "月数"},
    "figure": {"en": "figure", "zh": "指标"},
    "value": {"en": "value", "zh": "数值"},
    "title_time": {"en": "Monthly revenue, {s} to {e}: change on the previous month and on the same month last year",
                   "zh": "月度销售额（{s} 至 {e}）：环比与同比变化"},
    "title_space": {"en": "Revenue by {by}, {s} to {e}: difference from the mean of all {by}s",
                    "zh": "各{by}销售额（{s} 至 {e}）：与{by}平均值的差异"},
    "say_space": {"en": "Revenue by {by}, {s} to {e} — {rest}", "zh": "各{by}销售额（{s} 至 {e}）——{rest}"},
    "say_standard": {"en": "Average order value by {by}, {s} to {e}, against {bench} — {rest}",
                     "zh": "各{by}客单价（{s} 至 {e}）对比{bench}——{rest}"},
    "bench_mean": {"en": "the average order value of all orders", "zh": "全部订单的平均客单价"},
    "bench_given": {"en": "the benchmark given", "zh": "给定的标准"},
    "say_time": {"en": "Monthly revenue — {rest}", "zh": "月度销售额——{rest}"},
    "no_time": {"en": "Fewer than two complete months: no time comparison.",
                "zh": "完整月份不足两个，不做时间对比。"},
    "no_space": {"en": "These data have neither a region nor a channel column, so there is no space comparison.",
                 "zh": "数据中没有区域或渠道字段，因此不做空间对比。"},
    "no_standard": {"en": "These data have no channel, region or category column, so there is no standard comparison "
                          "of average order value.",
                    "zh": "数据中没有渠道、区域或品类字段，因此不做客单价的标准对比。"},
}

#: headers of the tables of this module (passed to ``crm.show(..., columns=COLUMNS)``)
COLUMNS = {
    "revenue": {"en": "Revenue", "zh": "销售额"},
    "value": {"en": "Average order value", "zh": "客单价"},
    "reference": {"en": "Standard", "zh": "标准值"},
    "pct_difference": {"en": "Difference (%)", "zh": "差异率"},
    "share": {"en": "Share of revenue", "zh": "销售额占比"},
    "rank": {"en": "Rank", "zh": "排名"},
    "step": {"en": "Cleaning step", "zh": "清洗步骤"},
    "rows_removed": {"en": "Rows removed", "zh": "删除行数"},
    "customers_removed": {"en": "Customers removed", "zh": "删除客户数"},
    "orders_removed": {"en": "Orders removed", "zh": "删除订单数"},
    "rows": {"en": "Rows left", "zh": "剩余行数"},
    "customers": {"en": "Customers left", "zh": "剩余客户数"},
    "orders": {"en": "Orders left", "zh": "剩余订单数"},
    "base_month": {"en": "Base month", "zh": "基期月份"},
    "base_revenue": {"en": "Base revenue", "zh": "基期销售额"},
    "plan": {"en": "Plan", "zh": "计划"},
    "actual": {"en": "Actual", "zh": "实际"},
    "achievement": {"en": "Achievement", "zh": "达成率"},
    "column": {"en": "Column", "zh": "字段"},
    "required": {"en": "Required", "zh": "必填"},
    "dtype": {"en": "Type", "zh": "类型"},
    "filled": {"en": "Filled", "zh": "非空"},
    "missing": {"en": "Missing", "zh": "缺失"},
    "distinct": {"en": "Distinct", "zh": "不同值"},
    "example": {"en": "Example", "zh": "示例"},
    "figure": {"en": "Figure", "zh": "指标"},
    "figure_value": {"en": "Value", "zh": "数值"},
}


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
        return plot_monthly(self, ax=ax, lang=lang)

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

    def interpret(self, lang: str = "en") -> str:
        check_lang(lang)
        t = self.totals
        parts = [text("summary", lang, LABELS).format(**t)]
        if self.gaps["n"]:
            parts.append(text("gaps", lang, LABELS).format(**self.gaps))
        else:
            parts.append(text("no_gaps", lang, LABELS))
        absent = [c for c in CANONICAL if c not in self.schema["column"].tolist()]
        if absent:
            parts.append(text("missing_optional", lang, LABELS).format(cols=", ".join(absent)))
        return ("" if lang == "zh" else " ").join(parts)


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


def plot_monthly(ov: Overview, ax: Any = None, lang: str = "en"):
    """Monthly revenue bars with the number of active customers on a second axis."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    m = ov.monthly
    sns.barplot(x=m["period"].dt.strftime("%Y-%m"), y=m["revenue"], color="#4c72b0", ax=ax)
    ax.set_xlabel(text("month", lang))
    ax.set_ylabel(text("revenue", lang))
    ax.tick_params(axis="x", rotation=90, labelsize=7)
    ax2 = ax.twinx()
    ax2.plot(range(len(m)), m["customers"], color="#dd8452", marker="o", ms=3)
    ax2.set_ylabel(text("customers", lang), color="#dd8452")
    ax.set_title({"en": "Monthly revenue and active customers", "zh": "月度销售额与活跃客户数"}[lang])
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax2.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    return ax


# ---------------------------------------------------------------------------------------------
# Like-for-like bases for comparison analysis
# ---------------------------------------------------------------------------------------------

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


def say(key: str, lang: str = "en", **kw: Any) -> str:
    """One of this module's sentences in ``lang``; ``by`` (a column name) is written as a word of the language."""
    from crmcore.labels import column

    check_lang(lang)
    if "by" in kw:
        kw["by"] = column(kw["by"], lang).lower() if lang == "en" else column(kw["by"], lang)
    for k in ("s", "e"):
        if isinstance(kw.get(k), pd.Timestamp):
            kw[k] = f"{kw[k]:%Y-%m-%d}"
    if "bench" in kw and isinstance(kw["bench"], str) and kw["bench"] in LABELS:
        kw["bench"] = text(kw["bench"], lang, LABELS)
    return text(key, lang, LABELS).format(**kw)


#: a base year whose active customers grow by at least this factor from its first to its last quarter
#: is a ramp-up (a business still filling up), not a base for a plan
RAMP_UP_FACTOR = 2.0


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

    def interpret(self, lang: str = "en") -> str:
        check_lang(lang)
        b = self.base
        if self.status == "ok":
            t = self.table
            low = t.loc[t["achievement"].idxmin()]
            return text("plan_ok", lang, LABELS).format(
                ps=t["month"].iloc[0], pe=t["month"].iloc[-1], bs=t["base_month"].iloc[0], be=t["base_month"].iloc[-1],
                g=self.growth, n_hit=int((t["achievement"] >= 1).sum()), n=len(t),
                ach=t["actual"].sum() / t["plan"].sum(), actual=t["actual"].sum(), plan=t["plan"].sum(),
                low=low["month"], low_ach=low["achievement"])
        if self.status == "ramp_up":
            return text("plan_ramp_up", lang, LABELS).format(bs=b["start"], be=b["end"], c0=b["c0"], c1=b["c1"],
                                                             x=b["c1"] / b["c0"], g=self.growth)
        if self.status == "short":
            return text("plan_short", lang, LABELS).format(n=b["n"], s=b["start"], e=b["end"])
        return text("plan_none", lang, LABELS)

    def plot(self, ax: Any = None, lang: str = "en"):
        """Actual and plan per month (only when there is a plan to compare with)."""
        from crmcore.plotting import new_ax

        check_lang(lang)
        ax = new_ax(ax, figsize=(9, 3.5))
        t = self.table
        x = np.arange(len(t))
        ax.bar(x - 0.2, t["plan"], width=0.4, color="#BBBBBB", label=text("plan", lang, LABELS))
        ax.bar(x + 0.2, t["actual"], width=0.4, color="#4C72B0", label=text("actual", lang, LABELS))
        ax.set_xticks(x, t["month"], rotation=45, ha="right", fontsize=8)
        ax.set_ylabel(text("revenue", lang))
        from matplotlib.ticker import FuncFormatter

        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_title(text("title_plan", lang, LABELS).format(g=self.growth))
        ax.legend(fontsize="small", loc="upper left")
        return ax


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
