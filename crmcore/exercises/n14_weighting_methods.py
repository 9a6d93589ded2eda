"""Self-checks for notebook 14 (weighting methods: 熵权法、CRITIC 法、模糊综合评价、模糊层次分析法、专家评价法).

Each takes the learner's answer and the notebook's own inputs, recomputes the value with crmcore.weights and
prints a verdict in the notebook's language.
"""
from __future__ import annotations

from typing import Any

from . import verdict

#: the small table of exercise 1 (three customers, two criteria)
EX1_TABLE = {"a": [1, 2, 3], "b": [4, 4, 2]}


def check_1(answer: float, *, lang: str = "en", tol: float = 1e-3) -> bool:
    """Exercise 1: the entropy weight of column a of EX1_TABLE (proportion normalisation)."""
    import warnings

    import pandas as pd

    from crmcore.decision import weights

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = weights.entropy(pd.DataFrame(EX1_TABLE)).weights["a"]
    try:
        ok = abs(float(answer) - w) <= tol
    except (TypeError, ValueError):
        ok = False
    return verdict(ok, lang,
                   right=(f"Right: w_a = {w:.4f}. Column a's shares (1/6, 2/6, 3/6) are less even than b's (0.4, 0.4, "
                          "0.2), so a has the lower entropy and the larger weight.",
                          f"正确：w_a = {w:.4f}。a 列的比重（1/6、2/6、3/6）比 b 列（0.4、0.4、0.2）更不均匀，"
                          "信息熵更低，权重更大。"),
                   wrong=("Not yet: p_ij = x_ij / Σ_i x_ij, e_j = −Σ p ln p / ln 3, d_j = 1 − e_j, w_a = d_a / (d_a + d_b).",
                          "还不对：p_ij = x_ij / Σ_i x_ij，e_j = −Σ p ln p / ln 3，d_j = 1 − e_j，w_a = d_a / (d_a + d_b)。"))


def check_2(answer: str, survey_file: Any, *, lang: str = "en") -> bool:
    """Exercise 2: the overall grade by maximum membership when the survey is evaluated with M(∧,∨)."""
    import warnings

    from crmcore.decision import weights

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ev = weights.survey_evaluation(survey_file, operator="zadeh").goal
    names = ev.names or {}
    accepted = {ev.grade.lower()} | {str(v).lower() for v in names.get(ev.grade, {}).values()}
    ok = str(answer).strip().lower() in accepted
    g = names.get(ev.grade, {}).get(lang, ev.grade)
    sg = names.get(ev.score_grade, {}).get(lang, ev.score_grade)
    return verdict(ok, lang,
                   right=(f"Right: “{g}”. With M(∧,∨) no b_j can exceed the largest weight; the weighted score points "
                          f"to “{sg}”.",
                          f"正确：“{g}”。采用 M(∧,∨) 时任何 b_j 都不超过最大权重；加权得分指向“{sg}”。"),
                   wrong=("Not yet: call weights.survey_evaluation(survey_file, operator='zadeh') and read .goal.grade.",
                          "还不对：调用 weights.survey_evaluation(survey_file, operator='zadeh')，读取 .goal.grade。"))


def check_3(answer: float, subjective: Any, objective: Any, *, lang: str = "en", tol: float = 1e-3) -> bool:
    """Exercise 3: the combined weight of M with α = 0.7 (70 % subjective)."""
    from crmcore.decision import weights

    w = weights.combine(subjective, objective, alpha=0.7).weights["M"]
    try:
        ok = abs(float(answer) - w) <= tol
    except (TypeError, ValueError):
        ok = False
    return verdict(ok, lang,
                   right=(f"Right: w_M = {w:.4f} = 0.7 · subjective + 0.3 · objective.",
                          f"正确：w_M = {w:.4f} = 0.7 × 主观权重 + 0.3 × 客观权重。"),
                   wrong=("Not yet: weights.combine(subjective, objective, alpha=0.7).weights['M'].",
                          "还不对：weights.combine(subjective, objective, alpha=0.7).weights['M']。"))


def check_4(answer: float, ratings: Any, *, lang: str = "en", tol: float = 1e-3) -> bool:
    """Exercise 4: Kendall's W of the experts' round-1 ratings."""
    import pandas as pd

    from crmcore.decision import weights

    df = pd.DataFrame(ratings)
    r1 = df[df["round"] == df["round"].min()].drop(columns=["round", "expert"])
    w = weights.kendall_w(r1).W
    word_en, word_zh = weights.agreement_word(w, "en"), weights.agreement_word(w, "zh")
    try:
        ok = abs(float(answer) - w) <= tol
    except (TypeError, ValueError):
        ok = False
    return verdict(ok, lang,
                   right=(f"Right: W = {w:.4f} — {word_en} agreement in the first round, before any feedback.",
                          f"正确：W = {w:.4f}——第一轮（尚未反馈）专家意见的协调程度{word_zh}。"),
                   wrong=("Not yet: take the round-1 rows, drop 'round' and 'expert', and pass them to weights.kendall_w.",
                          "还不对：取第 1 轮的行，去掉 round 和 expert 两列，再传给 weights.kendall_w。"))
