"""The words of crmcore.customer_value (catalogues in en / zh) and the report sentences built from its results."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from crmcore.labels import Catalogue, check_lang

if TYPE_CHECKING:
    from crmcore.customer.customer_value import ScoreResult

#: the value groups, indicators, tiers and words of the five-value and key-account models
LABELS = Catalogue("customer_value.labels", {
    "market": {"en": "market value", "zh": "市场价值"},
    "scale": {"en": "scale value", "zh": "规模价值"},
    "brand": {"en": "brand value", "zh": "品牌价值"},
    "information": {"en": "information value", "zh": "信息价值"},
    "network": {"en": "network value", "zh": "网络价值"},
    "score": {"en": "score", "zh": "综合得分"},
    "rank": {"en": "rank", "zh": "排名"},
    "tier": {"en": "tier", "zh": "客户等级"},
    "revenue": {"en": "total spend", "zh": "累计消费额"},
    "avg_order_value": {"en": "average order value", "zh": "平均单笔消费"},
    "max_order_value": {"en": "largest single purchase", "zh": "最大单笔消费"},
    "orders": {"en": "purchase frequency", "zh": "购买频次"},
    "quantity": {"en": "purchase volume", "zh": "购买数量"},
    "lines": {"en": "order lines", "zh": "订单行数"},
    "brand_intent": {"en": "brand intent (hand-scored 1–5)", "zh": "品牌意向（人工评分 1–5）"},
    "profile_completeness": {"en": "record completeness", "zh": "资料完整度"},
    "referrals": {"en": "referrals", "zh": "推荐客户数"},
    "related_companies": {"en": "parent/subsidiary links", "zh": "母子公司关联数"},
    "sales_2y": {"en": "sales, last two years", "zh": "近两年销售额"},
    "potential_3y": {"en": "potential, next three years", "zh": "未来三年潜力"},
    "winnable": {"en": "can we win it", "zh": "能否赢得"},
    "deliverable": {"en": "can we deliver", "zh": "能否满足"},
    "demonstration": {"en": "demonstration effect", "zh": "示范效应"},
    "A": {"en": "A: key account", "zh": "A：重点客户"},
    "B": {"en": "B: potential key account", "zh": "B：潜在重点客户"},
    "C": {"en": "C: ordinary account", "zh": "C：一般客户"},
    "top_customers": {"en": "Top customers by value score", "zh": "客户价值得分最高的客户"},
})

#: Table headers (en/zh) of the AHP / customer-value report tables (notebook 06) beyond crmcore.labels.COLUMNS.
#: The value and key-account tables show each group's contribution to the score, in points.
COLUMNS = Catalogue("customer_value.columns", {
    "expert": {"en": "Expert", "zh": "专家"}, "CR": {"en": "CR", "zh": "一致性比率 CR"},
    "consistent": {"en": "Consistent", "zh": "通过一致性检验"}, "expert_weight": {"en": "Expert weight", "zh": "专家权重"},
    "weighted_score": {"en": "Weighted RFM score", "zh": "加权 RFM 得分"},
    "R": {"en": "R score", "zh": "R 得分"}, "F": {"en": "F score", "zh": "F 得分"}, "M": {"en": "M score", "zh": "M 得分"},
    "group": {"en": "Value group", "zh": "价值维度"}, "indicator": {"en": "Indicator", "zh": "指标"},
    "group_weight": {"en": "Group weight", "zh": "维度权重"}, "tier": {"en": "Tier", "zh": "客户等级"},
    "p_first": {"en": "Share of runs ranked first", "zh": "排名第一的概率"}, "mean_rank": {"en": "Mean rank", "zh": "平均名次"},
    "mean_priority": {"en": "Mean score", "zh": "平均得分"}, "q05": {"en": "Score, 5% quantile", "zh": "得分 5% 分位数"},
    "q95": {"en": "Score, 95% quantile", "zh": "得分 95% 分位数"}, "alternative": {"en": "Alternative", "zh": "方案"},
    "priority": {"en": "Overall priority", "zh": "综合权重"}, "a_ij": {"en": "a_ij", "zh": "a_ij"},
    # value and key-account tables show each group's contribution to the score, in points
    **{k: {"en": LABELS[k]["en"] + " (points)", "zh": LABELS[k]["zh"] + "（分）"}
       for k in ("market", "scale", "brand", "information", "network", "sales_2y", "potential_3y",
                 "winnable", "deliverable", "demonstration")},
})


def data_notes(customers: pd.DataFrame, *, lang: str = "en", column: str = "revenue") -> list[str]:
    """What a report must say about the customer table: customers with negative net spend (returns exceed
    purchases in the window) whose spend and volume indicators count as 0 in the five-value model. Empty when none."""
    check_lang(lang)
    n = int((pd.to_numeric(customers[column], errors="coerce") < 0).sum()) if column in customers else 0
    if not n:
        return []
    if lang == "zh":
        return [f"有 {n:,} 个客户的净消费额为负（数据期内退货多于购买），他们的消费金额和购买数量指标按 0 计。"]
    return [f"{n:,} customer{'s have' if n > 1 else ' has'} a negative net spend (returns exceed purchases in the "
            "data); their spend and volume indicators count as 0."]


def recommendations(keys: ScoreResult, mc: Any, *, lang: str = "en", robust: float = 0.9,
                    show: int = 5) -> list[str]:
    """Recommended actions generated from the key-account tiers and the Monte Carlo robustness.

    Tier A accounts get an account manager, tier B a quarterly review; when no account reaches tier A the
    sentence says so (the cut-off, not the customers, may need a look). The value ranking is called usable
    only when its leader stays first in at least ``robust`` (90 %) of the perturbed runs.
    """
    check_lang(lang)
    zh = lang == "zh"
    out = []
    tier = keys.table["tier"] if "tier" in keys.table.columns else pd.Series(dtype=object)
    a_ids = keys.table.loc[tier == "A", keys.id_col].astype(str).tolist()
    n_b = int((tier == "B").sum())
    if keys.tiers:
        cut = keys.tiers[0]
        if a_ids:
            ids = "、".join(a_ids[:show]) if zh else ", ".join(a_ids[:show])
            more = ("等" if zh else ", …") if len(a_ids) > show else ""
            out.append(f"为 {len(a_ids)} 个 A 类重点客户（{ids}{more}）各指定一名客户经理；"
                       f"{n_b} 个 B 类潜在重点客户每季度复核一次。" if zh else
                       f"Assign an account manager to each of the {len(a_ids)} tier-A key accounts ({ids}{more}); "
                       f"review the {n_b} tier-B accounts every quarter.")
        else:
            out.append(f"没有客户达到 A 类（得分 ≥ {cut:g}）：先复核等级分界和候选名单，再确定重点客户。" if zh else
                       f"No account reaches tier A (score ≥ {cut:g}): review the cut-offs and the candidates before "
                       "naming key accounts.")
    t = mc.table.iloc[0]
    who, p = t.iloc[0], float(t["p_first"])
    if p >= robust:
        out.append(f"判断随机扰动时，{who} 有 {p:.1%} 的情况排名第一：客户价值排名稳健，可以直接使用。" if zh else
                   f"{who} stays first in {p:.1%} of the runs with perturbed judgements: the value ranking is robust "
                   "and can be used as it is.")
    else:
        out.append(f"判断随机扰动时，排名第一的 {who} 只有 {p:.1%} 的情况保持第一：在据此行动之前，先请管理者确认"
                   "关键判断。" if zh else
                   f"With perturbed judgements the leader {who} is first in only {p:.1%} of the runs: confirm the "
                   "key judgements with the managers before acting on the order of the top customers.")
    return out
