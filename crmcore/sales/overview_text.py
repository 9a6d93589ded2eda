"""The words of the data overview (:mod:`crmcore.sales.overview`): its catalogues and its sentences.

:data:`LABELS` (sentence templates, chart and row words) and :data:`COLUMNS` (table headers), the sentences
of the overview and of the plan comparison (the bodies of their ``interpret``), and :func:`say`, which writes
one of the notebook's leads around a comparison's sentences.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from crmcore.door.data import CANONICAL
from crmcore.labels import Catalogue, check_lang, column, text
from crmcore.sales.targets_text import paragraph, sentences

if TYPE_CHECKING:
    from crmcore.sales.overview import Overview, PlanComparison

#: sentence templates, chart words and the key figures' row names
LABELS = Catalogue("overview.labels", {
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
    "title_monthly": {"en": "Monthly revenue and active customers", "zh": "月度销售额与活跃客户数"},
})

#: headers of the tables of this module (passed to ``crm.show(..., columns=COLUMNS)``)
COLUMNS = Catalogue("overview.columns", {
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
})


def say(key: str, lang: str = "en", **kw: Any) -> str:
    """One of this module's sentences in ``lang``; ``by`` (a column name) is written as a word of the language,
    ``rest`` (a comparison's sentences, ``interpret(lang)``) is joined into one paragraph."""
    check_lang(lang)
    if "by" in kw:
        kw["by"] = column(kw["by"], lang).lower() if lang == "en" else column(kw["by"], lang)
    for k in ("s", "e"):
        if isinstance(kw.get(k), pd.Timestamp):
            kw[k] = f"{kw[k]:%Y-%m-%d}"
    if "bench" in kw and isinstance(kw["bench"], str) and kw["bench"] in LABELS:
        kw["bench"] = LABELS(kw["bench"], lang)
    if "rest" in kw:
        kw["rest"] = paragraph(kw["rest"], lang)
    return text(key, lang, LABELS).format(**kw)


def overview_sentences(ov: Overview, lang: str) -> list[str]:
    """Size, span and money of the data; days without sales; optional columns absent."""
    check_lang(lang)
    parts = [LABELS("summary", lang, **ov.totals)]
    parts.append(LABELS("gaps", lang, **ov.gaps) if ov.gaps["n"] else LABELS("no_gaps", lang))
    absent = [c for c in CANONICAL if c not in ov.schema["column"].tolist()]
    if absent:
        parts.append(LABELS("missing_optional", lang, cols=", ".join(absent)))
    return sentences(parts, lang)


def plan_comparison_sentences(pc: PlanComparison, lang: str) -> list[str]:
    """The plan's achievement, or why no achievement is reported."""
    check_lang(lang)
    b = pc.base
    if pc.status == "ok":
        t = pc.table
        low = t.loc[t["achievement"].idxmin()]
        said = LABELS("plan_ok", lang, ps=t["month"].iloc[0], pe=t["month"].iloc[-1], bs=t["base_month"].iloc[0],
                      be=t["base_month"].iloc[-1], g=pc.growth, n_hit=int((t["achievement"] >= 1).sum()), n=len(t),
                      ach=t["actual"].sum() / t["plan"].sum(), actual=t["actual"].sum(), plan=t["plan"].sum(),
                      low=low["month"], low_ach=low["achievement"])
    elif pc.status == "ramp_up":
        said = LABELS("plan_ramp_up", lang, bs=b["start"], be=b["end"], c0=b["c0"], c1=b["c1"], x=b["c1"] / b["c0"],
                      g=pc.growth)
    elif pc.status == "short":
        said = LABELS("plan_short", lang, n=b["n"], s=b["start"], e=b["end"])
    else:
        said = LABELS("plan_none", lang)
    return sentences([said], lang)
