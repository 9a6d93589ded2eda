"""The words of the weighting methods (crmcore.weights, weights_fuzzy, weights_plots): catalogues in en / zh,
the helpers that read them, and the report's recommended actions.

Imports no weights module at module level: every other ``weights_*`` module imports this one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from crmcore.labels import Catalogue, check_lang, column

if TYPE_CHECKING:
    from crmcore.decision.weights import CombinedResult, CompareResult

#: table headers and plot words of the weights modules
TEXT = Catalogue("weights.text", {
    "criterion": {"en": "Criterion", "zh": "指标"},
    "weight": {"en": "Weight", "zh": "权重"},
    "entropy": {"en": "Entropy e_j", "zh": "信息熵 e_j"},
    "divergence": {"en": "Divergence d_j = 1 − e_j", "zh": "差异系数 d_j = 1 − e_j"},
    "direction": {"en": "Direction", "zh": "方向"},
    "benefit": {"en": "benefit (higher is better)", "zh": "正向（越大越好）"},
    "cost": {"en": "cost (lower is better)", "zh": "负向（越小越好）"},
    "sd": {"en": "Contrast σ_j", "zh": "对比强度 σ_j"},
    "conflict": {"en": "Conflict Σ(1 − r_jk)", "zh": "冲突性 Σ(1 − r_jk)"},
    "information": {"en": "Information C_j", "zh": "信息量 C_j"},
    "grade": {"en": "Grade", "zh": "评价等级"},
    "membership": {"en": "Membership b_j", "zh": "隶属度 b_j"},
    "membership_norm": {"en": "Normalised membership", "zh": "归一化隶属度"},
    "grade_score": {"en": "Grade score", "zh": "等级分值"},
    "lower": {"en": "Lower l", "zh": "下限 l"},
    "middle": {"en": "Middle m", "zh": "中值 m"},
    "upper": {"en": "Upper u", "zh": "上限 u"},
    "possibility": {"en": "Degree of possibility d", "zh": "可能度 d"},
    "crisp": {"en": "Defuzzified", "zh": "去模糊值"},
    "rank_sum": {"en": "Rank sum R_j", "zh": "秩和 R_j"},
    "mean_rank": {"en": "Mean rank", "zh": "平均秩"},
    "round": {"en": "Round", "zh": "轮次"},
    "mean": {"en": "Mean", "zh": "均值"},
    "median": {"en": "Median", "zh": "中位数"},
    "cv": {"en": "CV", "zh": "变异系数"},
    "max_cv": {"en": "Largest CV", "zh": "最大变异系数"},
    "kendall_w": {"en": "Kendall's W", "zh": "肯德尔协调系数 W"},
    "chi2": {"en": "Chi-square χ²", "zh": "卡方 χ²"},
    "p_value": {"en": "p-value", "zh": "p 值"},
    "stop": {"en": "Stop here", "zh": "可以停止"},
    "subjective": {"en": "Subjective", "zh": "主观权重"},
    "objective": {"en": "Objective", "zh": "客观权重"},
    "combined": {"en": "Combined", "zh": "组合权重"},
    "spread": {"en": "Spread (max − min)", "zh": "极差（最大 − 最小）"},
    "rank_range": {"en": "Ranks", "zh": "各方法排名"},
    "disagree": {"en": "Methods disagree", "zh": "方法间分歧"},
    "method_a": {"en": "Method A", "zh": "方法 A"},
    "method_b": {"en": "Method B", "zh": "方法 B"},
    "spearman": {"en": "Spearman ρ", "zh": "Spearman 秩相关 ρ"},
    "kendall_tau": {"en": "Kendall τ", "zh": "Kendall τ"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    "equal_weight": {"en": "equal weights", "zh": "等权重"},
    "object": {"en": "Object", "zh": "评价对象"},
    "saaty_value": {"en": "Saaty value", "zh": "标度"},
    "meaning": {"en": "Meaning", "zh": "含义"},
    "intermediate": {"en": "intermediate", "zh": "中间值"},
    "score": {"en": "Score", "zh": "综合得分"},
    "by_max": {"en": "By max membership", "zh": "按最大隶属度"},
    "by_weighted": {"en": "By weighted score", "zh": "按加权得分"},
    "overall": {"en": "Overall", "zh": "总体"},
    "factor": {"en": "Factor", "zh": "评价因素"},
    "chang": {"en": "Chang's extent analysis", "zh": "Chang 范围分析法"},
    "buckley": {"en": "Buckley's fuzzy geometric mean", "zh": "Buckley 模糊几何平均法"},
    # plot titles
    "t_entropy": {"en": "Entropy weights", "zh": "熵权法权重"},
    "t_critic": {"en": "CRITIC weights", "zh": "CRITIC 法权重"},
    "t_fahp": {"en": "Fuzzy AHP weights", "zh": "模糊层次分析法权重"},
    "t_delphi": {"en": "Expert rounds: weights from the last round", "zh": "专家评价法：末轮权重"},
    "t_delphi_w": {"en": "Expert agreement by round", "zh": "各轮专家意见协调程度"},
    "t_combined": {"en": "Subjective, objective and combined weights", "zh": "主观、客观与组合权重"},
    "t_compare": {"en": "The same criteria weighted by several methods", "zh": "同一组指标在不同方法下的权重"},
    "t_fuzzy": {"en": "Fuzzy comprehensive evaluation", "zh": "模糊综合评价结果"},
    "t_survey": {"en": "Customer satisfaction: overall evaluation vector B", "zh": "客户满意度：总体综合评价向量 B"},
    "t_kendall": {"en": "Rank sums of the objects", "zh": "各评价对象的秩和"},
})

#: en/zh names of R, F and M for tables, plots and sentences (pass as ``names=``)
RFM_NAMES = Catalogue("weights.rfm_names", {
    "R": {"en": "recency (R)", "zh": "最近一次消费（R）"},
    "F": {"en": "frequency (F)", "zh": "消费频率（F）"},
    "M": {"en": "monetary (M)", "zh": "消费金额（M）"},
})

#: en/zh names of the weighting methods (``compare(..., method_names=METHOD_NAMES)``)
METHOD_NAMES = Catalogue("weights.methods", {
    "ahp": {"en": "AHP", "zh": "层次分析法"},
    "fuzzy_ahp": {"en": "fuzzy AHP", "zh": "模糊层次分析法"},
    "entropy": {"en": "entropy", "zh": "熵权法"},
    "critic": {"en": "CRITIC", "zh": "CRITIC 法"},
    "experts": {"en": "expert rounds", "zh": "专家评价法"},
    "combined": {"en": "combined", "zh": "组合赋权"},
})

#: Schmidt (1997) reading of W for Delphi panels: the words, and the upper bound of each
AGREEMENT = Catalogue("weights.agreement", {
    "very_weak": {"en": "very weak", "zh": "极弱"}, "weak": {"en": "weak", "zh": "较弱"},
    "moderate": {"en": "moderate", "zh": "中等"}, "fairly_strong": {"en": "fairly strong", "zh": "较强"},
    "strong": {"en": "strong", "zh": "强"}, "unusually_strong": {"en": "unusually strong", "zh": "非常强"},
})
_W_WORDS = [(0.1, "very_weak"), (0.3, "weak"), (0.5, "moderate"), (0.7, "fairly_strong"), (0.9, "strong"),
            (1.01, "unusually_strong")]

#: the fuzzy composition operators M(·,·) by name (their symbols: :data:`OPERATOR_SYMBOLS`)
OPERATORS = Catalogue("weights.operators", {
    "weighted_average": {"en": "weighted average M(·,+)", "zh": "加权平均型 M(·,+)"},
    "zadeh": {"en": "main-factor-decisive (Zadeh) M(∧,∨)", "zh": "主因素决定型 M(∧,∨)"},
    "product_max": {"en": "main-factor-prominent M(·,∨)", "zh": "主因素突出型 M(·,∨)"},
    "min_bounded_sum": {"en": "min with bounded sum M(∧,⊕)", "zh": "取小上界和型 M(∧,⊕)"},
    "product_bounded_sum": {"en": "product with bounded sum M(·,⊕)", "zh": "乘积有界和型 M(·,⊕)"},
})
OPERATOR_SYMBOLS: dict[str, str] = {
    "weighted_average": "M(·,+)",
    "zadeh": "M(∧,∨)",
    "product_max": "M(·,∨)",
    "min_bounded_sum": "M(∧,⊕)",
    "product_bounded_sum": "M(·,⊕)",
}

#: Linguistic terms (en/zh) of the fuzzy scale's odd steps.
TERMS = Catalogue("weights.terms", {
    1: {"en": "equally important", "zh": "同等重要"},
    3: {"en": "moderately more important", "zh": "稍微重要"},
    5: {"en": "strongly more important", "zh": "明显重要"},
    7: {"en": "very strongly more important", "zh": "强烈重要"},
    9: {"en": "extremely more important", "zh": "极端重要"},
})


def tr(key: str, lang: str) -> str:
    """A word of :data:`TEXT` in ``lang``."""
    return TEXT[key][lang]


def label(name: Any, lang: str, names: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """A criterion or grade name in ``lang``: ``names`` first, then the shared column catalogue."""
    s = str(name)
    if names and s in names:
        return names[s][lang]
    if lang == "zh":
        return column(s, "zh")
    return s


def cap(sentences: list[str], lang: str) -> list[str]:
    """English sentences start with a capital letter even when they open with a criterion name."""
    if lang != "en":
        return sentences
    return [x[:1].upper() + x[1:] if x else x for x in sentences]


def fmt(x: float, nd: int = 3) -> str:
    """A number as a manager reads it (fixed decimals, never scientific notation)."""
    return f"{x:,.{nd}f}"


def agreement_word(w: float, lang: str = "en") -> str:
    """Schmidt's (1997) words for Kendall's W (0.1 very weak, 0.3 weak, 0.5 moderate, 0.7 strong …)."""
    for hi, key in _W_WORDS:
        if w < hi:
            return AGREEMENT[key][lang]
    return AGREEMENT[_W_WORDS[-1][1]][lang]


def actions(compared: "CompareResult", combined: "CombinedResult", survey: Any = None, *, lang: str = "en") -> list[str]:
    """Recommended actions of a weighting report, generated from the results."""
    check_lang(lang)
    w = combined.weights
    nm = lambda c: label(c, lang, combined.names)  # noqa: E731
    ws = {"en": ", ".join(f"{nm(k)} {v:.2f}" for k, v in w.items()), "zh": "，".join(f"{nm(k)} {v:.2f}" for k, v in w.items())}[lang]
    out = [{"en": f"Use the combined weights ({ws}) for the weighted RFM score, and record how they were made "
                  f"({combined.method}{'' if combined.alpha is None else f', α = {combined.alpha:.2f}'}); recompute the "
                  "objective part when the customer data change.",
            "zh": f"加权 RFM 评分采用组合权重（{ws}），并注明组合方式（{'线性' if combined.method == 'linear' else '乘法'}"
                  f"{'' if combined.alpha is None else f'，α = {combined.alpha:.2f}'}）；客户数据更新后应重新计算客观权重部分。"}[lang]]
    c = compared.correlations.dropna(subset=["spearman"])
    neg = c[c["spearman"] < 0]
    if len(neg):
        r = neg.loc[neg["spearman"].idxmin()]
        full = r["spearman"] <= -0.999
        out.append({"en": f"{compared._m(r['a'], lang)} and {compared._m(r['b'], lang)} rank the criteria in "
                          f"{'opposite' if full else 'largely opposite'} order (ρ = {r['spearman']:.2f}): state which "
                          "method the report relies on and why, rather than picking the one whose answer is convenient.",
                    "zh": f"{compared._m(r['a'], lang)}与{compared._m(r['b'], lang)}对指标的排序{'相反' if full else '大体相反'}"
                          f"（ρ = {r['spearman']:.2f}）："
                          "报告中应写明采用哪种方法及理由，而不是挑选结果顺手的那一种。"}[lang])
    if survey is not None:
        ev = getattr(survey, "goal", survey)
        g = label(ev.score_grade, lang, ev.names)
        if ev.agree and ev.reliable:
            out.append({"en": f"Report customer satisfaction as “{g}” (score {ev.score:.1f}); both readings agree.",
                        "zh": f"客户满意度报告为“{g}”（{ev.score:.1f} 分），两种结论一致。"}[lang])
        else:
            out.append({"en": f"Report customer satisfaction by the weighted score (“{g}”, {ev.score:.1f}), not by "
                              "maximum membership alone.",
                        "zh": f"客户满意度应按加权得分报告（“{g}”，{ev.score:.1f} 分），不能只看最大隶属度。"}[lang])
    return cap(out, lang)
