"""Self-checks for the exercises of notebook 08 (BCG growth-share matrix)."""
from __future__ import annotations

from typing import Any

from crmcore.strategy import bcg
from . import verdict


def check_1(answer: Any, *, market: Any, unit: str = "category", lang: str = "en") -> bool:
    """Exercise 1: the units whose quadrant changes when fixed thresholds (10%, 1.0) become medians."""
    fixed = bcg.from_market(market, unit=unit).table.set_index(unit)["quadrant"]
    med = bcg.from_market(market, unit=unit, growth_threshold="median",
                          share_threshold="median").table.set_index(unit)["quadrant"]
    right = {u for u in fixed.index if fixed[u] != med[u]}
    given = {str(answer)} if isinstance(answer, str) else {str(a) for a in (answer or [])}
    names = ", ".join(sorted(right)) or "none"
    return verdict(given == right, lang,
                   right=(f"Right: {names}.", f"正确：{'、'.join(bcg.unit_name(u, 'zh') for u in sorted(right)) or '没有'}。"),
                   wrong=(f"Not yet: you named {len(given)} unit(s); {len(right)} change quadrant. Compare the quadrant "
                          f"column of both results unit by unit.",
                          f"还不对：你列出了 {len(given)} 个单元，实际有 {len(right)} 个改变象限。请逐个比较两种结果的象限列。"))


def check_2(answer: Any, *, own_share: float, rival_share: float = 0.015, lang: str = "en") -> bool:
    """Exercise 2: Kitchen's new relative market share = own share / the new largest rival's share."""
    right = own_share / rival_share
    try:
        ok = abs(float(answer) - right) <= 0.005
    except (TypeError, ValueError):
        ok = False
    return verdict(ok, lang,
                   right=(f"Right: {right:.2f} ≥ 1, so Kitchen now leads its market.",
                          f"正确：{right:.2f} ≥ 1，厨房用品现在是市场领先者。"),
                   wrong=("Not yet: relative share = own share / the share of the largest rival (now the runner-up "
                          "with 1.5%).", "还不对：相对份额 = 本企业份额 / 最大竞争对手份额（现在是份额 1.5% 的那一家）。"))
