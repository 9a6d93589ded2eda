"""The words of the AHP modules (层次分析法) in en / zh: one catalogue per table, read by ``ahp_scale``,
``ahp_matrix`` (which passes the judgement headers on to ``ahp_judgements``) and ``ahp_hierarchy``; the
charts' few words stay in ``ahp_plots``.

The first link of the AHP import chain: it imports no AHP module (ARCHITECTURE.md).
"""
from __future__ import annotations

from crmcore.labels import Catalogue

#: words of the priority tables, worksheets and sentences (crmcore.ahp.LABELS)
LABELS = Catalogue("ahp.labels", {
    "weight": {"en": "weight", "zh": "权重"},
    "rank": {"en": "rank", "zh": "排序"},
    "criterion": {"en": "criterion", "zh": "准则"},
    "column_sum": {"en": "column sum", "zh": "列和"},
    "row_mean": {"en": "row mean = w", "zh": "行平均 = w"},
    "row_gmean": {"en": "row geometric mean", "zh": "行几何平均"},
    "Aw": {"en": "Aw", "zh": "Aw"},
    "Aw_w": {"en": "(Aw)/w", "zh": "(Aw)/w"},
    "lambda_max": {"en": "λmax", "zh": "最大特征根 λmax"},
    "lambda_est": {"en": "λmax (estimate)", "zh": "λmax（近似）"},
    "CI": {"en": "CI", "zh": "一致性指标 CI"},
    "RI": {"en": "RI", "zh": "随机一致性指标 RI"},
    "CR": {"en": "CR", "zh": "一致性比率 CR"},
    "eigen": {"en": "eigenvector", "zh": "特征根法"},
    "geometric": {"en": "geometric mean", "zh": "几何平均法"},
    "arithmetic": {"en": "arithmetic mean", "zh": "和法"},
    "harker": {"en": "Harker (incomplete)", "zh": "Harker 法（不完全）"},
    "ok": {"en": "acceptable", "zh": "通过一致性检验"},
    "revise": {"en": "must be revised", "zh": "需要修正判断矩阵"},
    "matrix": {"en": "judgement matrix", "zh": "判断矩阵"},
    "normalised": {"en": "column-normalised matrix", "zh": "列归一化矩阵"},
    "step1": {"en": "Step 1: divide each column by its sum", "zh": "第一步：每列除以列和（列归一化）"},
    "step1g": {"en": "Step 1: geometric mean of each row", "zh": "第一步：计算每行元素乘积的 n 次方根"},
    "step1e": {"en": "Step 1: principal eigenvector of A", "zh": "第一步：求 A 的最大特征根对应的特征向量"},
    "step2": {"en": "Step 2: normalise so the weights sum to 1", "zh": "第二步：归一化得到权重 w"},
    "step3": {"en": "Step 3: Aw and (Aw)_i / w_i", "zh": "第三步：计算 Aw 与 (Aw)_i / w_i"},
    "step4": {"en": "Step 4: consistency check", "zh": "第四步：一致性检验"},
    "judgement": {"en": "judgement", "zh": "判断"},
    "suggested": {"en": "suggested", "zh": "建议值"},
    "cr_before": {"en": "CR before", "zh": "修正前 CR"},
    "cr_after": {"en": "CR after", "zh": "修正后 CR"},
})

#: Saaty's fundamental scale (标度): the verbal meaning of each odd value, and the rest of the scale table
SCALE_WORDS = Catalogue("ahp.scale", {
    1: {"en": "equal importance", "zh": "同等重要"},
    3: {"en": "moderate importance of one over the other", "zh": "稍微重要"},
    5: {"en": "strong importance", "zh": "明显重要"},
    7: {"en": "very strong importance", "zh": "强烈重要"},
    9: {"en": "extreme importance", "zh": "极端重要"},
    "intermediate": {"en": "between the two adjacent judgements", "zh": "上述相邻判断的中值"},
    "reverse": {"en": "the reverse comparison: a_ji = 1/a_ij", "zh": "反比较：a_ji = 1/a_ij"},
    "meaning": {"en": "meaning", "zh": "含义"},
})

#: readable headers of MethodComparison.to_frame(lang) (the result protocol of crmcore.results)
COMPARISON_COLUMNS = Catalogue("ahp.comparison_columns", {
    "rank_eigen": {"en": "Rank (eigenvector)", "zh": "排名（特征根法）"},
    "rank_geometric": {"en": "Rank (geometric mean)", "zh": "排名（几何平均法）"},
    "rank_arithmetic": {"en": "Rank (arithmetic mean)", "zh": "排名（和法）"},
    "max_diff": {"en": "Largest difference", "zh": "最大差异"},
})

#: readable headers of the ahp_judgements results' to_frame(lang)
JUDGEMENT_COLUMNS = Catalogue("ahp.judgement_columns", {
    "row": {"en": "Row", "zh": "行"},
    "column": {"en": "Column", "zh": "列"},
    "value": {"en": "Value", "zh": "数值"},
    "as_text": {"en": "As a fraction", "zh": "分数形式"},
    "responsibility": {"en": "Share of the inconsistency", "zh": "对不一致的贡献"},
    "current": {"en": "Current judgement", "zh": "当前判断"},
    "implied": {"en": "Value implied by the weights", "zh": "权重推出的值"},
    "suggested": {"en": "Suggested judgement", "zh": "建议判断"},
    "suggested_value": {"en": "Suggested value", "zh": "建议值"},
    "cr_before": {"en": "CR before", "zh": "调整前一致性比率"},
    "cr_after": {"en": "CR after", "zh": "调整后一致性比率"},
    "reaches_threshold": {"en": "Under the threshold", "zh": "低于阈值"},
    "mean": {"en": "Mean", "zh": "均值"},
    "std": {"en": "Standard deviation", "zh": "标准差"},
    "min": {"en": "Minimum", "zh": "最小值"},
    "max": {"en": "Maximum", "zh": "最大值"},
    "cv": {"en": "Coefficient of variation", "zh": "变异系数"},
})

#: readable headers of the ahp_hierarchy results' to_frame(lang)
HIERARCHY_COLUMNS = Catalogue("ahp.hierarchy_columns", {
    "alternative": {"en": "Alternative", "zh": "方案"},
    "priority": {"en": "Priority", "zh": "优先级"},
    "p_first": {"en": "Chance of ranking first", "zh": "排名第一的概率"},
    "mean_rank": {"en": "Mean rank", "zh": "平均名次"},
    "mean_priority": {"en": "Mean priority", "zh": "平均优先级"},
    "q05": {"en": "5% quantile", "zh": "5% 分位数"},
    "q95": {"en": "95% quantile", "zh": "95% 分位数"},
    "before": {"en": "Before", "zh": "调整前"},
    "after": {"en": "After", "zh": "调整后"},
})

#: the methods that complete a missing judgement, as the sentences name them
COMPLETION_NAMES = Catalogue("ahp.completion", {
    "llsm": {"en": "logarithmic least squares (Bozóki, Fülöp & Rónyai 2010)", "zh": "对数最小二乘法（Bozóki 等 2010）"},
    "lambda_max": {"en": "the λmax-optimal completion (Bozóki, Fülöp & Rónyai 2010)", "zh": "λmax 最优补全法（Bozóki 等 2010）"},
    "harker": {"en": "Harker's (1987) method", "zh": "Harker（1987）法"},
})
