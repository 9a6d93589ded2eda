"""Self-checks for notebook 06 (AHP, 层次分析法). Each takes the learner's answer and the notebook's objects."""
from __future__ import annotations

from typing import Any

from . import verdict


def check_1(answer: float, house: Any, *, lang: str = "en", tol: float = 1e-3) -> bool:
    """Exercise 1: CR of the house matrix after *neighbourhood over condition* is set from 6 to 3."""
    labs = house.labels
    cr = house.with_judgement(labs[2], labs[6], 3).priorities().cr
    ok = abs(float(answer) - cr) <= tol
    below = cr < 0.1
    return verdict(ok, lang,
                   right=(f"Right: CR = {cr:.4f}, " + ("below 0.1: acceptable." if below else
                          "still at or above 0.1: softening this judgement alone is not enough."),
                          f"正确：CR = {cr:.4f}，" + ("低于 0.1，通过一致性检验。" if below else
                          "仍不低于 0.1：只把这个判断改弱还不够。")),
                   wrong=("Not yet: use house.with_judgement(labels[2], labels[6], 3).priorities().cr "
                          "(the labels are the matrix's 3rd and 7th elements).",
                          "还不对：用 house.with_judgement(labels[2], labels[6], 3).priorities().cr 计算"
                          "（分别是矩阵的第 3 和第 7 个元素）。"))


def check_2(answer: str, matrix: Any, *, lang: str = "en") -> bool:
    """Exercise 2: the RI table that gives the travel criteria matrix (n = 5) the highest CR."""
    from crmcore.decision import ahp

    crs = {t: ahp.priorities(matrix, ri=t).cr for t in ahp.RI_TABLES}
    best = max(crs, key=crs.get)
    ok = str(answer).strip().lower() in (best, ahp.RI_TABLES[best]["name"].lower())
    return verdict(ok, lang,
                   right=(f"Right: {ahp.RI_TABLES[best]['name']} has the smallest RI(5), so the highest CR "
                          f"({crs[best]:.4f}).",
                          f"正确：{ahp.RI_TABLES[best]['name']} 的 RI(5) 最小，所以 CR 最大（{crs[best]:.4f}）。"),
                   wrong=("Not yet: the strictest table is the one with the smallest RI(n) — compare "
                          "ahp.ri_tables().loc[5].",
                          "还不对：最严格的表是 RI(n) 最小的那张——比较 ahp.ri_tables().loc[5]。"))


def check_3(answer: str, customers: Any, value_file: Any, *, lang: str = "en") -> bool:
    """Exercise 3: the top customer when revenue is mapped by min-max instead of log."""
    from crmcore.decision import ahp_hierarchy as ah
    from crmcore.customer import customer_value as cv

    ind = {**ah.load_spec(value_file)["indicators"], "revenue": {"method": "minmax"}}
    top = str(cv.customer_value(customers, hierarchy=value_file, indicators=ind).table.iloc[0]["customer_id"])
    ok = str(answer) == top
    return verdict(ok, lang,
                   right=(f"Right: {top} leads when revenue is mapped by min-max.",
                          f"正确：消费额改用最小-最大映射后，排名第一的是 {top}。"),
                   wrong=("Not yet: rebuild the model with indicators={..., 'revenue': {'method': 'minmax'}} and "
                          "read table.iloc[0]['customer_id'].",
                          "还不对：用 indicators={..., 'revenue': {'method': 'minmax'}} 重新计算，"
                          "再读取 table.iloc[0]['customer_id']。"))
