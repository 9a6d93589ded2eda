"""RFM segment schemes: the Chinese 8-class scheme (八类客户), the 11-segment map, and rule tables.

A scheme is a table of rules, one row per segment: the segment key, its names (``en``, ``zh``), the score
ranges it covers on ``R``, ``F``, ``M`` or ``FM`` (cn8: ``"high"``/``"low"``) and, where the scheme has
them, its meaning (``means_en``, ``means_zh``) and action (``action_en``, ``action_zh``). The words come
from the catalogues of :mod:`crmcore.customer.rfm_text`; the rows keep the flat shape a user's own rule
table has (and :mod:`crmcore.customer.cluster` reads ``CN8`` by it). :func:`check_rules` refuses a rule
table whose rules overlap or leave score cells uncovered.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from crmcore.customer.rfm_text import (NO_SPREAD_WORDS, RANGES, SEGMENT_ACTIONS, SEGMENT_MEANINGS,
                                       SEGMENT_NAMES)
from crmcore.errors import DomainError, ParameterError
from crmcore.labels import check_lang

__all__ = ["CN8", "RFM11", "NO_SPREAD", "SCHEMES", "SEGMENT_NAMES", "check_rules", "match_rules", "range_text"]


def _row(key: str, *, meaning: bool = False, **ranges: str) -> dict[str, Any]:
    """One scheme row in the flat rule-table shape, its words taken from the catalogues."""
    row: dict[str, Any] = {"segment": key, "en": SEGMENT_NAMES[key]["en"], "zh": SEGMENT_NAMES[key]["zh"], **ranges}
    if meaning:
        row.update(means_en=SEGMENT_MEANINGS[key]["en"], means_zh=SEGMENT_MEANINGS[key]["zh"])
    row.update(action_en=SEGMENT_ACTIONS[key]["en"], action_zh=SEGMENT_ACTIONS[key]["zh"])
    return row


#: Chinese 8-class scheme (八类客户): high/low R, F, M vs the mean (or median); "high R" = recent.
CN8: list[dict[str, Any]] = [
    _row("important_value", R="high", F="high", M="high"),
    _row("important_development", R="high", F="low", M="high"),
    _row("important_retention", R="low", F="high", M="high"),
    _row("important_winback", R="low", F="low", M="high"),
    _row("general_value", R="high", F="high", M="low"),
    _row("general_development", R="high", F="low", M="low"),
    _row("general_retention", R="low", F="high", M="low"),
    _row("general_winback", R="low", F="low", M="low"),
]

#: 11-segment map on the R, F and M scores (bins = 5): a partition of the 125 score cells in which
#: every segment is a box that says what its name promises. R 4–5 = bought recently (the best 40 %),
#: R 3 = cooling, R 2 = lapsing, R 1 = gone longest; F 1 = one purchase, F 2–3 = a few, F 4–5 = often.
#: Published maps overlap and leave gaps (R's ``rfm`` README, Hebbali, rfm 0.3.0: ten boxes on R, F and M,
#: first match wins; the R × FM grid circulated by marketing tools). crmcore's earlier R × FM version
#: made "New" (R 5, FM 1) need M = 1, so a recent first-time buyer who spent more than the bottom fifth
#: was never new, and called customers with a median recency of 221 days "Loyal" (R = 3).
RFM11: list[dict[str, Any]] = [
    _row("champions", meaning=True, R="4-5", F="4-5", M="4-5"),
    _row("loyal", meaning=True, R="4-5", F="4-5", M="1-3"),
    _row("potential_loyalist", meaning=True, R="4-5", F="2-3", M="3-5"),
    _row("promising", meaning=True, R="4-5", F="2-3", M="1-2"),
    _row("new", meaning=True, R="4-5", F="1", M="1-5"),
    _row("need_attention", meaning=True, R="3", F="3-5", M="1-5"),
    _row("about_to_sleep", meaning=True, R="3", F="1-2", M="1-5"),
    _row("at_risk", meaning=True, R="2", F="3-5", M="1-5"),
    _row("hibernating", meaning=True, R="2", F="1-2", M="1-5"),
    _row("cant_lose", meaning=True, R="1", F="4-5", M="1-5"),
    _row("lost", meaning=True, R="1", F="1-3", M="1-5"),
]

#: the single outcome when the data cannot be segmented: every customer has the same R, F and M (or
#: there is one customer). Without it rfm11 would call them all "lost" and cn8 "important value".
NO_SPREAD: dict[str, Any] = {
    "segment": "no_spread", "en": NO_SPREAD_WORDS["name"]["en"], "zh": NO_SPREAD_WORDS["name"]["zh"],
    "means_en": NO_SPREAD_WORDS["means"]["en"], "means_zh": NO_SPREAD_WORDS["means"]["zh"],
    "action_en": NO_SPREAD_WORDS["action"]["en"], "action_zh": NO_SPREAD_WORDS["action"]["zh"],
}

SCHEMES = ("rfm11", "cn8")

_RULE_AXES = ("R", "F", "M", "FM")


def check_rules(rules: Any, *, bins: int = 5, lang: str = "en") -> pd.DataFrame:
    """Validate a score rule table: every (R, F, M) cell must match exactly one rule.

    ``lang`` words the refusal for a learner in that language (the cells are named the same way).

    ``rules``: DataFrame or list of dicts with ``segment`` and ranges for any of ``R``, ``F``,
    ``M``, ``FM`` (missing = any score); optional ``en``, ``zh``, ``action_en``, ``action_zh``.
    Raises DomainError naming overlapping and uncovered cells.
    """
    df = pd.DataFrame(rules).copy()
    if "segment" not in df:
        raise ParameterError("a rule table needs a 'segment' column (and score ranges in R, F, M or FM).")
    if df.empty:
        raise ParameterError("the rule table has no rules.")
    if df["segment"].duplicated().any():
        raise ParameterError(f"rule table: segment names repeat ({', '.join(df['segment'][df['segment'].duplicated()].astype(str))}); "
                             "give one row per segment (use a range like '2-4').")
    for c in ("en", "zh"):
        if c not in df:
            df[c] = df["segment"].astype(str)
    grid = np.array([(r, f, m) for r in range(1, bins + 1) for f in range(1, bins + 1) for m in range(1, bins + 1)])
    match = match_rules(df, grid[:, 0], grid[:, 1], grid[:, 2], bins)
    hits = match.sum(axis=1)
    def cell(i):
        return f"R={grid[i, 0]},F={grid[i, 1]},M={grid[i, 2]}"
    check_lang(lang)
    zh = lang == "zh"
    msgs = []
    over = np.flatnonzero(hits > 1)
    if len(over):
        if zh:
            ex = "；".join(f"{cell(i)} 同属 {'、'.join(df['segment'].astype(str)[match[i]])}" for i in over[:4])
            msgs.append(f"{len(over)} 个评分格同时符合多条规则（{ex}）")
        else:
            ex = "; ".join(f"{cell(i)} in {' and '.join(df['segment'].astype(str)[match[i]])}" for i in over[:4])
            msgs.append(f"{len(over)} score cells match more than one rule ({ex})")
    gap = np.flatnonzero(hits == 0)
    if len(gap):
        cells = ", ".join(cell(i) for i in gap[:6])
        msgs.append(f"{len(gap)} 个评分格不符合任何规则（{cells}）" if zh else
                    f"{len(gap)} score cells match no rule ({cells})")
    if msgs and zh:
        raise DomainError("规则表未通过检查：" + "；".join(msgs) + f"（共 {len(grid)} 个评分格）。"
                          "请调整分数区间，使每个 R/F/M 组合恰好属于一个分群。")
    if msgs:
        raise DomainError("rule table refused: " + "; ".join(msgs) + f" (of {len(grid)} cells). "
                          "Fix the ranges so each R/F/M combination belongs to exactly one segment.")
    return df


def match_rules(rules: pd.DataFrame, r, f, m, bins: int) -> np.ndarray:
    """Customers × rules: True where the scores ``r``, ``f``, ``m`` fall in a rule's ranges."""
    vals = {"R": np.asarray(r), "F": np.asarray(f), "M": np.asarray(m), "FM": _fm(f, m)}
    out = np.ones((len(vals["R"]), len(rules)), dtype=bool)
    for j, (_, rule) in enumerate(rules.iterrows()):
        for ax in _RULE_AXES:
            if ax in rules.columns:
                lo, hi = _parse_range(rule[ax], ax, str(rule["segment"]), bins)
                out[:, j] &= (vals[ax] >= lo) & (vals[ax] <= hi)
    return out


def range_text(v: Any, axis: str, scheme: str, lang: str) -> str:
    """'4-5' → '4–5'; cn8's 'high'/'low' in ``lang``; missing → 'any'."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v in ("", "*"):
        return RANGES["any"][lang]
    if v in ("high", "low"):
        return RANGES[v][lang]
    t = str(v).replace("-", "–")
    return "1–5" if t == "1–5" else t


def _parse_range(v: Any, axis: str, name: str, bins: int) -> tuple[int, int]:
    """'2-4' / 3 / (2, 4) / None (any) → (lo, hi) inclusive."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v == "" or v == "*":
        return (1, bins)
    try:
        if isinstance(v, str):
            parts = [p.strip() for p in v.replace("–", "-").split("-")]
            lo, hi = (int(parts[0]), int(parts[-1]))
        elif isinstance(v, (tuple, list)):
            lo, hi = int(v[0]), int(v[-1])
        else:
            lo = hi = int(v)
    except (ValueError, TypeError, IndexError) as e:
        raise ParameterError(f"rule {name!r}: {axis}={v!r} is not a score range; write '2-4', 3 or (2, 4).") from e
    if not 1 <= lo <= hi <= bins:
        raise ParameterError(f"rule {name!r}: {axis}={v!r} must lie within 1..{bins} with low ≤ high.")
    return lo, hi


def _fm(f: np.ndarray, m: np.ndarray) -> np.ndarray:
    """FM = (F + M)/2 rounded half up (4.5 → 5)."""
    return np.floor((np.asarray(f) + np.asarray(m) + 1) / 2).astype("int64")
