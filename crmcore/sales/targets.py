"""Sales targets and tracking from the weight index (权重指数): daily targets, month forecast, comparison.

The spreadsheet method of data-driven management (数据化管理) turns daily sales history into
weights and uses them to set and track targets:

* **weekly weight index** (周权重指数) ``K``, set in one of two ways:

  - ``weekly_index="derived"`` — 黄成明's way: the weakest weekday gets day weight 1.0, every other
    weekday its average sales as a multiple of the weakest one's, and K is the sum of the seven day
    weights ("usually between 7 and 14"); so K is read from the data and says how uneven the week is;
  - a number 7 ≤ K ≤ 14 (default 7) — a fixed scale the company chooses; K = 7 makes an average
    day weigh 1.0, so the unit weight value reads as "sales of an average day";
* **day weight index** (日权重指数) of weekday N
  ``w_N = (average daily sales on weekday N ÷ average weekly sales) × K``, where
  average weekly sales = total sales of the period ÷ (days in the period ÷ 7);
* **month weight index** (月权重指数) ``W = Σ w_d`` over the days d of the month;
* **daily sales target** (日销售目标) ``target_d = monthly target × w_d ÷ W``;
* **month sales forecast** (月销售预测值) ``F = Σ sales so far ÷ (Σ w_d so far ÷ W)``;
* **unit weight value** (单位权重值) ``u = Σ daily sales ÷ Σ w_d``, so ``F = u × W``.

With uniform daily sales every ``w_N = K / 7``; over whole weeks the seven weights sum to K.
K only sets the scale of the weights: targets and forecasts are ratios of weights and do not
depend on it, so the two ways give the same targets and forecasts; the unit weight value (sales per
unit of weight) does depend on it — with the derived K it reads as "sales of a day as strong as the
weakest weekday".

Reference: 黄成明 (Huang Chengming), 《数据化管理：洞悉零售及电子商务运营》, 电子工业出版社, 2014,
chapter on the weight index method for targets and forecasts (权重指数法).

The library functions take daily sales (a Series date → sales, or the frame
``crmcore.engine.periodic_sales(tx, freq="D")`` returns); :func:`daily_sales` builds them from
canonical transactions.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.errors import DataError, DomainError, ParameterError, data_error
from crmcore.labels import WEEKDAYS, check_lang, text
from crmcore.labels import value as _value
from crmcore.plotting import new_ax
from crmcore.results import Result

MISSING = ("error", "zero")

#: headers of this module's tables, for ``crm.show(frame, lang, columns=COLUMNS)``
COLUMNS: dict[str, dict[str, str]] = {
    "item": {"en": "Item", "zh": "项目"},
    "basis": {"en": "Basis", "zh": "对比基准"},
    "value": {"en": "Value", "zh": "数值"},
    "reference": {"en": "Reference", "zh": "对比值"},
    "difference": {"en": "Difference", "zh": "差额"},
    "pct_difference": {"en": "Difference (%)", "zh": "差异率"},
    "mom": {"en": "MoM (环比)", "zh": "环比"},
    "yoy": {"en": "YoY (同比)", "zh": "同比"},
    "weekday": {"en": "Weekday", "zh": "星期"},
    "label": {"en": "Weekday", "zh": "星期"},
    "days": {"en": "Days", "zh": "天数"},
    "total_sales": {"en": "Total sales", "zh": "销售额合计"},
    "mean_daily_sales": {"en": "Mean daily sales", "zh": "日均销售额"},
    "day_weight": {"en": "Day weight index", "zh": "日权重指数"},
    "uniform_weight": {"en": "Average day (K/7)", "zh": "平均每天（K/7）"},
    "month_weight": {"en": "Month weight index", "zh": "月权重指数"},
    "share": {"en": "Share", "zh": "占比"},
    "share_of_year": {"en": "Share of the year", "zh": "占全年比例"},
    "target": {"en": "Target", "zh": "目标"},
    "cum_target": {"en": "Cumulative target", "zh": "累计目标"},
    "actual": {"en": "Actual", "zh": "实际"},
    "cum_actual": {"en": "Cumulative actual", "zh": "累计实际"},
    "gap": {"en": "Gap", "zh": "差额"},
    "forecast": {"en": "Month forecast", "zh": "月销售预测值"},
    "expected": {"en": "Expected", "zh": "预期"},
    "index": {"en": "Actual ÷ expected", "zh": "实际÷预期"},
    "unit_weight_value": {"en": "Unit weight value", "zh": "单位权重值"},
    "days_elapsed": {"en": "Days counted", "zh": "已过天数"},
    "days_in_month": {"en": "Days in month", "zh": "当月天数"},
    "sales_to_date": {"en": "Sales to date", "zh": "累计销售额"},
    "weight_to_date": {"en": "Weight to date", "zh": "累计权重"},
    "weight_share": {"en": "Weighted time progress", "zh": "权重时间进度"},
    "run_rate_forecast": {"en": "Run-rate forecast", "zh": "简单日均外推"},
    "forecast_achievement": {"en": "Forecast achievement", "zh": "预计达成率"},
    "day": {"en": "Forecast day", "zh": "预测日"},
    "figure": {"en": "Figure", "zh": "指标"},
    "figure_value": {"en": "Value", "zh": "数值"},
    "date": {"en": "Date", "zh": "日期"},
    "month": {"en": "Month", "zh": "月份"},
    "months": {"en": "Months", "zh": "月数"},
    "mape_weight": {"en": "MAPE, weight index (%)", "zh": "权重指数法 MAPE（%）"},
    "mape_run_rate": {"en": "MAPE, run rate (%)", "zh": "简单日均外推 MAPE（%）"},
    "unit": {"en": "Unit", "zh": "单位"},
}

LABELS: dict[str, dict[str, str]] = {
    "weight_index": {"en": "weight index", "zh": "权重指数"},
    "weekly_index": {"en": "weekly weight index", "zh": "周权重指数"},
    "day_weight": {"en": "day weight index", "zh": "日权重指数"},
    "month_weight": {"en": "month weight index", "zh": "月权重指数"},
    "daily_target": {"en": "daily sales target", "zh": "日销售目标"},
    "forecast": {"en": "month sales forecast", "zh": "月销售预测值"},
    "unit_weight_value": {"en": "unit weight value", "zh": "单位权重值"},
    "cum_actual": {"en": "cumulative actual", "zh": "累计实际销售"},
    "cum_target": {"en": "cumulative target", "zh": "累计目标"},
    "forecast_path": {"en": "forecast path", "zh": "预测路径"},
    "daily_uwv": {"en": "day's sales ÷ day weight", "zh": "当日销售÷日权重"},
    "cum_uwv": {"en": "unit weight value to date", "zh": "累计单位权重值"},
    "target_uwv": {"en": "unit weight value the target needs", "zh": "目标所需单位权重值"},
    "sales": {"en": "sales", "zh": "销售额"},
    "day_of_month": {"en": "day of month", "zh": "日"},
    "title_weights": {"en": "Day weight index by weekday", "zh": "一周各天的日权重指数"},
    "title_cumulative": {"en": "Cumulative sales vs target and forecast", "zh": "累计销售、目标与预测"},
    "title_uwv": {"en": "Unit weight value curve", "zh": "单位权重曲线"},
    "title_daily": {"en": "Daily sales and daily targets", "zh": "每日销售与日目标"},
    "title_compare": {"en": "Comparison analysis", "zh": "对比分析"},
    "title_backtest": {"en": "Month forecast error (MAPE) by forecast day", "zh": "按预测日的月预测误差（MAPE）"},
    "uniform": {"en": "uniform (K/7)", "zh": "均匀（K/7）"},
    "weakest_one": {"en": "weakest weekday = 1.0", "zh": "最弱的一天 = 1.0"},
    "title_compare_time": {"en": "Time comparison: change against the previous period and last year",
                           "zh": "时间对比：环比与同比变化"},
    "title_compare_space": {"en": "Space comparison: difference from the mean of all units",
                            "zh": "空间对比：与各单位平均值的差异"},
    "title_compare_space_ref": {"en": "Space comparison: difference from {ref}", "zh": "空间对比：与{ref}的差异"},
    "title_compare_plan": {"en": "Plan comparison: difference from target", "zh": "计划对比：与目标的差异"},
    "title_compare_standard": {"en": "Standard comparison: difference from the standard",
                               "zh": "标准对比：与标准的差异"},
    "forecast_day": {"en": "forecast made on day", "zh": "预测日（当月第几天）"},
    "mape": {"en": "MAPE (%)", "zh": "平均绝对百分比误差（%）"},
    "method_weight": {"en": "weight index", "zh": "权重指数法"},
    "method_run_rate": {"en": "run rate", "zh": "简单日均外推"},
    "difference_pct": {"en": "difference (%)", "zh": "差异（%）"},
    # comparison bases
    "basis_mom": {"en": "vs previous period (MoM)", "zh": "环比"},
    "basis_yoy": {"en": "vs same period last year (YoY)", "zh": "同比"},
    "basis_mean": {"en": "vs mean of all", "zh": "对比平均"},
    "basis_ref": {"en": "vs {ref}", "zh": "对比{ref}"},
    "basis_target": {"en": "vs target", "zh": "对比目标"},
    "basis_benchmark": {"en": "vs benchmark", "zh": "对比标准"},
    # interpretation templates
    "say_weights_derived": {
        "en": "The weekly weight index is derived from the data as in 黄成明's method: the weakest weekday, "
              "{worst}, gets 1.0 and {best}, the strongest, {wbest:.2f}, so K = {K:.2f} (the sum of the seven day "
              "weights; the method expects 7 to 14), so an average day weighs K/7 = {uni:.2f}.",
        "zh": "按黄成明的方法由数据推出周权重指数：最弱的{worst}记为 1.0，最强的{best}为 {wbest:.2f}，"
              "七天日权重之和即 K = {K:.2f}（通常在 7 到 14 之间），平均每天的权重为 K/7 = {uni:.2f}。",
    },
    "say_weights_zero": {
        "en": "{days} had no sales in the history, so the day weight and the daily target are 0.",
        "zh": "{days}在历史期间没有销售，其日权重和日目标均为 0。",
    },
    "average_day": {"en": "average day (K/7)", "zh": "平均每天（K/7）"},
    "say_weights_derived_high": {
        "en": "K is above 14: the weakest weekday sells far less than the others, so check whether the shop "
              "is closed or short-staffed that day.",
        "zh": "K 大于 14：最弱的一天销售远低于其他日子，请核实当天是否停业或人手不足。",
    },
    "say_weights": {
        "en": "With a weekly weight index of {K:g}, {best} carries the highest day weight ({wbest:.2f}) and "
              "{worst} the lowest ({wworst:.2f}); a uniform week would give every day {uni:.2f}.",
        "zh": "周权重指数取 {K:g} 时，{best}的日权重指数最高（{wbest:.2f}），{worst}最低（{wworst:.2f}）；"
              "若每天销售均匀，每天应为 {uni:.2f}。",
    },
    "say_weights_period": {
        "en": "The weights come from {days:,} days of sales ({start} to {end}, {weeks:.1f} weeks; "
              "average weekly sales {aws:,.0f}).",
        "zh": "权重来自 {start} 至 {end} 共 {days:,} 天（{weeks:.1f} 周）的销售，平均周销售额 {aws:,.0f}。",
    },
    "say_targets": {
        "en": "A target of {T:,.0f} for {month} (month weight index {W:.2f}) means {hi:,.0f} on the strongest "
              "day ({hi_day}) and {lo:,.0f} on the weakest ({lo_day}).",
        "zh": "{month} 目标 {T:,.0f}（月权重指数 {W:.2f}）分解到日：最高的一天（{hi_day}）{hi:,.0f}，"
              "最低的一天（{lo_day}）{lo:,.0f}。",
    },
    "say_forecast": {
        "en": "After {days} of {n} days of {month}, sales are {s:,.0f}, which is {pw:.1%} of the month's weight; "
              "the unit weight value is {u:,.1f}, so the month forecast is {F:,.0f} "
              "(a plain run-rate forecast says {rr:,.0f}).",
        "zh": "{month}已过 {days}/{n} 天，累计销售 {s:,.0f}，占当月权重的 {pw:.1%}；单位权重值 {u:,.1f}，"
              "月销售预测值为 {F:,.0f}（简单日均外推为 {rr:,.0f}）。",
    },
    "say_forecast_target": {
        "en": "Against the target of {T:,.0f} that is {ach:.1%}: {verdict}.",
        "zh": "相对目标 {T:,.0f}，预计完成 {ach:.1%}：{verdict}。",
    },
    "on_track": {"en": "on track", "zh": "可以完成"},
    "behind": {"en": "behind target, {gap:,.0f} short", "zh": "落后于目标，缺口 {gap:,.0f}"},
    "say_track": {
        "en": "By {asof}, cumulative sales are {ca:,.0f} against a cumulative target of {ct:,.0f} ({gap:+,.0f}).",
        "zh": "截至 {asof}，累计销售 {ca:,.0f}，累计目标 {ct:,.0f}（差额 {gap:+,.0f}）。",
    },
    "say_extremes": {
        "en": "Best day against its weight-adjusted expectation: {bd} ({bi:.0%} of expected); worst: {wd} ({wi:.0%}).",
        "zh": "相对权重调整后预期的极值：最好的一天 {bd}（为预期的 {bi:.0%}），最差的一天 {wd}（{wi:.0%}）。",
    },
    "say_backtest": {
        "en": "Over {m} past months, the weight-index month forecast made on day {d} missed the month total by "
              "{mw} on average (MAPE); a plain run-rate forecast missed by {mr}.",
        "zh": "在过去 {m} 个月中，于第 {d} 天做出的权重指数法月预测，平均绝对百分比误差（MAPE）分别为 {mw}；"
              "简单日均外推为 {mr}。",
    },
    "say_standard": {
        "en": "{n_hit} of {n} meet the standard of {ref}; the furthest below is {item} ({pct:+,.1%}).",
        "zh": "{n} 项中 {n_hit} 项达到标准 {ref}；差距最大的是{item}（{pct:+,.1%}）。",
    },
    "say_standard_all": {
        "en": "All {n} meet the standard{of}; the closest to it is {item} ({pct:+.1%}).",
        "zh": "{n} 项全部达到{of}标准；最接近标准的是{item}（{pct:+,.1%}）。",
    },
    "say_standard_each": {
        "en": "{n_hit} of {n} meet their standard; the furthest below is {item} ({pct:+,.1%}).",
        "zh": "{n} 项中 {n_hit} 项达到各自的标准；差距最大的是{item}（{pct:+,.1%}）。",
    },
    "say_backtest_better": {
        "en": "The weight index is the better forecast on {k} of {n} forecast days.",
        "zh": "在 {n} 个预测日中，有 {k} 个权重指数法更准。",
    },
    "say_compare_top": {
        "en": "{basis}: the highest is {item} ({pct:+,.1%}), the lowest {item2} ({pct2:+,.1%}).",
        "zh": "{basis}：最高的是{item}（{pct:+,.1%}），最低的是{item2}（{pct2:+,.1%}）。",
    },
    "say_compare_one": {
        "en": "{basis}: {item} is {value:,.0f} against {ref:,.0f} ({pct:+,.1%}).",
        "zh": "{basis}：{item} 为 {value:,.0f}，对比值 {ref:,.0f}（{pct:+,.1%}）。",
    },
    "say_target_last_year": {
        "en": "No target was given, so it is derived from the data: the same days a year earlier ({s} to {e}) sold "
              "{b:,.0f}; plus {g:.1%} growth that is {T:,.0f}.",
        "zh": "未给定目标，由数据推算：去年同期（{s} 至 {e}）销售 {b:,.0f}，加上 {g:.1%} 的增长，目标为 {T:,.0f}。",
    },
    "say_target_pace": {
        "en": "No target was given and the data do not cover the same days a year earlier, so it is derived from "
              "the pace of {hs} to {he}: {u:,.2f} per unit of weight × the period's weight {W:,.2f} = {b:,.0f}; "
              "plus {g:.1%} growth that is {T:,.0f}.",
        "zh": "未给定目标，且数据不含去年同期，按 {hs} 至 {he} 的销售节奏推算：每单位权重 {u:,.2f} × 本期权重 {W:,.2f} "
              "= {b:,.0f}，加上 {g:.1%} 的增长，目标为 {T:,.0f}。",
    },
    "say_days_with_sales": {"en": "Days with sales", "zh": "有销售的天数"},
    "say_days_without": {"en": "Days without sales (counted as 0 with missing='zero')",
                         "zh": "没有销售的天数（missing='zero' 时按 0 计）"},
    "say_data_span": {"en": "Data from – to", "zh": "数据起止日期"},
    "say_month_tracked": {"en": "Month tracked", "zh": "跟踪月份"},
    "say_last_day": {"en": "Last day counted", "zh": "最后计入日"},
    "rule_derived": {"en": "K derived (weakest weekday = 1)", "zh": "推算的 K（最弱的一天 = 1）"},
    "rule_fixed": {"en": "K fixed", "zh": "固定的 K"},
    "row_k": {"en": "weekly weight index K", "zh": "周权重指数 K"},
    "row_month_weight": {"en": "month weight index", "zh": "月权重指数"},
    "row_first_target": {"en": "day 1's share of a target of {T:,.0f}", "zh": "目标 {T:,.0f} 中第 1 天的日目标"},
    "ctx_time": {"en": "Complete months before {month} — {rest}", "zh": "{month} 之前的完整月份——{rest}"},
    "ctx_space": {"en": "Sales by {by}, {s} to {e} — {rest}", "zh": "各{by}销售额（{s} 至 {e}）——{rest}"},
    "ctx_plan": {"en": "Sales by {by}, {s} to {e}, against the target to that day — {rest}",
                 "zh": "各{by} {s} 至 {e} 的销售额对比截至当天的累计目标——{rest}"},
    "ctx_standard": {"en": "Share of each {by}'s month target achieved by {e}, against the weighted time progress "
                           "(the standard of a {by} on plan) — {rest}",
                     "zh": "截至 {e} 各{by}的月目标完成比例，对比权重时间进度（按计划推进应达到的标准）——{rest}"},
    "say_month_complete": {
        "en": "{month} is complete ({n} of {n} days): sales are {s:,.0f}, so the forecast is the actual total.",
        "zh": "{month} 已经结束（{n}/{n} 天）：销售额 {s:,.0f}，预测值即实际总额。",
    },
    "say_month_complete_target": {
        "en": "Against the target of {T:,.0f} that is {ach:.1%}: {verdict}.",
        "zh": "相对目标 {T:,.0f}，完成 {ach:.1%}：{verdict}。",
    },
    "reached": {"en": "target reached", "zh": "已完成目标"},
    "missed": {"en": "target missed by {gap:,.0f}", "zh": "未完成目标，差 {gap:,.0f}"},
    "title_space_by": {"en": "Sales by {by}, {s} to {e}: difference from the mean",
                       "zh": "各{by}销售额（{s} 至 {e}）：与平均值的差异"},
    "say_plan_units": {
        "en": "The year's target is split across {n} {by}s by their share of sales from {s} to {e}.",
        "zh": "全年目标按 {s} 至 {e} 的销售占比分解到 {n} 个{by}。",
    },
    "say_plan_unit_fallback": {
        "en": "These data have no {first} column, so the units are the {by} values instead.",
        "zh": "数据中没有{first}字段，因此改按{by}分解。",
    },
    "say_plan_no_units": {
        "en": "These data have none of the columns {cols}, so the target is not split across units.",
        "zh": "数据中没有 {cols} 中的任何字段，因此目标不再分解到单位。",
    },
    "say_plan_months_last_year": {
        "en": "Months get the share each month had of {ly}'s sales.",
        "zh": "各月目标按 {ly} 年各月销售额占比分配。",
    },
    "say_plan_months_weights": {
        "en": "The data do not cover all of {ly}, so months get their share of the year's month weight index "
              "instead of last year's monthly shares.",
        "zh": "数据没有覆盖 {ly} 年全年，因此各月目标按月权重指数占全年的比例分配，而不是按去年各月销售占比。",
    },
    "say_plan": {
        "en": "{n_hit} of {n} reached their target; the lowest achievement is {item} at {ach:.1%}.",
        "zh": "{n} 项中 {n_hit} 项完成目标；完成率最低的是{item}，为 {ach:,.1%}。",
    },
}


def _sep(lang: str) -> str:
    """Between two sentences: a space in English, nothing after a Chinese full stop."""
    return "" if lang == "zh" else " "


def _t(key: str, lang: str, **kw: Any) -> str:
    s = text(key, lang, LABELS)
    return s.format(**kw) if kw else s


# ---------------------------------------------------------------------------------------------
# Input checks (at the door; helpers below trust their input)
# ---------------------------------------------------------------------------------------------

WEEKLY_INDEX_RULES = ("derived", "fixed")


def weekly_index_choice(rule: str, weekly_index: float = 7) -> float | str:
    """The ``weekly_index=`` argument from a notebook's two parameters: ``rule`` "derived" (K from the
    data, 黄成明's way) or "fixed" (K = ``weekly_index``, 7..14)."""
    if rule == "derived":
        return "derived"
    if rule == "fixed":
        return _check_weekly_index(weekly_index)
    raise ParameterError(f"weekly_index_rule={rule!r}: use 'derived' (K read from the data, the weakest weekday = 1) "
                         "or 'fixed' (K = weekly_index, between 7 and 14).")


def _check_weekly_index(weekly_index: Any) -> float | str:
    if isinstance(weekly_index, str) and weekly_index.strip().lower() == "derived":
        return "derived"
    try:
        k = float(weekly_index)
    except (TypeError, ValueError):
        raise ParameterError(f"weekly_index={weekly_index!r} is not a number or 'derived'; choose 'derived' (K read from "
                             "the data, 黄成明's way) or a fixed weekly weight index (周权重指数) between 7 and 14.") from None
    if not (7 <= k <= 14) or math.isnan(k):
        raise ParameterError(
            f"weekly_index={weekly_index!r} is outside 7..14; the weekly weight index (周权重指数) is either "
            "'derived' (read from the data) or a fixed number between 7 and 14 (7 makes an average day weigh 1)."
        )
    return k


def _check_missing(missing: str) -> str:
    if missing not in MISSING:
        raise ParameterError(
            f"missing={missing!r} is not an option; use 'error' (stop and list days without sales) or "
            "'zero' (the shop was open: a day without sales sold 0)."
        )
    return missing


def _month(month: Any, name: str = "month") -> pd.Period:
    # strings must spell the year: dateutil would read "June" as June of the current year
    if isinstance(month, str) and not re.fullmatch(r"\d{4}-\d{1,2}(-\d{1,2})?", month.strip()):
        raise ParameterError(f"{name}={month!r} is not a month; write it like '2025-06'.")
    try:
        if isinstance(month, pd.Period):
            return month.asfreq("M")
        return pd.Period(pd.Timestamp(month), freq="M")
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={month!r} is not a month; write it like '2025-06'.") from None


def _date(value: Any, name: str) -> pd.Timestamp:
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}([ T][\d:.]+)?", value.strip()):
        raise ParameterError(f"{name}={value!r} is not a date; write it like '2025-06-15'.")
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={value!r} is not a date; write it like '2025-06-15'.") from None
    if ts is pd.NaT:
        raise ParameterError(f"{name}={value!r} is not a date; write it like '2025-06-15'.")
    return ts.normalize()


def _check_amount(value: Any, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={value!r} is not a number.") from None
    if not np.isfinite(v) or v < 0:
        raise ParameterError(f"{name}={value!r} must be a finite amount ≥ 0.")
    return v


def _as_daily(daily_sales: Any, *, value: str = "revenue", name: str = "daily_sales") -> pd.Series:
    """Daily sales as a float Series on a sorted, unique, midnight DatetimeIndex (named 'date')."""
    if isinstance(daily_sales, pd.DataFrame):
        df = daily_sales
        date_col = next((c for c in ("period", "date", "order_date") if c in df.columns), None)
        if date_col is None and isinstance(df.index, pd.DatetimeIndex):
            s = df[value] if value in df.columns else (df.iloc[:, 0] if df.shape[1] == 1 else None)
        elif date_col is not None and value in df.columns:
            s = pd.Series(df[value].to_numpy(), index=df[date_col].to_numpy())
        else:
            s = None
        if s is None:
            raise data_error(
                f"needs a date column ('period' or 'date') and a sales column {value!r}",
                source=name, columns=list(df.columns),
                fix="pass crmcore.engine.periodic_sales(tx, freq='D') or a Series date → sales; choose the column with value=",
            )
    elif isinstance(daily_sales, pd.Series):
        s = daily_sales
    else:
        raise DataError(f"{name}: expected a pandas Series (date → sales) or DataFrame, got {type(daily_sales).__name__}.")
    try:
        idx = pd.DatetimeIndex(pd.to_datetime(s.index))
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name}: the index (dates) could not be read as dates ({exc}). Index the sales by date.") from None
    if (idx != idx.normalize()).any():
        pos = np.flatnonzero(idx != idx.normalize())
        raise data_error(
            "carry a time of day, so these look like transactions, not daily sales",
            source=name, column="date", n_bad=len(pos), n_total=len(idx),
            examples=[(int(i), str(idx[i])) for i in pos[:3]],
            fix="aggregate to days first with crmcore.targets.daily_sales(tx)",
        )
    vals = pd.to_numeric(pd.Series(np.asarray(s), index=idx), errors="coerce").astype(float)
    bad = np.flatnonzero(~np.isfinite(vals.to_numpy()))
    if len(bad):
        raise data_error(
            "are not numbers", source=name, column="sales", n_bad=len(bad), n_total=len(vals),
            examples=[(str(idx[i].date()), s.iloc[i]) for i in bad[:3]],
            fix="fix or drop those days; a day the shop was open with no sales is 0",
        )
    neg = np.flatnonzero(vals.to_numpy() < 0)
    if len(neg):
        raise data_error(
            "are negative", source=name, column="sales", n_bad=len(neg), n_total=len(vals),
            examples=[(str(idx[i].date()), float(vals.iloc[i])) for i in neg[:3]],
            fix="net returns can push a day below zero; clean the transactions with returns='drop' or check those days",
        )
    dup = idx.duplicated()
    if dup.any():
        pos = np.flatnonzero(dup)
        raise data_error(
            "are repeated dates", source=name, column="date", n_bad=len(pos), n_total=len(idx),
            examples=[(int(i), str(idx[i].date())) for i in pos[:3]],
            fix="sum the sales per day first (one row per date)",
        )
    out = vals.sort_index()
    out.index.name = "date"
    out.name = "sales"
    return out


def _complete(s: pd.Series, start: pd.Timestamp, end: pd.Timestamp, missing: str, name: str,
              skip: pd.DatetimeIndex | None = None) -> tuple[pd.Series, int]:
    """Sales on every day start..end; days without a row raise (missing='error') or are 0."""
    days = pd.date_range(start, end, freq="D", name="date")
    absent = days.difference(s.index)
    if skip is not None:
        absent = absent.difference(skip)
    if len(absent) and missing == "error":
        shown = ", ".join(str(d.date()) for d in absent[:5])
        raise DataError(
            f"{name}: {len(absent):,} of {len(days):,} days between {start.date()} and {end.date()} have no sales "
            f"row ({shown}{', ...' if len(absent) > 5 else ''}). If the shop was open on those days and sold nothing, "
            "pass missing='zero'; otherwise choose a period without gaps."
        )
    return s.reindex(days, fill_value=0.0).astype(float), int(len(absent))


def _holidays(holidays: Any) -> pd.DataFrame | None:
    """Holiday table → DataFrame(date, weight, name) sorted by date."""
    if holidays is None:
        return None
    if isinstance(holidays, Mapping):
        df = pd.DataFrame({"date": list(holidays.keys()), "weight": list(holidays.values())})
    elif isinstance(holidays, pd.DataFrame):
        df = holidays.copy()
    else:
        raise ParameterError(
            f"holidays must be a DataFrame with columns 'date' and 'weight' (and optionally 'name') or a "
            f"dict date → weight, not {type(holidays).__name__}."
        )
    missing_cols = [c for c in ("date", "weight") if c not in df.columns]
    if missing_cols:
        raise data_error(
            f"needs column(s) {', '.join(missing_cols)}", source="holidays", columns=list(df.columns),
            fix="give one row per holiday date with its day weight index",
        )
    dates = pd.to_datetime(df["date"], errors="coerce")
    bad = np.flatnonzero(dates.isna().to_numpy())
    if len(bad):
        raise data_error("are not dates", source="holidays", column="date", n_bad=len(bad), n_total=len(df),
                         examples=[(int(i), df["date"].iloc[i]) for i in bad[:3]], fix="write dates like '2025-10-01'")
    w = pd.to_numeric(df["weight"], errors="coerce")
    bad = np.flatnonzero(~(w >= 0).to_numpy())
    if len(bad):
        raise data_error("are not weights ≥ 0", source="holidays", column="weight", n_bad=len(bad), n_total=len(df),
                         examples=[(int(i), df["weight"].iloc[i]) for i in bad[:3]],
                         fix="give each holiday its own day weight index, a number ≥ 0")
    out = pd.DataFrame({"date": dates.dt.normalize(), "weight": w.astype(float),
                        "name": df["name"].astype(str) if "name" in df.columns else ""})
    if out["date"].duplicated().any():
        d = out.loc[out["date"].duplicated(), "date"].iloc[0]
        raise DataError(f"holidays: the date {d.date()} appears twice; keep one weight per date.")
    return out.sort_values("date", ignore_index=True)


def _allocate(total: float, weights: np.ndarray, round_to: float | None, what: str) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` so that the parts add up to ``total``.

    With ``round_to`` (0.01 = cents, 1 = whole units) the parts are multiples of it, shared out
    by the largest-remainder (Hamilton) method: floor every exact share, then give one more unit
    to the largest fractional remainders (earlier position first on ties).
    """
    w = np.asarray(weights, dtype=float)
    tot_w = w.sum()
    if tot_w <= 0:
        raise DomainError(f"{what}: the weights sum to {tot_w:g}, so the target cannot be shared out; "
                          "check that the sales history has sales on these days.")
    share = w / tot_w
    if round_to is None:
        parts = total * share
        if len(parts) > 1:
            # the last part takes the float residue so the parts add up to the total
            parts[-1] = total - math.fsum(parts[:-1])
        return parts
    units_f = total / round_to
    n_units = int(round(units_f))
    if abs(units_f - n_units) > 1e-6 * max(1.0, abs(units_f)):
        raise ParameterError(
            f"{what}: the target {total!r} is not a multiple of round_to={round_to!r}, so rounded parts cannot add "
            "up to it exactly; round the target first or pass round_to=None."
        )
    raw = n_units * share
    base = np.floor(raw + 1e-9).astype(np.int64)
    rest = n_units - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    decimals = max(0, math.ceil(-math.log10(round_to) - 1e-9))
    return np.round(base * round_to, decimals)


def _check_round_to(round_to: Any) -> float | None:
    if round_to is None:
        return None
    try:
        r = float(round_to)
    except (TypeError, ValueError):
        raise ParameterError(f"round_to={round_to!r} is not a number; use e.g. 0.01 (cents), 1, or None.") from None
    if not (r > 0) or not np.isfinite(r):
        raise ParameterError(f"round_to={round_to!r} must be > 0; use e.g. 0.01 (cents), 1, or None (no rounding).")
    return r


# ---------------------------------------------------------------------------------------------
# Entry point from transactions
# ---------------------------------------------------------------------------------------------

def daily_sales(tx: Any, *, value: str = "revenue") -> pd.Series:
    """Daily sales (date → ``value``) from canonical transactions, via the engine.

    Days with no sales have no row; the weight functions fill or reject them (``missing=``).
    ``value`` is a column of :func:`crmcore.engine.periodic_sales`: "revenue" (default),
    "orders", "customers" or "quantity".
    """
    from crmcore import engine

    if value not in ("revenue", "orders", "customers", "quantity"):
        raise ParameterError(f"value={value!r}: use 'revenue', 'orders', 'customers' or 'quantity'.")
    df = engine.periodic_sales(tx, freq="D")
    s = pd.Series(df[value].to_numpy(dtype=float), index=pd.DatetimeIndex(df["period"]).normalize(), name=value)
    s.index.name = "date"
    return s.sort_index()


def sales_by(tx: Any, *, by: str, start: Any, end: Any, value: str = "revenue") -> pd.Series:
    """Sales per unit (region, channel...) between ``start`` and ``end`` inclusive, via the engine.

    The input of a space or plan comparison (:func:`compare`) and of unit shares in
    :func:`decompose_target`.
    """
    from crmcore import engine

    lo, hi = _date(start, "start"), _date(end, "end")
    df = engine.periodic_sales(tx, freq="D", by=by)
    if value not in df.columns:
        raise ParameterError(f"value={value!r}: use 'revenue', 'orders', 'customers' or 'quantity'.")
    d = pd.DatetimeIndex(df["period"]).normalize()
    out = df.loc[(d >= lo) & (d <= hi)].groupby(by)[value].sum().astype(float).sort_index()
    out.index = out.index.astype(str)
    return out


def history_period(before: Any, *, weeks: int = 52, not_before: Any = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The ``weeks`` whole weeks that end the day before ``before`` (a date or a month's first day).

    Whole weeks give every weekday the same number of days, so the seven day weights sum to K.
    ``not_before`` (the first day of the data): fewer whole weeks when the data do not reach back
    ``weeks`` weeks, so days before the data are never counted as days without sales.
    """
    if isinstance(before, (str, pd.Period)) and len(str(before)) == 7:
        end = _month(before).start_time - pd.Timedelta(days=1)
    else:
        end = _date(before, "before") - pd.Timedelta(days=1)
    if int(weeks) < 1:
        raise ParameterError(f"weeks={weeks!r} must be at least 1.")
    if not_before is not None:
        avail = ((end - _date(not_before, "not_before")).days + 1) // 7
        if avail < 1:
            raise DataError(f"the data start on {_date(not_before, 'not_before').date()}, less than one whole week "
                            f"before {(end + pd.Timedelta(days=1)).date()}; the weights need at least one week of history.")
        weeks = min(int(weeks), avail)
    return end - pd.Timedelta(days=7 * int(weeks) - 1), end


def report_period(daily_sales: Any, *, month: Any = "", asof: Any = "") -> tuple[str, pd.Timestamp]:
    """The month to track and the last day counted, derived from the data when not given.

    ``asof`` is the snapshot date (sales *before* it are counted; empty: the day after the last
    day with sales). ``month`` empty: the month of the last day counted. A given month that ends
    before the snapshot is tracked to its last day; one that has not started by it is refused.
    """
    s = _as_daily(daily_sales)
    if s.empty:
        raise DataError("daily_sales is empty; there is no month to track.")
    first, last = s.index.min(), s.index.max()
    snap = _date(asof, "asof") if asof not in ("", None) else last + pd.Timedelta(days=1)
    day = snap - pd.Timedelta(days=1)
    p = day.to_period("M") if month in ("", None) else _month(month)
    span = f"the data run from {first.date()} to {last.date()}"
    if p.start_time > day:
        raise ParameterError(f"month={str(p)!r} has not started by asof={snap.date()} ({span}); leave month empty "
                             f"for {day.to_period('M')} or pick a month up to it.")
    if p.end_time.normalize() < first:
        raise ParameterError(f"month={str(p)!r} lies before the data ({span}); leave month empty for "
                             f"{day.to_period('M')} or pick a month inside the data.")
    return str(p), min(day, p.end_time.normalize())


def data_summary(daily_sales: Any, month: Any, last_day: Any, lang: str = "en") -> pd.DataFrame:
    """What the daily sales cover and which month and days a report counts, as (figure, figure_value)."""
    check_lang(lang)
    s = _as_daily(daily_sales)
    first, last = s.index.min(), s.index.max()
    span = (last - first).days + 1
    rows = [("say_days_with_sales", f"{len(s):,}"), ("say_days_without", f"{span - len(s):,}"),
            ("say_data_span", f"{first.date()} – {last.date()}"), ("say_month_tracked", str(_month(month))),
            ("say_last_day", f"{_date(last_day, 'last_day').date()}")]
    return pd.DataFrame([(_t(k, lang), v) for k, v in rows], columns=["figure", "figure_value"])


def compare_weekly_index(daily_sales: Any, month: Any, last_day: Any, weights: Sequence[WeightIndex], *,
                         target: float = 1000.0, missing: str = "zero", lang: str = "en") -> pd.DataFrame:
    """The same month under several weight indices (e.g. derived K and K = 7), side by side: K, the
    month weight, the first day's target, the forecast and the unit weight value — the targets and the
    forecast agree, the weights and the unit weight value scale with K."""
    check_lang(lang)
    rows = {}
    for wi in weights:
        wi = _check_weights(wi)
        f = forecast_month(daily_sales, month, wi, asof=last_day, missing=missing)
        t = daily_targets(target, month, wi)
        name = _t("rule_derived" if wi.weekly_index_rule == "derived" else "rule_fixed", lang)
        rows[name] = {_t("row_k", lang): f"{wi.weekly_index:,.3f}",
                      _t("row_month_weight", lang): f"{wi.month_weight(month):,.3f}",
                      _t("row_first_target", lang, T=target): f"{t.targets.iloc[0]:,.4f}",
                      _t("forecast", lang): f"{f.forecast:,.2f}",
                      _t("unit_weight_value", lang): f"{f.unit_weight_value:,.2f}"}
    return pd.DataFrame(rows)


def in_context(sentence: str, key: str, lang: str = "en", **kw: Any) -> str:
    """``sentence`` (a comparison's interpretation) after a lead that says what was compared and when:
    ``key`` is one of "ctx_time", "ctx_space", "ctx_plan", "ctx_standard"; ``by`` a column name."""
    from crmcore.labels import column

    check_lang(lang)
    if not sentence:
        return ""
    if "by" in kw:
        kw["by"] = column(kw["by"], lang).lower() if lang == "en" else column(kw["by"], lang)
    for k in ("s", "e"):
        if k in kw:
            kw[k] = _date(kw[k], k).date()
    return _t(key, lang, rest=sentence, **kw)


def space_title(by: str, start: Any, end: Any, lang: str = "en") -> str:
    """A chart title that names what a space comparison compares: '<by> sales, <start> to <end>: …'."""
    from crmcore.labels import column

    check_lang(lang)
    name = column(by, lang).lower() if lang == "en" else column(by, lang)
    return _t("title_space_by", lang, by=name, s=_date(start, "start").date(), e=_date(end, "end").date())


#: readable headers of the results' to_frame(lang) (the result protocol of crmcore.results)
_RESULT_COLUMNS: dict[str, dict[str, str]] = {
    "start": {"en": "Start", "zh": "开始日期"},
    "end": {"en": "End", "zh": "结束日期"},
    "base": {"en": "Base", "zh": "基数"},
    "asof": {"en": "As of", "zh": "截至日期"},
}


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
    _columns = _RESULT_COLUMNS

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"start": self.start, "end": self.end, "basis": self.basis, "base": self.base,
                              "growth": self.growth, "target": self.value}])

    def interpret(self, lang: str = "en") -> str:
        check_lang(lang)
        if self.basis == "last_year":
            return _t("say_target_last_year", lang, s=self.base_start.date(), e=self.base_end.date(), b=self.base,
                      g=self.growth, T=self.value)
        return _t("say_target_pace", lang, u=self.unit_value, W=self.weight, b=self.base, g=self.growth,
                  T=self.value, hs=self.base_start.date(), he=self.base_end.date())


def derive_target(daily_sales: Any, start: Any, end: Any, weights: WeightIndex, *, growth: float = 0.10,
                  missing: str = "zero") -> DerivedTarget:
    """A target for the days ``start``..``end`` when the company has not given one.

    If the data cover the same days one year earlier completely: their sales × (1 + ``growth``)
    (the same-period-last-year plan of comparison analysis). Otherwise the history's pace:
    u = Σ sales ÷ Σ day weights over the weights' history period, times the weight of the days
    (Σ w_d), × (1 + ``growth``) — what the period would sell at last year's pace, adjusted for its
    weekday mix.
    """
    wi = _check_weights(weights)
    lo, hi = _date(start, "start"), _date(end, "end")
    try:
        g = float(growth)
    except (TypeError, ValueError):
        raise ParameterError(f"growth={growth!r} is not a number like 0.10.") from None
    if not np.isfinite(g) or g <= -1:
        raise ParameterError(f"growth={growth!r} must be a number above -1 (e.g. 0.10 for +10%).")
    s = _as_daily(daily_sales)
    b_lo, b_hi = lo - pd.DateOffset(years=1), hi - pd.DateOffset(years=1)
    if not s.empty and s.index.min() <= b_lo and s.index.max() >= b_hi:
        full, _ = _complete(s.loc[b_lo:b_hi], b_lo, b_hi, _check_missing(missing), "daily_sales")
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


# ---------------------------------------------------------------------------------------------
# Weight index
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False, repr=False)
class WeightIndex(Result):
    """Day weight index per weekday (and per holiday), estimated from daily sales.

    ``table`` has one row per weekday (0 = Monday): days, total and mean daily sales, day weight.
    """

    table: pd.DataFrame
    weekly_index: float
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    n_days: int
    total_sales: float
    avg_weekly_sales: float
    holidays: pd.DataFrame | None = None
    missing: str = "error"
    n_filled: int = 0
    warnings: tuple[str, ...] = ()
    weekly_index_rule: str = "fixed"
    method: str = "weight index: w_N = mean sales on weekday N / (total sales / (days / 7)) * K"
    title: str = "Day weight index (日权重指数)"
    _conventions = ("method", "weekly_index_rule", "weekly_index", "start", "end", "missing")

    @property
    def n_weeks(self) -> float:
        return self.n_days / 7

    @property
    def weekday_weights(self) -> pd.Series:
        """Day weight index per weekday (index 0 = Monday ... 6 = Sunday)."""
        return self.table.set_index("weekday")["day_weight"]

    @classmethod
    def from_weekday_weights(cls, weights: Sequence[float], *, weekly_index: float | None = None,
                             holidays: Any = None) -> "WeightIndex":
        """A weight index from seven given day weights (Monday first), e.g. from a spreadsheet."""
        w = np.asarray(list(weights), dtype=float)
        if w.shape != (7,) or not np.all(np.isfinite(w)) or (w < 0).any():
            raise ParameterError(f"weights must be seven numbers ≥ 0, Monday first; got {list(weights)!r}.")
        k = float(w.sum()) if weekly_index is None else float(weekly_index)
        table = pd.DataFrame({"weekday": range(7), "label": WEEKDAYS["en"], "days": 0, "total_sales": np.nan,
                              "mean_daily_sales": np.nan, "day_weight": w})
        return cls(table=table, weekly_index=k, start=None, end=None, n_days=0, total_sales=float("nan"),
                   avg_weekly_sales=float("nan"), holidays=_holidays(holidays), method="given weekday weights")

    def day_weights(self, start: Any, end: Any) -> pd.Series:
        """Day weight index of every date start..end (holidays take their own weight)."""
        days = pd.date_range(_date(start, "start"), _date(end, "end"), freq="D", name="date")
        w = pd.Series(self.weekday_weights.to_numpy()[days.day_of_week], index=days, name="day_weight")
        if self.holidays is not None:
            h = self.holidays.set_index("date")["weight"]
            hit = days.intersection(h.index)
            w.loc[hit] = h.loc[hit].to_numpy()
        return w

    def month_days(self, month: Any) -> pd.Series:
        """Day weights of the days of ``month`` ('2025-06')."""
        p = _month(month)
        return self.day_weights(p.start_time, p.end_time.normalize())

    def month_weight(self, month: Any) -> float:
        """Month weight index (月权重指数): the sum of the day weights of the month's days."""
        return float(self.month_days(month).sum())

    def month_weights(self, year: int) -> pd.DataFrame:
        """Month weight index of every month of ``year``, with its share of the year's weight."""
        rows = []
        for m in range(1, 13):
            p = pd.Period(year=int(year), month=m, freq="M")
            rows.append({"month": str(p), "days": p.days_in_month, "month_weight": self.month_weight(p)})
        df = pd.DataFrame(rows)
        df["share"] = df["month_weight"] / df["month_weight"].sum()
        return df

    def to_frame(self) -> pd.DataFrame:
        out = self.table.copy()
        out["uniform_weight"] = self.weekly_index / 7
        return out

    def plot(self, ax=None, lang: str = "en"):
        return plot_weights(self, ax=ax, lang=lang)

    def interpret(self, lang: str = "en") -> str:
        """Sentences about the weights, generated from the numbers."""
        check_lang(lang)
        w = self.weekday_weights
        names = WEEKDAYS[lang]
        if self.weekly_index_rule == "derived":
            pos = w[w > 0]
            s = _t("say_weights_derived", lang, K=self.weekly_index, best=names[int(w.idxmax())], wbest=w.max(),
                   worst=names[int(pos.idxmin())], uni=self.weekly_index / 7)
            if self.weekly_index > 14:
                s += _sep(lang) + _t("say_weights_derived_high", lang)
        else:
            s = _t("say_weights", lang, K=self.weekly_index, best=names[int(w.idxmax())], wbest=w.max(),
                   worst=names[int(w.idxmin())], wworst=w.min(), uni=self.weekly_index / 7)
        zero = [names[i] for i in range(7) if w.iloc[i] <= 0]
        if zero:
            s += _sep(lang) + _t("say_weights_zero", lang, days=("、" if lang == "zh" else ", ").join(zero))
        if self.start is not None:
            s += _sep(lang) + _t("say_weights_period", lang, days=self.n_days, start=self.start.date(), end=self.end.date(),
                          weeks=self.n_weeks, aws=self.avg_weekly_sales)
        return s


def weight_index(daily_sales: Any, *, weekly_index: float | str = 7, period: tuple[Any, Any] | None = None,
                 missing: str = "error", holidays: Any = None, value: str = "revenue") -> WeightIndex:
    """Day weight index (日权重指数) of each weekday from daily sales.

    ``w_N = (mean daily sales on weekday N ÷ average weekly sales) × K`` with
    average weekly sales = Σ sales of the period ÷ (days in the period ÷ 7) and K the
    weekly weight index (周权重指数). Uniform sales give every w_N = K/7.

    Parameters
    ----------
    daily_sales : Series date → sales, or the DataFrame of ``engine.periodic_sales(tx, freq="D")``.
    weekly_index : ``"derived"`` — K read from the data as 黄成明 (2014) does it: the weakest weekday
        (lowest mean daily sales above 0) gets w = 1.0, so w_N = mean_N ÷ weakest mean and
        K = average weekly sales ÷ weakest mean (= the sum of the seven weights over whole weeks;
        "usually between 7 and 14"); a weekday that never sells gets 0 and a warning.
        Or a number 7 ≤ K ≤ 14 (default 7): a fixed scale. Targets and forecasts are the same either
        way; the unit weight value is not (it is measured in units of weight).
    period : (start, end), inclusive; default the first to the last date in ``daily_sales``.
        Use whole weeks (see :func:`history_period`) so the seven weights sum to K exactly.
    missing : "error" (default) — a day in the period without a sales row stops with the list of
        such days; "zero" — the shop was open and sold nothing, the day counts as 0.
    holidays : optional DataFrame (date, weight[, name]) or dict date → weight. Those dates take
        the given weight in month weights and daily targets, and are left out of the estimation
        (both the weekday means and the average weekly sales), so they do not distort the weekdays.
        A holiday's weight is on the scale of the weekday weights: with ``"derived"`` it is a multiple
        of the weakest weekday, with K = 7 a multiple of an average day.
    value : the sales column when ``daily_sales`` is a DataFrame.
    """
    k = _check_weekly_index(weekly_index)
    missing = _check_missing(missing)
    s = _as_daily(daily_sales, value=value)
    hol = _holidays(holidays)
    if period is None:
        if s.empty:
            raise DataError("daily_sales is empty; the weight index needs at least one week of daily sales.")
        start, end = s.index.min(), s.index.max()
    else:
        if not isinstance(period, (tuple, list)) or len(period) != 2:
            raise ParameterError(f"period={period!r} must be a (start, end) pair of dates, e.g. ('2024-01-01', '2024-12-29').")
        start, end = _date(period[0], "period start"), _date(period[1], "period end")
        if end < start:
            raise ParameterError(f"period={period!r} ends before it starts.")
    skip = pd.DatetimeIndex(hol["date"]) if hol is not None else None
    full, n_filled = _complete(s, start, end, missing, "daily_sales", skip=skip)
    if skip is not None:
        full = full.loc[~full.index.isin(skip)]
    n_days = len(full)
    counts = np.bincount(full.index.day_of_week, minlength=7)
    if (counts == 0).any():
        absent = [WEEKDAYS["en"][i] for i in np.flatnonzero(counts == 0)]
        raise DataError(
            f"daily_sales: the period {start.date()} to {end.date()} has no {', '.join(absent)} "
            "(outside holidays), so their day weights cannot be estimated; use a period of whole weeks."
        )
    total = float(full.sum())
    if total <= 0:
        raise DomainError(f"daily_sales: total sales between {start.date()} and {end.date()} are 0; "
                          "the weights need a period with sales.")
    avg_weekly = total / (n_days / 7)
    sums = np.bincount(full.index.day_of_week, weights=full.to_numpy(), minlength=7)
    means = sums / counts
    warns = []
    rule = "fixed"
    if k == "derived":
        rule = "derived"
        weakest = float(means[means > 0].min())
        k = avg_weekly / weakest
        if (means <= 0).any():
            zero = [WEEKDAYS["en"][i] for i in np.flatnonzero(means <= 0)]
            warns.append(f"{', '.join(zero)} never sold in the period, so their day weight is 0 and the weakest "
                         "weekday with sales gets 1.0")
    weights = means / avg_weekly * k
    table = pd.DataFrame({"weekday": range(7), "label": WEEKDAYS["en"], "days": counts, "total_sales": sums,
                          "mean_daily_sales": means, "day_weight": weights})
    if counts.max() != counts.min():
        warns.append(
            f"the period has {n_days} days, not whole weeks, so weekdays have {counts.min()}-{counts.max()} days "
            f"each and the seven weights sum to {weights.sum():.4f}, not K={k:g}"
        )
    return WeightIndex(table=table, weekly_index=float(k), start=start, end=end, n_days=n_days, total_sales=total,
                       avg_weekly_sales=avg_weekly, holidays=hol, missing=missing, n_filled=n_filled,
                       warnings=tuple(warns), weekly_index_rule=rule)


def _check_weights(weights: Any) -> WeightIndex:
    if not isinstance(weights, WeightIndex):
        raise ParameterError(
            f"weights must be a WeightIndex from crmcore.targets.weight_index(...), not {type(weights).__name__}."
        )
    return weights


def unit_weight_value(sales: Any, weights: Any) -> float:
    """Unit weight value (单位权重值) = Σ daily sales ÷ Σ day weights over the same days.

    ``sales`` are daily sales over any span of days (every day present); ``weights`` a WeightIndex.
    """
    wi = _check_weights(weights)
    s = _as_daily(sales, name="sales")
    if s.empty:
        raise DataError("sales is empty; give the daily sales of the days to value.")
    s, _ = _complete(s, s.index.min(), s.index.max(), "error", "sales")
    w = wi.day_weights(s.index.min(), s.index.max())
    den = float(w.sum())
    if den <= 0:
        raise DomainError("the day weights of these days sum to 0; the unit weight value is undefined.")
    return float(s.sum()) / den


# ---------------------------------------------------------------------------------------------
# Daily targets
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False, repr=False)
class DailyTargets(Result):
    """Daily sales targets (日销售目标) of one month: target_d = T × w_d ÷ W."""

    table: pd.DataFrame
    month: str
    monthly_target: float
    month_weight: float
    round_to: float | None = None
    method: str = "target_d = monthly target * day weight / month weight"
    title: str = "Daily sales targets (日销售目标)"
    _conventions = ("method", "round_to")

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    @property
    def targets(self) -> pd.Series:
        return self.table.set_index("date")["target"]

    def plot(self, ax=None, lang: str = "en"):
        import matplotlib.pyplot as plt

        check_lang(lang)
        if ax is None:
            _, ax = plt.subplots()
        t = self.table
        ax.bar(t["date"].dt.day, t["target"], color="#4C72B0")
        ax.set_xlabel(_t("day_of_month", lang))
        ax.set_ylabel(_t("daily_target", lang))
        _thousands(ax)
        ax.set_title(f"{_t('daily_target', lang)} — {self.month}")
        return ax

    def interpret(self, lang: str = "en") -> str:
        check_lang(lang)
        t = self.table
        hi, lo = t.loc[t["target"].idxmax()], t.loc[t["target"].idxmin()]
        fmt = lambda r: f"{r['date'].date()} {WEEKDAYS[lang][r['date'].day_of_week]}"
        return _t("say_targets", lang, T=self.monthly_target, month=self.month, W=self.month_weight,
                  hi=hi["target"], hi_day=fmt(hi), lo=lo["target"], lo_day=fmt(lo))


def daily_targets(monthly_target: float, month: Any, weights: WeightIndex, *,
                  round_to: float | None = None) -> DailyTargets:
    """Daily sales targets: ``target_d = monthly target × w_d ÷ W`` (W = month weight index).

    The targets add up to the monthly target: exactly in cents (or any ``round_to`` unit) by
    largest-remainder rounding, or to float precision with ``round_to=None`` (the default).
    """
    T = _check_amount(monthly_target, "monthly_target")
    wi = _check_weights(weights)
    r = _check_round_to(round_to)
    p = _month(month)
    w = wi.month_days(p)
    W = float(w.sum())
    tg = _allocate(T, w.to_numpy(), r, f"month {p}")
    table = pd.DataFrame({"date": w.index, "weekday": [WEEKDAYS["en"][d] for d in w.index.day_of_week],
                          "day_weight": w.to_numpy(), "share": w.to_numpy() / W, "target": tg})
    table["cum_target"] = table["target"].cumsum()
    return DailyTargets(table=table, month=str(p), monthly_target=T, month_weight=W, round_to=r)


# ---------------------------------------------------------------------------------------------
# Month forecast
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False, repr=False)
class MonthForecast(Result):
    """Month sales forecast (月销售预测值) from the days so far: F = Σ sales ÷ (Σ w so far ÷ W)."""

    month: str
    asof: pd.Timestamp
    days_elapsed: int
    days_in_month: int
    sales_to_date: float
    weight_to_date: float
    month_weight: float
    unit_weight_value: float
    forecast: float
    run_rate_forecast: float
    target: float | None = None
    missing: str = "error"
    method: str = "F = sales to date / (weights to date / month weight)"
    title: str = "Month sales forecast (月销售预测值)"
    _conventions = ("method", "missing")
    _columns = _RESULT_COLUMNS

    @property
    def weight_share(self) -> float:
        return self.weight_to_date / self.month_weight

    @property
    def achievement(self) -> float | None:
        return None if not self.target else self.forecast / self.target

    def to_frame(self) -> pd.DataFrame:
        d = {"month": self.month, "asof": self.asof, "days_elapsed": self.days_elapsed,
             "days_in_month": self.days_in_month, "sales_to_date": self.sales_to_date,
             "weight_to_date": self.weight_to_date, "month_weight": self.month_weight,
             "weight_share": self.weight_share, "unit_weight_value": self.unit_weight_value,
             "forecast": self.forecast, "run_rate_forecast": self.run_rate_forecast}
        if self.target is not None:
            d.update(target=self.target, forecast_achievement=self.achievement)
        return pd.DataFrame([d])

    def key_figures(self, lang: str = "en") -> pd.DataFrame:
        """The forecast's numbers as a two-column table (figure, figure_value) written for a reader."""
        check_lang(lang)
        rows = [("days_elapsed", f"{self.days_elapsed} / {self.days_in_month}"),
                ("sales_to_date", f"{self.sales_to_date:,.2f}"),
                ("weight_to_date", f"{self.weight_to_date:,.2f} / {self.month_weight:,.2f}"),
                ("weight_share", f"{self.weight_share:.1%}"),
                ("unit_weight_value", f"{self.unit_weight_value:,.2f}"),
                ("forecast", f"{self.forecast:,.2f}"),
                ("run_rate_forecast", f"{self.run_rate_forecast:,.2f}")]
        if self.target:
            rows += [("target", f"{self.target:,.2f}"), ("forecast_achievement", f"{self.achievement:.1%}")]
        return pd.DataFrame([(COLUMNS[k][lang], v) for k, v in rows], columns=["figure", "figure_value"])

    def interpret(self, lang: str = "en") -> str:
        check_lang(lang)
        if self.days_elapsed == self.days_in_month:  # nothing left to forecast: say it is the actual
            s = _t("say_month_complete", lang, month=self.month, n=self.days_in_month, s=self.sales_to_date)
            if self.target:
                gap = self.target - self.sales_to_date
                verdict = _t("reached", lang) if gap <= 0 else _t("missed", lang, gap=gap)
                s += _sep(lang) + _t("say_month_complete_target", lang, T=self.target, ach=self.achievement,
                                     verdict=verdict)
            return s
        s = _t("say_forecast", lang, days=self.days_elapsed, n=self.days_in_month, month=self.month,
               s=self.sales_to_date, pw=self.weight_share, u=self.unit_weight_value, F=self.forecast,
               rr=self.run_rate_forecast)
        if self.target:
            gap = self.target - self.forecast
            verdict = _t("on_track", lang) if gap <= 0 else _t("behind", lang, gap=gap)
            s += _sep(lang) + _t("say_forecast_target", lang, T=self.target, ach=self.achievement, verdict=verdict)
        return s


def _month_actuals(s: pd.Series, p: pd.Period, asof: Any, missing: str, name: str) -> tuple[pd.Series, pd.Timestamp]:
    first, last = p.start_time, p.end_time.normalize()
    in_month = s.loc[(s.index >= first) & (s.index <= last)]
    if asof is None:
        if in_month.empty:
            raise DataError(f"{name}: the month {p} has no sales history (no day between {first.date()} and "
                            f"{last.date()}); pass the daily sales of the month so far.")
        asof_ts = in_month.index.max()
    else:
        asof_ts = _date(asof, "asof")
        if not (first <= asof_ts <= last):
            raise ParameterError(f"asof={asof!r} is not a day of {p}; choose a date between {first.date()} and {last.date()}.")
        in_month = in_month.loc[in_month.index <= asof_ts]
        if in_month.empty:
            raise DataError(f"{name}: the month {p} has no sales history up to {asof_ts.date()}; "
                            "there is nothing to forecast from.")
    full, _ = _complete(in_month, first, asof_ts, missing, name)
    return full, asof_ts


def _forecast(sales: pd.Series, w_month: pd.Series, p: pd.Period, asof: pd.Timestamp, target: float | None,
              missing: str) -> MonthForecast:
    W = float(w_month.sum())
    n = len(sales)
    w_so_far = float(w_month.iloc[:n].sum())
    if w_so_far <= 0:
        raise DomainError(f"the day weights of {p} up to {asof.date()} sum to 0, so the forecast is undefined.")
    total = float(sales.sum())
    # on the last day w_so_far == W (same sum), so the forecast is the month's actual total
    F = total / (w_so_far / W)
    return MonthForecast(month=str(p), asof=asof, days_elapsed=n, days_in_month=p.days_in_month,
                         sales_to_date=total, weight_to_date=w_so_far, month_weight=W,
                         unit_weight_value=total / w_so_far, forecast=F,
                         run_rate_forecast=total / n * p.days_in_month, target=target, missing=missing)


def forecast_month(actual_to_date: Any, month: Any, weights: WeightIndex, *, asof: Any = None,
                   target: float | None = None, missing: str = "error", value: str = "revenue") -> MonthForecast:
    """Month sales forecast from any day of the month.

    ``F = Σ sales so far ÷ (Σ day weights so far ÷ W)`` = unit weight value × W.
    ``asof`` is the last day counted (default: the last date of ``actual_to_date`` in the month);
    every day from the 1st to ``asof`` needs a sales row unless ``missing="zero"``.
    """
    wi = _check_weights(weights)
    missing = _check_missing(missing)
    p = _month(month)
    T = None if target is None else _check_amount(target, "target")
    s = _as_daily(actual_to_date, value=value, name="actual_to_date")
    sales, asof_ts = _month_actuals(s, p, asof, missing, "actual_to_date")
    return _forecast(sales, wi.month_days(p), p, asof_ts, T, missing)


# ---------------------------------------------------------------------------------------------
# Tracking
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False, repr=False)
class Tracking(Result):
    """Day-by-day tracking of a month: actual, target, cumulative gap, forecast, extremes (极值)."""

    table: pd.DataFrame
    month: str
    asof: pd.Timestamp
    monthly_target: float
    month_weight: float
    forecast: MonthForecast
    best_day: dict
    worst_day: dict
    round_to: float | None = None
    missing: str = "error"
    method: str = "expected_d = unit weight value to date * w_d; index = actual / expected"
    title: str = "Target tracking (目标跟踪)"
    _conventions = ("method", "round_to", "missing")

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def plot(self, ax=None, lang: str = "en", kind: str = "cumulative"):
        plots = {"cumulative": plot_cumulative, "unit_weight": plot_unit_weight, "daily": plot_daily}
        if kind not in plots:
            raise ParameterError(f"kind={kind!r}: use one of {', '.join(map(repr, plots))}.")
        return plots[kind](self, ax=ax, lang=lang)

    def interpret(self, lang: str = "en") -> str:
        check_lang(lang)
        row = self.table.loc[self.table["date"] == self.asof].iloc[0]
        parts = [_t("say_track", lang, asof=self.asof.date(), ca=row["cum_actual"], ct=row["cum_target"],
                    gap=row["gap"]), self.forecast.interpret(lang)]
        fmt = lambda d: f"{d['date'].date()} {WEEKDAYS[lang][d['date'].day_of_week]}"
        if self.best_day and self.worst_day:
            parts.append(_t("say_extremes", lang, bd=fmt(self.best_day), bi=self.best_day["index"],
                            wd=fmt(self.worst_day), wi=self.worst_day["index"]))
        return _sep(lang).join(parts)


def track(daily_sales: Any, month: Any, weights: WeightIndex, *, monthly_target: float, asof: Any = None,
          round_to: float | None = None, missing: str = "error", value: str = "revenue") -> Tracking:
    """Track a month against its target, day by day.

    Columns: date, weekday, day_weight, target, actual (NaN after ``asof``), cum_target,
    cum_actual, gap (= cum_actual − cum_target), forecast (the month forecast made on that day),
    unit_weight_value (Σ sales ÷ Σ weights to that day), expected (= unit weight value at
    ``asof`` × w_d, the weight-adjusted expectation) and index (= actual ÷ expected). The best and
    worst days (极值) are those with the highest and lowest index.
    """
    wi = _check_weights(weights)
    missing = _check_missing(missing)
    p = _month(month)
    s = _as_daily(daily_sales, value=value)
    sales, asof_ts = _month_actuals(s, p, asof, missing, "daily_sales")
    dt = daily_targets(monthly_target, p, wi, round_to=round_to)
    tab = dt.table.copy()
    n = len(sales)
    actual = np.full(len(tab), np.nan)
    actual[:n] = sales.to_numpy()
    tab["actual"] = actual
    tab["cum_actual"] = tab["actual"].cumsum()
    tab["gap"] = tab["cum_actual"] - tab["cum_target"]
    cum_w = tab["day_weight"].cumsum()
    with np.errstate(divide="ignore", invalid="ignore"):
        tab["unit_weight_value"] = tab["cum_actual"] / cum_w
        tab["forecast"] = tab["unit_weight_value"] * dt.month_weight
    fc = _forecast(sales, tab.set_index("date")["day_weight"], p, asof_ts, dt.monthly_target, missing)
    # on the last day the forecast is the actual total (no float drift from the cumsum)
    if n == len(tab):
        tab.loc[tab.index[-1], "forecast"] = fc.forecast
    tab["expected"] = np.where(np.arange(len(tab)) < n, fc.unit_weight_value * tab["day_weight"], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        tab["index"] = np.where(tab["expected"] > 0, tab["actual"] / tab["expected"], np.nan)
    seen = tab.iloc[:n].dropna(subset=["index"])
    pick = lambda r: {"date": r["date"], "actual": float(r["actual"]), "expected": float(r["expected"]),
                      "index": float(r["index"])}
    best = pick(seen.loc[seen["index"].idxmax()]) if len(seen) else {}
    worst = pick(seen.loc[seen["index"].idxmin()]) if len(seen) else {}
    return Tracking(table=tab, month=str(p), asof=asof_ts, monthly_target=dt.monthly_target,
                    month_weight=dt.month_weight, forecast=fc, best_day=best, worst_day=worst,
                    round_to=dt.round_to, missing=missing)


# ---------------------------------------------------------------------------------------------
# SMART target decomposition
# ---------------------------------------------------------------------------------------------

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
        check_lang(lang)
        ax = new_ax(ax)
        m = self.months.groupby("month")["target"].sum()
        ax.bar([str(x) for x in m.index], m.to_numpy(), color="#4C72B0")
        ax.set_ylabel("目标" if lang == "zh" else "Target")
        ax.tick_params(axis="x", rotation=45)
        ax.yaxis.set_major_formatter("{x:,.0f}")
        ax.set_title(f"{self.year} 年目标分解到月（合计 {self.annual_target:,.0f}）" if lang == "zh"
                     else f"The {self.year} target by month (total {self.annual_target:,.0f})")
        return ax

    def interpret(self, lang: str = "en") -> str:
        """How the year was split (and why, when the data forced a fallback), from :func:`smart_plan`."""
        check_lang(lang)
        out = []
        for key, kw in self.notes:
            kw = dict(kw)
            from crmcore.labels import column

            for name in ("by", "first"):
                if name in kw:
                    kw[name] = column(kw[name], lang).lower() if lang == "en" else column(kw[name], lang)
            out.append(_t(key, lang, **kw))
        if not out:  # a plain decomposition: say where the year's target is heaviest and lightest
            m = self.months.groupby("month")["target"].sum()
            hi, lo = m.idxmax(), m.idxmin()
            out.append(f"{self.year} 年目标 {self.annual_target:,.0f} 分解到各月：{hi} 最高（{m[hi]:,.0f}，占 "
                       f"{m[hi] / m.sum():.1%}），{lo} 最低（{m[lo]:,.0f}，占 {m[lo] / m.sum():.1%}）。" if lang == "zh" else
                       f"The {self.year} target of {self.annual_target:,.0f} splits into months with {hi} the highest "
                       f"({m[hi]:,.0f}, {m[hi] / m.sum():.1%}) and {lo} the lowest ({m[lo]:,.0f}, {m[lo] / m.sum():.1%}).")
        return _sep(lang).join(out)


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
    T = _check_amount(annual_target, "annual_target")
    wi = _check_weights(weights)
    r = _check_round_to(round_to)
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
        missing = _check_missing(missing)
        s = _as_daily(history, value=value, name="history")
        last = year - 1
        months_present = set(s.loc[s.index.year == last].index.month)
        absent = [m for m in range(1, 13) if m not in months_present]
        if absent:
            raise DataError(
                f"history: {len(absent)} month(s) of {last} have no sales history "
                f"({', '.join(f'{last}-{m:02d}' for m in absent[:5])}), so last year's shares cannot be used; "
                "pass history covering the whole year or use by='weights'."
            )
        full, _ = _complete(s.loc[s.index.year == last], pd.Timestamp(last, 1, 1), pd.Timestamp(last, 12, 31),
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
    unit_targets = _allocate(T, np.array(list(units.values())), r, "annual target across units")
    rows, mrows = [], []
    for (unit, _), ut in zip(units.items(), unit_targets):
        m_targets = _allocate(ut, month_share, r, f"{unit or 'annual'} target across months")
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
    import dataclasses

    return dataclasses.replace(plan, notes=tuple(notes), unit=unit if shares is not None else None), derived


# ---------------------------------------------------------------------------------------------
# Comparison analysis (对比分析)
# ---------------------------------------------------------------------------------------------

KINDS = ("time", "space", "plan", "standard")


@dataclass(frozen=True, eq=False, repr=False)
class Comparison(Result):
    """Comparison analysis: one tidy table item, basis, value, reference, difference, pct_difference."""

    table: pd.DataFrame
    kind: str
    freq: str | None = None
    as_share: bool = False
    title: str = "Comparison analysis (对比分析)"
    _conventions = ("kind", "freq")

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """The tidy table; with ``lang``, the basis as words and the demo data's items in that language
        (headers: ``crm.show(frame, lang, columns=targets.COLUMNS)``)."""
        out = self.table.copy()
        if lang is not None:
            check_lang(lang)
            out["item"] = out["item"].map(lambda v: _value(v, lang))
            out["basis"] = out["basis"].map(lambda b: _basis_label(b, lang))
        return out

    def plot(self, ax=None, lang: str = "en", title: str | None = None):
        return plot_comparison(self, ax=ax, lang=lang, title=title)

    def _ref(self, x: float) -> str:
        return f"{x:.1%}" if self.as_share else _plain(x)

    def interpret(self, lang: str = "en") -> str:
        """One sentence per basis; the demo data's unit names (store, East …) in ``lang``."""
        check_lang(lang)
        out = []
        t = self.table.copy()
        t["item"] = t["item"].map(lambda v: _value(v, lang))
        for basis, g in t.dropna(subset=["pct_difference"]).groupby("basis", sort=False):
            label = _basis_label(basis, lang)
            if self.kind == "standard":
                lo = g["pct_difference"].idxmin()
                one = g["reference"].nunique() == 1
                n_hit = int((g["difference"] >= 0).sum())
                if n_hit == len(g):  # nobody is below: "the furthest below" would be false
                    of = (f" of {self._ref(g['reference'].iloc[0])}" if lang == "en" else f" {self._ref(g['reference'].iloc[0])} 的") \
                        if one else ("" if lang == "en" else "各自的")
                    out.append(_t("say_standard_all", lang, n=len(g), of=of, item=g.loc[lo, "item"],
                                  pct=g.loc[lo, "pct_difference"]))
                    continue
                out.append(_t("say_standard" if one else "say_standard_each", lang,
                              n_hit=n_hit, n=len(g), ref=self._ref(g["reference"].iloc[0]),
                              item=g.loc[lo, "item"], pct=g.loc[lo, "pct_difference"]))
            elif self.kind == "plan":
                ach = g["value"] / g["reference"]
                lo = ach.idxmin()
                out.append(_t("say_plan", lang, n_hit=int((ach >= 1).sum()), n=len(g), item=g.loc[lo, "item"],
                              ach=ach[lo]))
            elif len(g) == 1 or self.kind == "time":
                r = g.iloc[-1]
                out.append(_t("say_compare_one", lang, basis=label, item=r["item"], value=r["value"],
                              ref=r["reference"], pct=r["pct_difference"]))
            else:
                if basis.startswith("vs "):  # the reference unit compared with itself says nothing
                    g = g.loc[g["item"] != _value(basis[3:], lang)]
                hi, lo = g.loc[g["pct_difference"].idxmax()], g.loc[g["pct_difference"].idxmin()]
                out.append(_t("say_compare_top", lang, basis=label, item=hi["item"], pct=hi["pct_difference"],
                              item2=lo["item"], pct2=lo["pct_difference"]))
        return _sep(lang).join(out)


def _plain(x: float) -> str:
    """A reference number for a sentence: 1,234.50 or 0.484 — never 1.23e+03."""
    return f"{x:,.2f}" if abs(x) >= 1 else f"{x:.3g}"


def _basis_label(basis: str, lang: str) -> str:
    if basis.startswith("vs "):
        return _t("basis_ref", lang, ref=_value(basis[3:], lang))
    return _t(f"basis_{basis}", lang)


def _as_items(data: Any, *, value: str, by: str | None, name: str) -> pd.Series:
    """A Series item → value from a Series or a DataFrame with ``by`` and ``value`` columns."""
    if isinstance(data, pd.DataFrame):
        key = by if by is not None else ("period" if "period" in data.columns else None)
        if key is None or key not in data.columns or value not in data.columns:
            raise data_error(f"needs the item column ({by or 'period'!r}) and the value column {value!r}",
                             source=name, columns=list(data.columns), fix="name them with by= and value=")
        s = pd.to_numeric(data[value], errors="coerce").groupby(data[key].to_numpy()).sum(min_count=1)
    elif isinstance(data, pd.Series):
        s = pd.to_numeric(data, errors="coerce")
    elif isinstance(data, Mapping):
        s = pd.to_numeric(pd.Series(data), errors="coerce")
    else:
        raise DataError(f"{name}: expected a Series, a dict or a DataFrame, got {type(data).__name__}.")
    if s.empty:
        raise DataError(f"{name} is empty; there is nothing to compare.")
    bad = np.flatnonzero(s.isna().to_numpy())
    if len(bad):
        raise data_error("are not numbers", source=name, column=value, n_bad=len(bad), n_total=len(s),
                         examples=[(s.index[i], data.iloc[i] if isinstance(data, pd.Series) else None) for i in bad[:3]])
    return s.astype(float)


def _rows(items, values, refs, basis) -> pd.DataFrame:
    v = np.asarray(values, dtype=float)
    ref = np.asarray(refs, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(ref != 0, (v - ref) / np.abs(ref), np.nan)
    return pd.DataFrame({"item": list(items), "basis": basis, "value": v, "reference": ref,
                         "difference": v - ref, "pct_difference": pct})


def compare(data: Any, *, kind: str, value: str = "revenue", by: str | None = None, freq: str = "M",
            reference: str | None = None, target: Any = None, benchmark: Any = None,
            as_share: bool = False) -> Comparison:
    """Comparison analysis (对比分析) in its four kinds, as one tidy table.

    kind="time"     — ``data`` per period (Series with a date index, or ``engine.periodic_sales``
                      output); bases: previous period (环比, MoM) and same period last year (同比, YoY)
                      for ``freq`` "M" or "Q"; only YoY for "Y". Periods without a match get NaN.
    kind="space"    — ``data`` per unit (region, channel...; Series or a frame with ``by``);
                      basis: the mean of the units, or the unit ``reference``.
    kind="plan"     — ``data`` actual per item, ``target`` per item (Series/dict) or one number.
    kind="standard" — ``data`` per item against ``benchmark`` (one number or per item).

    Columns: item, basis, value, reference, difference (= value − reference),
    pct_difference (= difference ÷ |reference|, NaN when the reference is 0).
    ``as_share``: the values are shares (0.45 = 45%), so sentences write the standard as a percentage.
    """
    if kind not in KINDS:
        raise ParameterError(f"kind={kind!r}: use one of {', '.join(map(repr, KINDS))}.")
    if kind == "time":
        if freq not in ("M", "Q", "Y"):
            raise ParameterError(f"freq={freq!r}: time comparison works on 'M', 'Q' or 'Y' periods.")
        s = _as_items(data, value=value, by=by, name="data")
        try:
            idx = pd.PeriodIndex(pd.DatetimeIndex(pd.to_datetime(s.index)), freq=freq)
        except (TypeError, ValueError):
            raise DataError("data: kind='time' needs periods as dates (period start), e.g. '2025-06-01'.") from None
        ser = pd.Series(s.to_numpy(), index=idx).groupby(level=0).sum().sort_index()
        lag = {"M": 12, "Q": 4, "Y": 1}[freq]
        parts = []
        if freq != "Y":
            prev = ser.reindex(ser.index - 1).to_numpy()
            parts.append(_rows(ser.index.astype(str), ser, prev, "mom"))
        yoy = ser.reindex(ser.index - lag).to_numpy()
        parts.append(_rows(ser.index.astype(str), ser, yoy, "yoy"))
        return Comparison(table=pd.concat(parts, ignore_index=True), kind=kind, freq=freq)
    if kind == "space":
        s = _as_items(data, value=value, by=by, name="data").sort_index()
        if reference is None:
            ref, basis = np.full(len(s), s.mean()), "mean"
        else:
            if reference not in s.index:
                raise ParameterError(f"reference={reference!r} is not one of the units: {', '.join(map(str, s.index))}.")
            ref, basis = np.full(len(s), s[reference]), f"vs {reference}"
        t = _rows(s.index.astype(str), s, ref, basis)
        t["share"] = s.to_numpy() / s.sum()
        t["rank"] = t["value"].rank(ascending=False, method="min").astype(int)
        return Comparison(table=t, kind=kind)
    s = _as_items(data, value=value, by=by, name="data").sort_index()
    given, what, basis = (target, "target", "target") if kind == "plan" else (benchmark, "benchmark", "benchmark")
    if given is None:
        raise ParameterError(f"kind={kind!r} needs {what}=: one number or one per item.")
    if np.isscalar(given):
        ref = np.full(len(s), _check_amount(given, what) if kind == "plan" else float(given))
    else:
        g = _as_items(given, value=value, by=by, name=what)
        miss = [i for i in s.index if i not in g.index]
        if miss:
            raise DataError(f"{what}: no value for {len(miss)} item(s) ({', '.join(map(str, miss[:3]))}); "
                            f"give a {what} for every item.")
        ref = g.reindex(s.index).to_numpy()
    t = _rows(s.index.astype(str), s, ref, basis)
    if kind == "plan":
        with np.errstate(divide="ignore", invalid="ignore"):
            t["achievement"] = np.where(t["reference"] != 0, t["value"] / t["reference"], np.nan)
    return Comparison(table=t, kind=kind, as_share=bool(as_share))


# ---------------------------------------------------------------------------------------------
# Backtest
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False, repr=False)
class Backtest(Result):
    """How far off the month forecast made on given days was, on past months (MAPE)."""

    table: pd.DataFrame
    summary: pd.DataFrame
    weekly_index: float | str
    window_weeks: int
    days: tuple[int, ...]
    missing: str = "error"
    method: str = "weights from the window_weeks whole weeks before each month; APE = |F - actual| / actual"
    title: str = "Forecast backtest (预测回测)"
    _conventions = ("method", "window_weeks", "days", "missing")

    def to_frame(self) -> pd.DataFrame:
        return self.summary.copy()

    def plot(self, ax=None, lang: str = "en"):
        return plot_backtest(self, ax=ax, lang=lang)

    def interpret(self, lang: str = "en") -> str:
        check_lang(lang)
        sm = self.summary
        if sm.empty:
            return ""
        sep = ", " if lang == "en" else "、"
        pcts = lambda col: sep.join(f"{v:.1f}%" for v in sm[col])
        days = sep.join(str(int(d)) for d in sm["day"])
        k = int((sm["mape_weight"] < sm["mape_run_rate"]).sum())
        return _sep(lang).join([
            _t("say_backtest", lang, m=int(sm["months"].max()), d=days, mw=pcts("mape_weight"),
               mr=pcts("mape_run_rate")),
            _t("say_backtest_better", lang, k=k, n=len(sm)),
        ])


def backtest(daily_sales: Any, *, days: Sequence[int] = (7, 14, 21), months: Sequence[Any] | None = None,
             weekly_index: float | str = 7, window_weeks: int = 52, min_weeks: int = 4, missing: str = "error",
             holidays: Any = None, value: str = "revenue") -> Backtest:
    """Backtest the weight-index month forecast against a naive run-rate forecast.

    For each past month (default: every complete month with at least ``min_weeks`` whole weeks
    of history before it) and each forecast day d in ``days``: the weights come from up to
    ``window_weeks`` whole weeks before the month (no look-ahead); the weight forecast is
    Σ sales of days 1..d ÷ (Σ w of days 1..d ÷ W); the run-rate forecast is
    Σ sales of days 1..d ÷ d × days in month. APE = |forecast − actual| ÷ actual,
    MAPE = mean APE × 100 over months.
    """
    k = _check_weekly_index(weekly_index)
    missing = _check_missing(missing)
    s = _as_daily(daily_sales, value=value)
    if s.empty:
        raise DataError("daily_sales is empty; the backtest needs daily sales history.")
    try:
        days_t = tuple(sorted({int(d) for d in days}))
    except (TypeError, ValueError):
        raise ParameterError(f"days={days!r} must be day numbers like (7, 14, 21).") from None
    if not days_t or days_t[0] < 1 or days_t[-1] > 28:
        raise ParameterError(f"days={days!r} must be days of the month between 1 and 28.")
    if int(window_weeks) < int(min_weeks) or int(min_weeks) < 1:
        raise ParameterError(f"need 1 ≤ min_weeks ≤ window_weeks; got min_weeks={min_weeks}, window_weeks={window_weeks}.")
    first, last = s.index.min(), s.index.max()
    if months is None:
        cand = pd.period_range(first.to_period("M"), last.to_period("M"), freq="M")
        ps = [p for p in cand if p.start_time >= first + pd.Timedelta(days=7 * int(min_weeks))
              and p.end_time.normalize() <= last]
    else:
        ps = [_month(m, "months") for m in months]
    if not ps:
        raise DataError(f"daily_sales from {first.date()} to {last.date()} has no complete month with "
                        f"{min_weeks} weeks of history before it; the backtest needs a longer history.")
    full, _ = _complete(s, first, last, missing, "daily_sales")
    rows = []
    for p in ps:
        m_first, m_last = p.start_time, p.end_time.normalize()
        avail = (m_first - first).days // 7
        if m_last > last or avail < int(min_weeks):
            raise DataError(f"month {p}: needs {min_weeks} whole weeks of history before it and all its days "
                            f"(data run {first.date()} to {last.date()}).")
        hstart, hend = history_period(m_first, weeks=min(int(window_weeks), avail))
        wi = weight_index(full, weekly_index=k, period=(hstart, hend), missing=missing, holidays=holidays)
        w = wi.month_days(p)
        actual_days = full.loc[m_first:m_last]
        actual = float(actual_days.sum())
        if actual <= 0:
            raise DomainError(f"month {p} sold 0, so percentage errors are undefined; leave it out with months=.")
        cum_s, cum_w, W = actual_days.cumsum().to_numpy(), w.cumsum().to_numpy(), float(w.sum())
        for d in days_t:
            # a forecast from days whose weights are all 0 is undefined: NaN, left out of the MAPE
            wf = cum_s[d - 1] / (cum_w[d - 1] / W) if cum_w[d - 1] > 0 else np.nan
            rows.append({"month": str(p), "day": d, "actual": actual, "weight_forecast": wf,
                         "run_rate_forecast": cum_s[d - 1] / d * p.days_in_month})
    t = pd.DataFrame(rows)
    t["ape_weight"] = (t["weight_forecast"] - t["actual"]).abs() / t["actual"]
    t["ape_run_rate"] = (t["run_rate_forecast"] - t["actual"]).abs() / t["actual"]
    # both methods are scored on the same months: those where the weight forecast is defined
    summary = t.loc[t["weight_forecast"].notna()].groupby("day", as_index=False).agg(months=("month", "size"), mape_weight=("ape_weight", "mean"),
                                                    mape_run_rate=("ape_run_rate", "mean"))
    summary[["mape_weight", "mape_run_rate"]] *= 100
    return Backtest(table=t, summary=summary, weekly_index=k, window_weeks=int(window_weeks), days=days_t,
                    missing=missing)


# ---------------------------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------------------------

def _thousands(ax) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


def plot_weights(weights: WeightIndex, ax=None, lang: str = "en"):
    """Bar chart of the day weight index per weekday, with the uniform level K/7."""
    check_lang(lang)
    ax = new_ax(ax)
    w = weights.weekday_weights
    ax.bar(WEEKDAYS[lang], w.to_numpy(), color="#4C72B0")
    ax.axhline(weights.weekly_index / 7, color="grey", ls="--", lw=1,
               label=_t("average_day" if weights.weekly_index_rule == "derived" else "uniform", lang))
    ax.set_ylabel(_t("day_weight", lang))
    ax.set_title(_t("title_weights", lang) + f" (K = {weights.weekly_index:.2f})")
    ax.legend()
    return ax


def plot_cumulative(tracking: Tracking, ax=None, lang: str = "en"):
    """Cumulative actual vs cumulative target, and the forecast path to the month end."""
    check_lang(lang)
    ax = new_ax(ax)
    t = tracking.table
    day = t["date"].dt.day
    n = tracking.forecast.days_elapsed
    ax.plot(day, t["cum_target"], color="grey", ls="--", label=_t("cum_target", lang))
    ax.plot(day[:n], t["cum_actual"][:n], color="#4C72B0", marker="o", ms=3, label=_t("cum_actual", lang))
    if n < len(t):
        # forecast path: actual so far, then unit weight value × the remaining day weights
        path = t["cum_actual"].iloc[n - 1] + tracking.forecast.unit_weight_value * t["day_weight"].iloc[n:].cumsum()
        ax.plot(np.r_[day.iloc[n - 1], day.iloc[n:]], np.r_[t["cum_actual"].iloc[n - 1], path], color="#DD8452",
                ls=":", lw=2, label=_t("forecast_path", lang))
    ax.scatter([day.iloc[-1]], [tracking.forecast.forecast], color="#DD8452", zorder=3,
               label=f"{_t('forecast', lang)} {tracking.forecast.forecast:,.0f}")
    ax.set_xlabel(_t("day_of_month", lang))
    ax.set_ylabel(_t("sales", lang))
    _thousands(ax)
    ax.set_title(f"{_t('title_cumulative', lang)} — {tracking.month}")
    ax.legend()
    return ax


def plot_unit_weight(tracking: Tracking, ax=None, lang: str = "en"):
    """Unit weight value curve (单位权重曲线): each day's sales ÷ its weight, and the running value."""
    check_lang(lang)
    ax = new_ax(ax)
    t = tracking.table.iloc[: tracking.forecast.days_elapsed]
    day = t["date"].dt.day
    with np.errstate(divide="ignore", invalid="ignore"):
        daily = t["actual"] / t["day_weight"]
    ax.scatter(day, daily, color="#4C72B0", s=14, label=_t("daily_uwv", lang))
    ax.plot(day, t["unit_weight_value"], color="#4C72B0", label=_t("cum_uwv", lang))
    ax.axhline(tracking.monthly_target / tracking.month_weight, color="#C44E52", ls="--", lw=1,
               label=_t("target_uwv", lang))
    ax.set_xlabel(_t("day_of_month", lang))
    ax.set_ylabel(_t("unit_weight_value", lang))
    _thousands(ax)
    ax.set_title(f"{_t('title_uwv', lang)} — {tracking.month}")
    ax.legend(fontsize="small", framealpha=0.8)
    return ax


def plot_daily(tracking: Tracking, ax=None, lang: str = "en"):
    """Daily sales as bars with each day's target as a marker; best and worst days outlined."""
    check_lang(lang)
    ax = new_ax(ax)
    t = tracking.table
    day = t["date"].dt.day
    ax.bar(day, t["actual"].fillna(0), color="#4C72B0", alpha=0.8, label=text("actual", lang))
    ax.scatter(day, t["target"], marker="_", s=150, color="#C44E52", zorder=3, label=_t("daily_target", lang))
    for d, c in ((tracking.best_day, "#55A868"), (tracking.worst_day, "#C44E52")):
        if d:
            ax.bar([d["date"].day], [d["actual"]], fill=False, edgecolor=c, lw=2)
    ax.set_xlabel(_t("day_of_month", lang))
    ax.set_ylabel(_t("sales", lang))
    _thousands(ax)
    ax.set_title(f"{_t('title_daily', lang)} — {tracking.month}")
    ax.legend()
    return ax


def plot_comparison(comparison: Comparison, ax=None, lang: str = "en", title: str | None = None):
    """Horizontal bars of the percentage difference per item, one colour per basis.

    ``title`` names what is compared (e.g. "Revenue by region, 2025, against the mean of regions");
    the default names the kind of comparison and its basis.
    """
    check_lang(lang)
    ax = new_ax(ax)
    t = comparison.table.dropna(subset=["pct_difference"])
    items = list(dict.fromkeys(t["item"]))
    bases = list(dict.fromkeys(t["basis"]))
    h = 0.8 / len(bases)
    pos = {it: k for k, it in enumerate(items)}
    colours = ["#4C72B0", "#DD8452", "#55A868", "#C44E52"]
    for b, basis in enumerate(bases):
        g = t.loc[t["basis"] == basis]
        y = np.array([pos[i] for i in g["item"]]) - 0.4 + h * (b + 0.5)
        ax.barh(y, g["pct_difference"] * 100, height=h, color=colours[b % 4], label=_basis_label(basis, lang))
    ax.set_yticks(range(len(items)), [str(_value(i, lang)) for i in items])
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(_t("difference_pct", lang))
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    if title is None:
        ref = next((b[3:] for b in bases if b.startswith("vs ")), None)
        key = f"title_compare_{comparison.kind}" + ("_ref" if comparison.kind == "space" and ref else "")
        title = _t(key, lang, ref=_value(ref, lang)) if ref and key.endswith("_ref") else _t(key, lang)
    ax.set_title(title)
    ax.legend(fontsize="small", loc="best")
    return ax


def plot_backtest(bt: Backtest, ax=None, lang: str = "en"):
    """MAPE of the weight-index and run-rate month forecasts by forecast day."""
    check_lang(lang)
    ax = new_ax(ax)
    sm = bt.summary
    x = np.arange(len(sm))
    ax.bar(x - 0.2, sm["mape_weight"], width=0.4, label=_t("method_weight", lang), color="#4C72B0")
    ax.bar(x + 0.2, sm["mape_run_rate"], width=0.4, label=_t("method_run_rate", lang), color="#DD8452")
    ax.set_xticks(x, [str(d) for d in sm["day"]])
    ax.set_xlabel(_t("forecast_day", lang))
    ax.set_ylabel(_t("mape", lang))
    ax.set_title(_t("title_backtest", lang))
    ax.legend()
    return ax
