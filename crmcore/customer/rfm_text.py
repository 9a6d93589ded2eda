"""RFM's words in English and Chinese: the catalogues (:class:`crmcore.labels.Catalogue`) and the sentences.

Everything a reader of an RFM table, chart or report sees as text lives here: chart labels, column headers
and meanings, segment names, meanings and actions of both schemes, and the functions that write the
findings (the bodies of ``interpret``). The computation in :mod:`crmcore.customer.rfm` imports this
module; this module imports no RFM code — the sentence functions are handed the numbers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from crmcore.labels import Catalogue, check_lang, text

# ---------------------------------------------------------------- charts and tables

LABELS = Catalogue("rfm.labels", {
    "recency": {"en": "recency (days)", "zh": "最近一次消费 (天)"},
    "frequency": {"en": "frequency", "zh": "消费频率"},
    "monetary": {"en": "monetary value", "zh": "消费金额"},
    "R": {"en": "R score", "zh": "R 评分"},
    "F": {"en": "F score", "zh": "F 评分"},
    "M": {"en": "M score", "zh": "M 评分"},
    "mean_M": {"en": "mean monetary value", "zh": "平均消费金额"},
    "rf_heatmap": {"en": "Mean monetary value by R and F score", "zh": "按 R、F 评分的平均消费金额"},
    "distributions": {"en": "R, F and M distributions", "zh": "R、F、M 分布"},
    "segment_sizes": {"en": "Customers and revenue by segment", "zh": "各客户分群的客户数与销售额"},
    "migration": {"en": "Segment migration", "zh": "客户分群迁移"},
    "from": {"en": "from", "zh": "期初"},
    "to": {"en": "to", "zh": "期末"},
    "new": {"en": "(new)", "zh": "(新客户)"},
    "count_log": {"en": "customers (log scale)", "zh": "客户数 (对数刻度)"},
    "log": {"en": " (log scale)", "zh": "（对数刻度）"},
    "title_recency": {"en": "Days since the last purchase", "zh": "客户最近一次消费天数分布"},
    "title_frequency": {"en": "Purchases per customer", "zh": "客户消费频率分布"},
    "title_monetary": {"en": "Spend per customer", "zh": "客户消费金额分布"},
    "no_spread": {"en": "Not enough spread to segment", "zh": "差异不足，无法分群"},
})

#: the columns of :func:`crmcore.customer.rfm.rfm_table` (in their order) with their meaning
COLUMN_MEANINGS = Catalogue("rfm.column_meanings", {
    "customer_id": {"en": "customer key", "zh": "客户编号"},
    "recency": {"en": "time from the last purchase day to the asof day, in recency_unit",
                "zh": "从最后一次购买日到分析时点的时长，单位由 recency_unit 决定"},
    "frequency": {"en": "purchases counted as `frequency` says (invoices, days or lines)",
                  "zh": "购买次数，按 `frequency` 的口径计（订单数、购买天数或明细行数）"},
    "monetary": {"en": "spend (net of returns if returns='net'): total ('sum') or per frequency unit ('mean')",
                 "zh": "消费金额（returns='net' 时扣除退货）：合计（'sum'）或每次平均（'mean'）"},
    "first_purchase": {"en": "time of the first purchase line", "zh": "第一笔购买的时间"},
    "last_purchase": {"en": "time of the last purchase line", "zh": "最后一笔购买的时间"},
    "tenure": {"en": "time from the first purchase day to the asof day, in recency_unit",
               "zh": "从第一次购买日到分析时点的时长（客户存续时长），单位由 recency_unit 决定"},
    "orders": {"en": "distinct order ids of purchases", "zh": "购买订单数（不同的订单号）"},
    "purchase_days": {"en": "distinct calendar days with a purchase", "zh": "有购买的不同日期数"},
    "lines": {"en": "purchase lines", "zh": "购买明细行数"},
    "spend": {"en": "gross spend on purchases (before returns)", "zh": "购买总额（未扣退货）"},
    "returned": {"en": "value of returns before asof (0 when returns='drop')",
                 "zh": "分析时点之前的退货金额（returns='drop' 时为 0）"},
    "revenue": {"en": "spend − returned", "zh": "购买总额 − 退货金额"},
    "max_purchase": {"en": "largest single order (sum of its purchase lines) 最大单笔消费",
                     "zh": "最大单笔消费（一张订单内购买明细的合计）"},
    "promo_share": {"en": "share of spend on special-offer lines (is_promo) 特价商品消费占比; NaN without is_promo",
                    "zh": "特价商品消费占比（is_promo 标记的明细）；没有 is_promo 列时为空"},
    "high_price_share": {"en": "share of spend on lines with unit_price ≥ the high-price threshold 高单价商品消费占比",
                         "zh": "高单价商品消费占比（单价不低于高单价门槛的明细）"},
    "mean_interval": {"en": "mean days between purchase days = (last day − first day)/(purchase_days − 1); NaN for one day",
                      "zh": "平均购买间隔天数 =（最后购买日 − 首次购买日）/（购买天数 − 1）；只有一个购买日时为空"},
})

#: readable headers of the score and segment tables' to_frame(lang) (the result protocol of crmcore.results)
RESULT_COLUMNS = Catalogue("rfm.result_columns", {
    "tenure": {"en": "Days since the first purchase", "zh": "客户时长（天）"},
    "purchase_days": {"en": "Purchase days", "zh": "购买天数"},
    "spend": {"en": "Spend", "zh": "消费额"},
    "returned": {"en": "Returned", "zh": "退货额"},
    "max_purchase": {"en": "Largest purchase", "zh": "最大单笔消费"},
    "promo_share": {"en": "Share bought on promotion", "zh": "促销购买占比"},
    "high_price_share": {"en": "Share of high-price items", "zh": "高价商品占比"},
    "mean_interval": {"en": "Mean days between purchases", "zh": "平均购买间隔（天）"},
    "rfm_code": {"en": "RFM code", "zh": "RFM 代码"},
    "rfm_sum": {"en": "RFM score sum", "zh": "RFM 总分"},
    "(new)": {"en": "(new)", "zh": "（新客户）"},
})

#: headers of segment_summary and the cut-point and threshold tables (en / zh)
SUMMARY_COLUMNS = Catalogue("rfm.summary_columns", {
    "median_recency": {"en": "Median recency (days)", "zh": "最近一次消费中位数（天）"},
    "median_frequency": {"en": "Median frequency", "zh": "消费频率中位数"},
    "median_monetary": {"en": "Median monetary", "zh": "消费金额中位数"},
    "meaning": {"en": "Meaning", "zh": "含义"},
    "weighted_score": {"en": "Weighted score W", "zh": "加权得分 W"},
    "rank": {"en": "Rank", "zh": "排名"},
    "cut": {"en": "Score boundary", "zh": "评分分界"},
    "threshold": {"en": "High if at or above", "zh": "“高”的门槛（≥）"},
    "axis": {"en": "Axis", "zh": "维度"},
})

#: readable headers of the exported customer list and the notebook's tables (en / zh)
EXPORT_COLUMNS = Catalogue("rfm.export_columns", {
    "tenure": {"en": "Tenure (days)", "zh": "客户存续天数"},
    "purchase_days": {"en": "Purchase days", "zh": "购买天数"},
    "spend": {"en": "Gross spend", "zh": "消费总额（未扣退货）"},
    "returned": {"en": "Returned", "zh": "退货金额"},
    "max_purchase": {"en": "Largest order", "zh": "最大单笔消费"},
    "promo_share": {"en": "Special-offer share", "zh": "特价商品消费占比"},
    "high_price_share": {"en": "High-price share", "zh": "高单价商品消费占比"},
    "mean_interval": {"en": "Mean days between purchases", "zh": "平均购买间隔（天）"},
    "R": {"en": "R score", "zh": "R 评分"},
    "F": {"en": "F score", "zh": "F 评分"},
    "M": {"en": "M score", "zh": "M 评分"},
    "rfm_code": {"en": "RFM code", "zh": "RFM 代码"},
    "rfm_sum": {"en": "R + F + M", "zh": "R + F + M 总分"},
    "segment": {"en": "Segment key", "zh": "分群代码"},
    "segment_name": {"en": "Segment", "zh": "客户分群"},
    "action": {"en": "Action", "zh": "建议措施"},
    "revenue": {"en": "Revenue", "zh": "销售额"},
    "monetary": {"en": "Monetary", "zh": "消费金额"},
})

#: headers for the notebook's small two-column tables
MEASURE_COLUMNS = Catalogue("rfm.measure_columns", {
    "measure": {"en": "Measure", "zh": "指标"},
    "value": {"en": "Value", "zh": "数值"},
})

#: the rows of data_source (what was read)
DATA_SOURCE = Catalogue("rfm.data_source", {
    "lines": {"en": "transaction lines", "zh": "交易明细行数"},
    "customers": {"en": "customers", "zh": "客户数"},
    "first": {"en": "first day", "zh": "首笔交易日期"},
    "last": {"en": "last day", "zh": "末笔交易日期"},
    "asof": {"en": "snapshot date (asof)", "zh": "分析时点（asof）"},
})

#: the rows of compare_definitions
DEFINITIONS = Catalogue("rfm.definitions", {
    "invoices": {"en": "RFM, F = invoices (orders)", "zh": "RFM，F = 订单数"},
    "days": {"en": "RFM, F = purchase days", "zh": "RFM，F = 购买天数"},
    "lines": {"en": "RFM, F = lines", "zh": "RFM，F = 明细行数"},
    "btyd": {"en": "BTYD (lifetimes), F = repeat purchase days", "zh": "BTYD（lifetimes），F = 重复购买天数"},
})

#: headers of compare_definitions
DEFINITION_COLUMNS = Catalogue("rfm.definition_columns", {
    "definition": {"en": "Definition", "zh": "定义"},
    "mean_F": {"en": "Mean F", "zh": "F 平均值"},
    "median_F": {"en": "Median F", "zh": "F 中位数"},
    "share_lowest_F": {"en": "Share with the lowest F", "zh": "F 为最低值的客户占比"},
    "median_M": {"en": "Median M", "zh": "M 中位数"},
})

#: how the scores were cut, in words (RFMScores.interpret)
SCORE_METHODS = Catalogue("rfm.score_methods", {
    "quantile": {"en": "by quantiles (equal shares of customers)", "zh": "分位数（每档客户数大致相等）"},
    "fixed": {"en": "at fixed thresholds", "zh": "固定阈值"},
})

#: an axis's raw measure in the sentences on empty score classes (score_notes)
MEASURES = Catalogue("rfm.measures", {
    "recency": {"en": "recency in days", "zh": "最近一次消费天数"},
    "frequency": {"en": "frequency", "zh": "消费频率"},
    "monetary": {"en": "monetary value", "zh": "消费金额"},
})

# ---------------------------------------------------------------- the segment schemes' words

#: the schemes by name (chart titles)
SCHEME_NAMES = Catalogue("rfm.schemes", {
    "rfm11": {"en": "11-segment map", "zh": "11 类客户分群"},
    "cn8": {"en": "8-class scheme", "zh": "八类客户"},
    "rules": {"en": "own rules", "zh": "自定义规则"},
})

#: a score range in a scheme's definitions table
RANGES = Catalogue("rfm.ranges", {
    "any": {"en": "any", "zh": "任意"},
    "high": {"en": "high", "zh": "高"},
    "low": {"en": "low", "zh": "低"},
})

#: segment keys → names, both schemes (cn8 first, then rfm11; the headers of the migration table and of
#: cluster cross-tabs, and the names in the scheme rows of crmcore.customer.rfm_schemes)
SEGMENT_NAMES = Catalogue("rfm.segments", {
    "important_value": {"en": "Important value customers", "zh": "重要价值客户"},
    "important_development": {"en": "Important development customers", "zh": "重要发展客户"},
    "important_retention": {"en": "Important retention customers", "zh": "重要保持客户"},
    "important_winback": {"en": "Important win-back customers", "zh": "重要挽留客户"},
    "general_value": {"en": "General value customers", "zh": "一般价值客户"},
    "general_development": {"en": "General development customers", "zh": "一般发展客户"},
    "general_retention": {"en": "General retention customers", "zh": "一般保持客户"},
    "general_winback": {"en": "General win-back customers", "zh": "一般挽留客户"},
    "champions": {"en": "Champions", "zh": "冠军客户"},
    "loyal": {"en": "Loyal", "zh": "忠诚客户"},
    "potential_loyalist": {"en": "Potential loyalist", "zh": "潜在忠诚客户"},
    "promising": {"en": "Promising", "zh": "有潜力客户"},
    "new": {"en": "New", "zh": "新客户"},
    "need_attention": {"en": "Need attention", "zh": "需要关注客户"},
    "about_to_sleep": {"en": "About to sleep", "zh": "即将沉睡客户"},
    "at_risk": {"en": "At risk", "zh": "有流失风险客户"},
    "hibernating": {"en": "Hibernating", "zh": "休眠客户"},
    "cant_lose": {"en": "Can't lose them", "zh": "不能失去的客户"},
    "lost": {"en": "Lost", "zh": "已流失客户"},
})

#: what each segment means (rfm11)
SEGMENT_MEANINGS = Catalogue("rfm.segment_meanings", {
    "champions": {"en": "bought recently, often, and spent the most", "zh": "最近买过、买得多、花得多"},
    "loyal": {"en": "bought recently and often, with a smaller spend", "zh": "最近买过、购买频繁，但消费金额不高"},
    "potential_loyalist": {"en": "bought recently, a few times, with a good spend", "zh": "最近买过、已复购几次、消费金额不错"},
    "promising": {"en": "bought recently, a few times, with a small spend", "zh": "最近买过、已复购几次，但消费金额较低"},
    "new": {"en": "one purchase, made recently: a first-time buyer", "zh": "最近首次购买、只买过一次"},
    "need_attention": {"en": "bought often, but not lately: cooling", "zh": "以前买得较多，但最近没有购买，开始降温"},
    "about_to_sleep": {"en": "one or two purchases, not lately", "zh": "只买过一两次，且最近没有购买"},
    "at_risk": {"en": "bought often, but long ago: lapsing", "zh": "以前买得较多，但已很久没有购买"},
    "hibernating": {"en": "one or two purchases, long ago", "zh": "只买过一两次，且已很久没有购买"},
    "cant_lose": {"en": "bought most often, but gone the longest", "zh": "曾是购买最频繁的客户，但离开最久"},
    "lost": {"en": "few purchases, gone the longest", "zh": "购买不多，且离开最久"},
})

#: the suggested action for each segment, both schemes
SEGMENT_ACTIONS = Catalogue("rfm.segment_actions", {
    "important_value": {"en": "retain: VIP service, early access, keep them delighted",
                        "zh": "保持：VIP 服务、优先体验，重点维护"},
    "important_development": {"en": "develop: raise purchase frequency (membership, subscriptions, cross-selling)",
                              "zh": "发展：提高购买频率（会员、订阅、交叉销售）"},
    "important_retention": {"en": "retain: contact them now, find out why they have not bought lately",
                            "zh": "保持：主动联系，了解近期未购买的原因"},
    "important_winback": {"en": "win back: personal offer before they are lost", "zh": "挽留：在流失前给予个性化优惠"},
    "general_value": {"en": "develop: up-sell to larger baskets and higher-price items", "zh": "发展：提升客单价，推荐高价商品"},
    "general_development": {"en": "develop: welcome series, second-purchase incentive", "zh": "发展：新客引导，激励第二次购买"},
    "general_retention": {"en": "retain: low-cost reminders and promotions", "zh": "保持：低成本提醒和促销"},
    "general_winback": {"en": "win back cheaply or let go: automated campaigns only", "zh": "挽留或放弃：仅做自动化营销"},
    "champions": {"en": "reward; ask for reviews; early access to new products", "zh": "给予回馈；邀请评价；新品优先体验"},
    "loyal": {"en": "up-sell to larger baskets; loyalty programme", "zh": "向上销售，提高客单价；会员忠诚计划"},
    "potential_loyalist": {"en": "membership offer; recommend related items", "zh": "邀请入会；推荐相关商品"},
    "promising": {"en": "build brand awareness; bundles and free trials", "zh": "建立品牌认知；组合装和免费试用"},
    "new": {"en": "onboarding; second-purchase incentive", "zh": "新客引导；激励第二次购买"},
    "need_attention": {"en": "limited-time offers based on past purchases", "zh": "基于历史购买的限时优惠"},
    "about_to_sleep": {"en": "reactivate with popular items and discounts", "zh": "用热销商品和折扣唤醒"},
    "at_risk": {"en": "personal contact; renewal offers", "zh": "一对一联系；续购优惠"},
    "hibernating": {"en": "low-cost reactivation; other products", "zh": "低成本唤醒；推荐其他商品"},
    "cant_lose": {"en": "win back with the best offers; talk to them", "zh": "用最好的优惠挽回；直接沟通"},
    "lost": {"en": "one last low-cost win-back campaign, then let go", "zh": "最后一次低成本挽回，之后放弃"},
})

#: the single outcome when the data cannot be segmented (rfm_schemes.NO_SPREAD)
NO_SPREAD_WORDS = Catalogue("rfm.no_spread", {
    "name": {"en": "Not enough spread to segment", "zh": "差异不足，无法分群"},
    "means": {"en": "every customer has the same recency, frequency and monetary value",
              "zh": "所有客户的最近一次消费、消费频率和消费金额都相同"},
    "action": {"en": "collect more history (a longer period or more customers) before segmenting",
               "zh": "先积累更多数据（更长的期间或更多客户），再做分群"},
})


# ---------------------------------------------------------------- sentences


def table_notes_text(n: int, examples: Sequence[Any], lang: str = "en") -> list[str]:
    """Customers left out of the table because they only returned goods (``n`` of them, ``examples``)."""
    check_lang(lang)
    if not n:
        return []
    ex = ", ".join(map(str, examples or []))
    if lang == "zh":
        return [f"有 {n:,} 位客户在分析时点之前只有退货记录、没有购买（如 {ex}），未纳入 RFM 分析。"]
    return [f"{n:,} customer(s) have only return lines before the snapshot date and no purchase (e.g. {ex}); they are "
            "left out of the RFM analysis."]


def scores_sentences(n: int, bins: int, top: int, bottom: int, method: str, lang: str = "en") -> list[str]:
    """RFMScores.interpret: ``n`` customers scored 1..``bins``, ``top`` with the best score on all three axes,
    ``bottom`` with 1 on all three."""
    lang = check_lang(lang)
    how = SCORE_METHODS(method, lang)
    if lang == "zh":
        return [f"{n:,} 位客户按{how}在最近一次消费（R）、消费频率（F）、消费金额（M）上各打 1–{bins} 分。",
                f"三项都得 {bins} 分的有 {top:,} 位（{top / n:.1%}），三项都只得 1 分的有 {bottom:,} 位"
                f"（{bottom / n:.1%}）。"]
    return [f"{n:,} customers were scored 1–{bins} on recency (R), frequency (F) and monetary value (M) "
            f"{how}.",
            f"{top:,} ({top / n:.1%}) score {bins} on all three and {bottom:,} ({bottom / n:.1%}) "
            f"score 1 on all three."]


def empty_score_note(axis: str, column: str, empty: Sequence[int], value: Any, count: int, n: int,
                     lang: str = "en") -> str:
    """No customer has ``axis`` score(s) ``empty`` because ``count`` of ``n`` customers tie at ``value``."""
    name = MEASURES[column][lang]
    e = "、".join(map(str, empty)) if lang == "zh" else ", ".join(map(str, empty))
    if lang == "zh":
        return f"{axis} 评分 {e} 没有客户：{n:,} 位客户中有 {count:,} 位的{name}同为 {value:,.6g}，并列客户必须得同一个分数。"
    return (f"No customer has {axis} score {e}: {count:,} of {n:,} customers share {name} = {value:,.6g}, and tied "
            "customers must share a score.")


def migration_text(asof_from: str, asof_to: str, n_old: int, n_new: int, kept: float, lang: str = "en") -> str:
    """How many of the ``n_old`` earlier customers kept their segment (share ``kept``), and ``n_new`` new ones."""
    if n_old == 0:
        return (f"{asof_from} 之前没有客户，{n_new:,} 位客户都是在 {asof_from} 至 {asof_to} 之间首次购买的新客户。"
                if lang == "zh" else
                f"No customer had bought before {asof_from}; all {n_new:,} first bought between "
                f"{asof_from} and {asof_to}.")
    n_kept = int(round(kept * n_old))
    if lang == "zh":
        return (f"在 {asof_from} 之前已购买的 {n_old:,} 位客户中，{n_kept:,} 位（{kept:.1%}）到 {asof_to} "
                f"仍在原来的客户分群；另有 {n_new:,} 位客户在这两个日期之间首次购买。")
    return (f"Of the {n_old:,} customers who had bought before {asof_from}, {n_kept:,} ({kept:.1%}) were in "
            f"the same segment at {asof_to}; {n_new:,} more first bought between the two dates.")


def row_order_sentence(result: Mapping[str, Any], *, column: str = "frequency", lang: str = "en") -> str:
    """The finding of :func:`crmcore.customer.rfm.row_order_instability` as one sentence."""
    check_lang(lang)
    n, k, share, ours = result["customers"], result["naive_changed"], result["naive_changed_share"], result["crmcore_changed"]
    col = text(column, lang, LABELS)
    if lang == "zh":
        return (f"只是打乱行的顺序，按排名等分的普通五分位法就让 {n:,} 位客户中的 {k:,} 位（{share:.1%}）{col}评分改变；"
                f"crmcore 的并列规则下改变的有 {ours:,} 位。")
    return (f"Merely shuffling the rows changes the {col} score of {k:,} of {n:,} customers ({share:.1%}) under plain "
            f"quintiles of ranks; under crmcore's tie rule {ours:,} change.")


def export_text(paths: Sequence[Any], n: int, lang: str = "en") -> str:
    """Where the customer list of ``n`` customers went, in ``lang``."""
    check_lang(lang)
    names = "、".join(Path(p).name for p in paths) if lang == "zh" else ", ".join(Path(p).name for p in paths)
    if lang == "zh":
        return f"给销售团队的客户清单（{n:,} 位客户，含 R/F/M、评分、客户分群和建议措施）已导出：{names}。"
    return f"The list for the sales team ({n:,} customers with R, F, M, scores, segment and action) is in {names}."


def _names(names: Sequence[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(f"“{n}”" for n in names)
    names = [f"'{n}'" for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def no_spread_sentences(n: int, lang: str = "en") -> list[str]:
    """The segment report when the ``n`` customers cannot be told apart."""
    if lang == "zh":
        return [f"{n:,} 位客户的最近一次消费、消费频率和消费金额完全相同，差异不足，无法分群；"
                f"建议：{NO_SPREAD_WORDS['action']['zh']}。"]
    return [f"All {n:,} customer(s) have the same recency, frequency and monetary value: there is not enough "
            f"spread to segment them. Action: {NO_SPREAD_WORDS['action']['en']}."]


def segment_sentences(s: pd.DataFrame, conc: pd.DataFrame, *, lang: str = "en", top: int = 3,
                      target: float = 0.8) -> list[str]:
    """Findings for the report, from the segment summary ``s`` (segments with customers) and the revenue
    concentration ``conc`` (:func:`crmcore.customer.rfm.revenue_concentration`).

    1. the number of customers and the largest segment;
    2. revenue concentration, cumulated in the right order: the segments sorted by revenue, from
       the top, until ``target`` (80 %) of revenue is reached — how many segments that takes and which
       share of the customers they are ("only" is said only when that share is under half the revenue
       share);
    3. for the ``top`` segments by revenue: size, revenue share, average order value, median recency
       and the action.
    """
    n = int(s["customers"].sum())
    names = dict(zip(s["segment"], s["segment_name"]))
    core = conc[conc["core"]]
    k, n_seg = len(core), len(conc)
    cust, rev = float(core["share"].sum()), float(core["cum_revenue_share"].iloc[-1])
    few = cust < 0.5 * rev
    biggest = s.sort_values(["customers"], ascending=False, kind="stable").iloc[0]
    by_rev = conc.head(top)
    lines = []
    core_names = _names([names[x] for x in core["segment"]], lang)
    if lang == "zh":
        lines.append(f"共 {n:,} 位客户，人数最多的客户分群是“{biggest.segment_name}”，{biggest.customers:,} 位（{biggest.share:.1%}）。")
        if k == n_seg:
            lines.append(f"销售额分布较分散：要把 {n_seg} 个有客户的分群全部算上，销售额才达到 {target:.0%} 以上。")
        elif k == 1:
            lines.append(f"销售额最高的客户分群{core_names}一个分群就贡献了 {rev:.1%} 的销售额，"
                         f"{'而只占' if few else '占'}客户总数的 {cust:.1%}。")
        else:
            lines.append(f"按销售额从高到低累计，前 {k} 个客户分群（{core_names}）合计贡献 {rev:.1%} 的销售额，"
                         f"{'而只占' if few else '占'}客户总数的 {cust:.1%}。")
        for r in by_rev.itertuples():
            row = s.set_index("segment").loc[r.segment]
            lines.append(f"“{r.segment_name}”：{r.customers:,} 位客户，销售额占比 {r.revenue_share:.1%}，"
                         f"客单价 {row.average_order_value:,.2f}，最近一次消费中位数 {row.median_recency:,.0f} 天。"
                         f"建议：{row.action}。")
    else:
        lines.append(f"Of {n:,} customers the largest segment is '{biggest.segment_name}' with "
                     f"{biggest.customers:,} ({biggest.share:.1%}).")
        if k == n_seg:
            lines.append(f"Revenue is spread out: it takes all {n_seg} segments that have customers to reach "
                         f"{target:.0%} of revenue.")
        elif k == 1:
            lines.append(f"The segment with the most revenue, {core_names}, alone brings {rev:.1%} of revenue and is "
                         f"{'only ' if few else ''}{cust:.1%} of customers.")
        else:
            lines.append(f"Cumulated from the largest, the top {k} segments by revenue ({core_names}) bring {rev:.1%} "
                         f"of revenue and are {'only ' if few else ''}{cust:.1%} of customers.")
        for r in by_rev.itertuples():
            row = s.set_index("segment").loc[r.segment]
            lines.append(f"'{r.segment_name}': {r.customers:,} customers, {r.revenue_share:.1%} of revenue, average "
                         f"order value {row.average_order_value:,.2f}, median recency {row.median_recency:,.0f} days. "
                         f"Action: {row.action}.")
    return lines
