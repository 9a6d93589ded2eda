"""Self-checks for notebook 03 (Porter's five forces): the learner's own numbers compared with crmcore's."""
from __future__ import annotations

import math
from typing import Any, Sequence

import pandas as pd

from . import verdict


def _close(a: Any, b: float, tol: float = 0.005) -> bool:
    try:
        return math.isclose(float(a), float(b), abs_tol=tol)
    except (TypeError, ValueError):
        return False


def check_1(answer: Any, *, drivers: pd.DataFrame, scenario: str, lang: str = "en") -> bool:
    """Exercise 1: the attractiveness after ``high_fixed_costs`` (rivalry) is scored 4 in ``scenario``."""
    from crmcore.strategy import porter

    changed = drivers.copy()
    changed.loc[(changed["scenario"] == scenario) & (changed["driver"] == "high_fixed_costs"), "score"] = 4
    right = porter.five_forces(changed).summary(scenario)["attractiveness"]
    ok = _close(answer, right)
    return verdict(ok, lang,
                   right=(f"Right: attractiveness becomes {right:.2f}.", f"正确：行业吸引力变为 {right:.2f}。"),
                   wrong=("Not yet: rivalry rises by the driver's weight × the score change; the overall intensity by a "
                          "fifth of that; attractiveness = 6 − overall intensity.",
                          "还不对：竞争强度上升“权重 × 评分变化”，综合强度上升其五分之一，行业吸引力 = 6 − 综合强度。"))


def check_3(answer: Sequence[str], *, drivers: pd.DataFrame, force_weights, lang: str = "en") -> bool:
    """Exercise 3: the scenarios from most to least attractive under ``force_weights``."""
    from crmcore.strategy import porter

    res = porter.five_forces(drivers, force_weights=force_weights)
    t = res.to_frame()
    right = list(t.sort_values("attractiveness", ascending=False, kind="mergesort").index)
    ok = [str(a) for a in (answer or [])] == right
    right_zh = [porter._scenario_label(res, s, "zh") for s in right]  # the demo file's Chinese scenario names
    return verdict(ok, lang,
                   right=("Right: " + " > ".join(right) + ".", "正确：" + " > ".join(right_zh) + "。"),
                   wrong=("Not yet: compute each scenario's attractiveness with the new force weights and sort from "
                          "the highest.", "还不对：用新的作用力权重算出每个情景的行业吸引力，再从高到低排序。"))
