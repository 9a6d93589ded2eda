"""The words of the weight-index method (:mod:`crmcore.sales.targets`): its catalogues and its sentences.

The catalogues (:data:`COLUMNS` table headers, :data:`LABELS` chart words and sentence templates,
:data:`RESULT_COLUMNS` headers of the results' ``to_frame(lang)``) and the functions that write the findings
of each result (the bodies of their ``interpret``) as a list of sentences, plus the leads and titles a
report puts around a comparison (:func:`in_context`, :func:`space_title`).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable

from crmcore.labels import WEEKDAYS, Catalogue, check_lang, column
from crmcore.labels import value as _value
from crmcore.results import split_sentences
from crmcore.sales.targets_checks import as_date

if TYPE_CHECKING:
    from crmcore.sales.targets_backtest import Backtest
    from crmcore.sales.targets_compare import Comparison
    from crmcore.sales.targets_plan import DerivedTarget, TargetPlan
    from crmcore.sales.targets_tracking import DailyTargets, MonthForecast, Tracking
    from crmcore.sales.targets_weights import WeightIndex

#: headers of this method's tables, for ``crm.show(frame, lang, columns=COLUMNS)``
COLUMNS = Catalogue("targets.columns", {
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
})

#: chart words, row names and the sentence templates of the findings
LABELS = Catalogue("targets.labels", {
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
    # the target decomposition's chart and its plain sentence
    "plan_target": {"en": "Target", "zh": "目标"},
    "title_plan_months": {"en": "The {year} target by month (total {T:,.0f})",
                          "zh": "{year} 年目标分解到月（合计 {T:,.0f}）"},
    "say_plan_split": {
        "en": "The {year} target of {T:,.0f} splits into months with {hi} the highest ({mhi:,.0f}, {shi:.1%}) and "
              "{lo} the lowest ({mlo:,.0f}, {slo:.1%}).",
        "zh": "{year} 年目标 {T:,.0f} 分解到各月：{hi} 最高（{mhi:,.0f}，占 {shi:.1%}），{lo} 最低（{mlo:,.0f}，占 "
              "{slo:.1%}）。",
    },
})

#: readable headers of the results' ``to_frame(lang)`` (the result protocol of :mod:`crmcore.results`)
RESULT_COLUMNS = Catalogue("targets.result_columns", {
    "start": {"en": "Start", "zh": "开始日期"},
    "end": {"en": "End", "zh": "结束日期"},
    "base": {"en": "Base", "zh": "基数"},
    "asof": {"en": "As of", "zh": "截至日期"},
})


def sep(lang: str) -> str:
    """Between two sentences: a space in English, nothing after a Chinese full stop."""
    return "" if lang == "zh" else " "


def phrase(key: str, lang: str, **kw: Any) -> str:
    """The entry ``key`` of :data:`LABELS` in ``lang``, formatted with ``kw``."""
    return LABELS(key, lang, **kw)


_ZH_STOP = re.compile(r"(?<=[。！？])(?=\S)")


def sentences(parts: Iterable[str], lang: str) -> list[str]:
    """Generated parts (each one or more sentences) as a list of sentences; :func:`paragraph` of the list
    gives the parts joined as one paragraph again."""
    out: list[str] = []
    for p in parts:
        if p:
            out += [s for s in _ZH_STOP.split(p.strip()) if s] if lang == "zh" else split_sentences(p)
    return out


def paragraph(said: str | Iterable[str], lang: str) -> str:
    """Sentences (a list, or a paragraph already) as one paragraph, joined the way ``lang`` writes them."""
    return said if isinstance(said, str) else sep(lang).join(s for s in said if s)


def plain(x: float) -> str:
    """A reference number for a sentence: 1,234.50 or 0.484 — never 1.23e+03."""
    return f"{x:,.2f}" if abs(x) >= 1 else f"{x:.3g}"


def basis_label(basis: str, lang: str) -> str:
    """The basis of a comparison ("mom", "mean", "vs East" …) as words."""
    if basis.startswith("vs "):
        return phrase("basis_ref", lang, ref=_value(basis[3:], lang))
    return phrase(f"basis_{basis}", lang)


def _unit_word(name: str, lang: str) -> str:
    """A column name (region, channel …) as a word inside a sentence."""
    return column(name, lang).lower() if lang == "en" else column(name, lang)


def _day(date: Any, lang: str) -> str:
    return f"{date.date()} {WEEKDAYS[lang][date.day_of_week]}"


# ---------------------------------------------------------------------------------------------
# The findings of each result (their ``interpret``)
# ---------------------------------------------------------------------------------------------

def derived_target_sentences(r: DerivedTarget, lang: str) -> list[str]:
    check_lang(lang)
    if r.basis == "last_year":
        said = phrase("say_target_last_year", lang, s=r.base_start.date(), e=r.base_end.date(), b=r.base,
                      g=r.growth, T=r.value)
    else:
        said = phrase("say_target_pace", lang, u=r.unit_value, W=r.weight, b=r.base, g=r.growth, T=r.value,
                      hs=r.base_start.date(), he=r.base_end.date())
    return sentences([said], lang)


def weight_sentences(wi: WeightIndex, lang: str) -> list[str]:
    check_lang(lang)
    w = wi.weekday_weights
    names = WEEKDAYS[lang]
    parts = []
    if wi.weekly_index_rule == "derived":
        pos = w[w > 0]
        parts.append(phrase("say_weights_derived", lang, K=wi.weekly_index, best=names[int(w.idxmax())],
                            wbest=w.max(), worst=names[int(pos.idxmin())], uni=wi.weekly_index / 7))
        if wi.weekly_index > 14:
            parts.append(phrase("say_weights_derived_high", lang))
    else:
        parts.append(phrase("say_weights", lang, K=wi.weekly_index, best=names[int(w.idxmax())], wbest=w.max(),
                            worst=names[int(w.idxmin())], wworst=w.min(), uni=wi.weekly_index / 7))
    zero = [names[i] for i in range(7) if w.iloc[i] <= 0]
    if zero:
        parts.append(phrase("say_weights_zero", lang, days=("、" if lang == "zh" else ", ").join(zero)))
    if wi.start is not None:
        parts.append(phrase("say_weights_period", lang, days=wi.n_days, start=wi.start.date(), end=wi.end.date(),
                            weeks=wi.n_weeks, aws=wi.avg_weekly_sales))
    return sentences(parts, lang)


def daily_target_sentences(dt: DailyTargets, lang: str) -> list[str]:
    check_lang(lang)
    t = dt.table
    hi, lo = t.loc[t["target"].idxmax()], t.loc[t["target"].idxmin()]
    return sentences([phrase("say_targets", lang, T=dt.monthly_target, month=dt.month, W=dt.month_weight,
                             hi=hi["target"], hi_day=_day(hi["date"], lang), lo=lo["target"],
                             lo_day=_day(lo["date"], lang))], lang)


def forecast_sentences(fc: MonthForecast, lang: str) -> list[str]:
    check_lang(lang)
    if fc.days_elapsed == fc.days_in_month:  # nothing left to forecast: say it is the actual
        parts = [phrase("say_month_complete", lang, month=fc.month, n=fc.days_in_month, s=fc.sales_to_date)]
        if fc.target:
            gap = fc.target - fc.sales_to_date
            verdict = phrase("reached", lang) if gap <= 0 else phrase("missed", lang, gap=gap)
            parts.append(phrase("say_month_complete_target", lang, T=fc.target, ach=fc.achievement,
                                verdict=verdict))
        return sentences(parts, lang)
    parts = [phrase("say_forecast", lang, days=fc.days_elapsed, n=fc.days_in_month, month=fc.month,
                    s=fc.sales_to_date, pw=fc.weight_share, u=fc.unit_weight_value, F=fc.forecast,
                    rr=fc.run_rate_forecast)]
    if fc.target:
        gap = fc.target - fc.forecast
        verdict = phrase("on_track", lang) if gap <= 0 else phrase("behind", lang, gap=gap)
        parts.append(phrase("say_forecast_target", lang, T=fc.target, ach=fc.achievement, verdict=verdict))
    return sentences(parts, lang)


def tracking_sentences(tr: Tracking, lang: str) -> list[str]:
    check_lang(lang)
    row = tr.table.loc[tr.table["date"] == tr.asof].iloc[0]
    out = sentences([phrase("say_track", lang, asof=tr.asof.date(), ca=row["cum_actual"], ct=row["cum_target"],
                            gap=row["gap"])], lang)
    out += forecast_sentences(tr.forecast, lang)
    if tr.best_day and tr.worst_day:
        out += sentences([phrase("say_extremes", lang, bd=_day(tr.best_day["date"], lang), bi=tr.best_day["index"],
                                 wd=_day(tr.worst_day["date"], lang), wi=tr.worst_day["index"])], lang)
    return out


def plan_sentences(plan: TargetPlan, lang: str) -> list[str]:
    """How the year was split (and why, when the data forced a fallback), from the plan's notes."""
    check_lang(lang)
    parts = []
    for key, kw in plan.notes:
        kw = dict(kw)
        for name in ("by", "first"):
            if name in kw:
                kw[name] = _unit_word(kw[name], lang)
        parts.append(phrase(key, lang, **kw))
    if not parts:  # a plain decomposition: say where the year's target is heaviest and lightest
        m = plan.months.groupby("month")["target"].sum()
        hi, lo = m.idxmax(), m.idxmin()
        parts.append(phrase("say_plan_split", lang, year=plan.year, T=plan.annual_target, hi=hi, mhi=m[hi],
                            shi=m[hi] / m.sum(), lo=lo, mlo=m[lo], slo=m[lo] / m.sum()))
    return sentences(parts, lang)


def comparison_sentences(c: Comparison, lang: str) -> list[str]:
    """One sentence per basis; the demo data's unit names (store, East …) in ``lang``."""
    check_lang(lang)
    ref_text = (lambda x: f"{x:.1%}") if c.as_share else plain
    parts = []
    t = c.table.copy()
    t["item"] = t["item"].map(lambda v: _value(v, lang))
    for basis, g in t.dropna(subset=["pct_difference"]).groupby("basis", sort=False):
        label = basis_label(basis, lang)
        if c.kind == "standard":
            lo = g["pct_difference"].idxmin()
            one = g["reference"].nunique() == 1
            n_hit = int((g["difference"] >= 0).sum())
            if n_hit == len(g):  # nobody is below: "the furthest below" would be false
                of = (f" of {ref_text(g['reference'].iloc[0])}" if lang == "en" else f" {ref_text(g['reference'].iloc[0])} 的") \
                    if one else ("" if lang == "en" else "各自的")
                parts.append(phrase("say_standard_all", lang, n=len(g), of=of, item=g.loc[lo, "item"],
                                    pct=g.loc[lo, "pct_difference"]))
                continue
            parts.append(phrase("say_standard" if one else "say_standard_each", lang,
                                n_hit=n_hit, n=len(g), ref=ref_text(g["reference"].iloc[0]),
                                item=g.loc[lo, "item"], pct=g.loc[lo, "pct_difference"]))
        elif c.kind == "plan":
            ach = g["value"] / g["reference"]
            lo = ach.idxmin()
            parts.append(phrase("say_plan", lang, n_hit=int((ach >= 1).sum()), n=len(g), item=g.loc[lo, "item"],
                                ach=ach[lo]))
        elif len(g) == 1 or c.kind == "time":
            r = g.iloc[-1]
            parts.append(phrase("say_compare_one", lang, basis=label, item=r["item"], value=r["value"],
                                ref=r["reference"], pct=r["pct_difference"]))
        else:
            if basis.startswith("vs "):  # the reference unit compared with itself says nothing
                g = g.loc[g["item"] != _value(basis[3:], lang)]
            hi, lo = g.loc[g["pct_difference"].idxmax()], g.loc[g["pct_difference"].idxmin()]
            parts.append(phrase("say_compare_top", lang, basis=label, item=hi["item"], pct=hi["pct_difference"],
                                item2=lo["item"], pct2=lo["pct_difference"]))
    return sentences(parts, lang)


def backtest_sentences(bt: Backtest, lang: str) -> list[str]:
    check_lang(lang)
    sm = bt.summary
    if sm.empty:
        return []
    comma = ", " if lang == "en" else "、"
    pcts = lambda col: comma.join(f"{v:.1f}%" for v in sm[col])
    days = comma.join(str(int(d)) for d in sm["day"])
    k = int((sm["mape_weight"] < sm["mape_run_rate"]).sum())
    return sentences([
        phrase("say_backtest", lang, m=int(sm["months"].max()), d=days, mw=pcts("mape_weight"),
               mr=pcts("mape_run_rate")),
        phrase("say_backtest_better", lang, k=k, n=len(sm)),
    ], lang)


# ---------------------------------------------------------------------------------------------
# Leads and titles around a comparison
# ---------------------------------------------------------------------------------------------

def in_context(said: str | Iterable[str], key: str, lang: str = "en", **kw: Any) -> str:
    """A comparison's sentences (``interpret(lang)``, a list; or a paragraph) as one paragraph after a lead
    that says what was compared and when: ``key`` is one of "ctx_time", "ctx_space", "ctx_plan",
    "ctx_standard"; ``by`` a column name."""
    check_lang(lang)
    rest = paragraph(said, lang)
    if not rest:
        return ""
    if "by" in kw:
        kw["by"] = _unit_word(kw["by"], lang)
    for k in ("s", "e"):
        if k in kw:
            kw[k] = as_date(kw[k], k).date()
    return phrase(key, lang, rest=rest, **kw)


def space_title(by: str, start: Any, end: Any, lang: str = "en") -> str:
    """A chart title that names what a space comparison compares: '<by> sales, <start> to <end>: …'."""
    check_lang(lang)
    return phrase("title_space_by", lang, by=_unit_word(by, lang), s=as_date(start, "start").date(),
                  e=as_date(end, "end").date())
