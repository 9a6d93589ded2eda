"""Self-checks for notebook 02 (quantified SWOT): the learner's own numbers compared with crmcore's."""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from . import verdict


def _close(a: Any, b: float, tol: float = 0.005) -> bool:
    try:
        return math.isclose(float(a), float(b), abs_tol=tol)
    except (TypeError, ValueError):
        return False


def check_1(answer: Any, *, factors: pd.DataFrame, lang: str = "en") -> bool:
    """Exercise 1: the IFE total after W2's rating goes from 1 to 2."""
    from crmcore.strategy import swot

    changed = factors.copy()
    changed.loc[changed["id"] == "W2", "rating"] = 2
    right = swot.evaluate(changed).ife_total
    ok = _close(answer, right)
    return verdict(ok, lang,
                   right=(f"Right: the IFE total becomes {right:.2f} (W2's weight × the rating change).",
                          f"正确：IFE 加权总分变为 {right:.2f}（W2 的权重 × 评分的变化）。"),
                   wrong=("Not yet: only W2's weighted score changes — add its weight × (2 − 1) to the old total.",
                          "还不对：只有 W2 的加权得分会变——在原总分上加上它的权重 ×（2 − 1）。"))


def check_2(answer: Any, *, factors: pd.DataFrame, lang: str = "en") -> bool:
    """Exercise 2: the EFE total with a new opportunity (weight 0.10, rating 3) and weights normalised."""
    from crmcore.strategy import swot

    extra = pd.concat([factors, pd.DataFrame([{"id": "O6", "type": "O", "factor": "Wedding-registry gifts",
                                               "weight": 0.10, "rating": 3}])], ignore_index=True)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        right = swot.evaluate(extra, weights="normalise").efe_total
    ok = _close(answer, right, 0.001)
    return verdict(ok, lang,
                   right=(f"Right: {right:.4f} — every EFE weight is divided by 1.10.",
                          f"正确：{right:.4f}——每个 EFE 权重都除以 1.10。"),
                   wrong=("Not yet: the EFE weights now sum to 1.10; divide each by 1.10, then add weight × rating.",
                          "还不对：EFE 权重之和变成了 1.10；每个权重先除以 1.10，再把权重 × 评分相加。"))
