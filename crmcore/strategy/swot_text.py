"""The words of crmcore.swot: type, strategy and band names, table headers, and the sentences of a result.

Every table here is a :class:`crmcore.labels.Catalogue` (``{"key": {"en": ..., "zh": ...}}``); the functions
write the findings of a :class:`crmcore.strategy.swot.SwotResult` in English or Chinese. The grid's names (the
four types, the nine IE cells and their strategies) are defined here and imported by
:mod:`crmcore.strategy.swot`, which re-exports the public names (``swot.COLUMNS``, ``swot.interpret`` …).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmcore.labels import Catalogue, check_lang, text

if TYPE_CHECKING:
    from crmcore.strategy.swot import SwotResult

TYPES = ("S", "W", "O", "T")
MIDPOINT = 2.5
#: IFE/EFE totals are rounded to this many decimals before they are classified, so that
#: 0.1 * 3 + 0.9 * 3 (= 2.9999999999999996 in floating point) lands on 3.0
_ROUND = 9
#: the IE cells row by row from (strong IFE, high EFE), and the strategy (a key of LABELS) of each
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
_CELL_STRATEGY = {"I": "grow", "II": "grow", "IV": "grow",
                  "III": "hold", "V": "hold", "VII": "hold",
                  "VI": "harvest", "VIII": "harvest", "IX": "harvest"}


LABELS = Catalogue("swot.labels", {
    "S": {"en": "Strengths", "zh": "优势"},
    "W": {"en": "Weaknesses", "zh": "劣势"},
    "O": {"en": "Opportunities", "zh": "机会"},
    "T": {"en": "Threats", "zh": "威胁"},
    "SO": {"en": "SO — aggressive", "zh": "SO 开拓型"},
    "WO": {"en": "WO — turnaround", "zh": "WO 争取型"},
    "ST": {"en": "ST — diversification", "zh": "ST 抗争型"},
    "WT": {"en": "WT — defensive", "zh": "WT 保守型"},
    "SO_advice": {"en": "use strengths to seize opportunities", "zh": "发挥优势、抓住机会"},
    "WO_advice": {"en": "use opportunities to overcome weaknesses", "zh": "利用机会、克服劣势"},
    "ST_advice": {"en": "use strengths to counter threats", "zh": "利用优势、回避或化解威胁"},
    "WT_advice": {"en": "reduce weaknesses and avoid threats", "zh": "减少劣势、回避威胁"},
    "grow": {"en": "grow and build", "zh": "增长和建立"},
    "hold": {"en": "hold and maintain", "zh": "坚持和保持"},
    "harvest": {"en": "harvest or divest", "zh": "收获或剥离"},
    "grow_advice": {"en": "intensive (market penetration, market development, product development) or integrative strategies",
                    "zh": "加强型（市场渗透、市场开发、产品开发）或一体化战略"},
    "hold_advice": {"en": "market penetration and product development",
                    "zh": "市场渗透和产品开发"},
    "harvest_advice": {"en": "retrenchment or divestiture", "zh": "收缩或剥离"},
    "ife_weak": {"en": "weak", "zh": "弱"},
    "ife_average": {"en": "average", "zh": "中等"},
    "ife_strong": {"en": "strong", "zh": "强"},
    "efe_low": {"en": "low", "zh": "低"},
    "efe_medium": {"en": "medium", "zh": "中"},
    "efe_high": {"en": "high", "zh": "高"},
    "ife": {"en": "IFE total weighted score", "zh": "IFE 加权总分"},
    "efe": {"en": "EFE total weighted score", "zh": "EFE 加权总分"},
    "board_title": {"en": "SWOT board (weight × rating)", "zh": "SWOT 矩阵（权重 × 评分）"},
    "position_title": {"en": "SWOT strategic position", "zh": "SWOT 战略方位"},
    "ie_title": {"en": "Internal–External (IE) matrix", "zh": "内部-外部（IE）矩阵"},
    "s_minus_w": {"en": "S − W (internal)", "zh": "S − W（内部）"},
    "o_minus_t": {"en": "O − T (external)", "zh": "O − T（外部）"},
    "title": {"en": "SWOT evaluation (IFE/EFE, IE, TOWS)", "zh": "SWOT 量化评价（IFE/EFE、IE、TOWS）"},
    "total": {"en": "Total", "zh": "合计"},
})

#: table headers for ``crm.show(..., columns=swot.COLUMNS)``
COLUMNS = Catalogue("swot.columns", {
    "id": {"en": "ID", "zh": "编号"},
    "type": {"en": "Type", "zh": "类型"},
    "factor": {"en": "Factor", "zh": "因素"},
    "weight": {"en": "Weight", "zh": "权重"},
    "rating": {"en": "Rating (1–4)", "zh": "评分（1–4）"},
    "weighted_score": {"en": "Weighted score", "zh": "加权得分"},
    "evidence": {"en": "Evidence", "zh": "依据"},
    "rank": {"en": "Rank", "zh": "排名"},
    "pair": {"en": "Pair", "zh": "组合"},
    "quadrant": {"en": "Strategy type", "zh": "战略类型"},
    "internal_factor": {"en": "Internal factor", "zh": "内部因素"},
    "external_factor": {"en": "External factor", "zh": "外部因素"},
    "importance": {"en": "Importance", "zh": "重要性"},
    "count": {"en": "Pairs", "zh": "组合数"},
    "sum": {"en": "Total importance", "zh": "重要性合计"},
    "max": {"en": "Largest importance", "zh": "最大重要性"},
    "strategy": {"en": "Strategy", "zh": "对策"},
    "measure": {"en": "Measure", "zh": "指标"},
    "value": {"en": "Value", "zh": "数值"},
    "weights": {"en": "Weights", "zh": "权重处理"},
    "ratings": {"en": "Ratings", "zh": "评分规则"},
    "position": {"en": "Position", "zh": "方位计算"},
    "tows_rule": {"en": "TOWS rule", "zh": "TOWS 排序规则"},
    "midpoint": {"en": "Midpoint", "zh": "中点"},
})

#: readable headers of the results' to_frame(lang) (the result protocol of crmcore.results)
_RESULT_COLUMNS = Catalogue("swot.result_columns", {
    "magnitude": {"en": "Magnitude", "zh": "强度"},
    "position_score": {"en": "Position score", "zh": "定位得分"},
})

#: David's bands of a total weighted score (1–4): the IE matrix cuts each axis at 2.0 and 3.0
BANDS = Catalogue("swot.bands", {
    "ife": {"en": "1.0–1.99 weak, 2.0–2.99 average, 3.0–4.0 strong", "zh": "1.0–1.99 弱，2.0–2.99 中等，3.0–4.0 强"},
    "efe": {"en": "1.0–1.99 low, 2.0–2.99 medium, 3.0–4.0 high", "zh": "1.0–1.99 低，2.0–2.99 中，3.0–4.0 高"},
})
#: what an IFE / EFE total means for the firm (the average band said against the 2.5 midpoint)
MEANINGS = Catalogue("swot.meanings", {
    "ife_weak": {"en": "weaknesses dominate: the internal position is weak",
                 "zh": "劣势占上风，内部地位弱"},
    "ife_strong": {"en": "strengths dominate: the internal position is strong",
                   "zh": "优势占上风，内部地位强"},
    "ife_average_up": {"en": "so the internal position is average, on the strong side of the midpoint but not strong",
                       "zh": "内部地位中等，略偏强，但还算不上强"},
    "ife_average_down": {"en": "so the internal position is average, on the weak side of the midpoint but not weak",
                         "zh": "内部地位中等，略偏弱，但还算不上弱"},
    "ife_average_mid": {"en": "so strengths and weaknesses balance: an average internal position",
                        "zh": "优势与劣势相当，内部地位中等"},
    "efe_high": {"en": "current strategies respond well to the opportunities and threats",
                 "zh": "现有战略能很好地利用机会、应对威胁"},
    "efe_low": {"en": "current strategies respond poorly to the opportunities and threats",
                "zh": "现有战略对机会与威胁的反应较差"},
    "efe_up": {"en": "current strategies respond slightly better than average to the opportunities and threats",
               "zh": "现有战略对机会与威胁的反应略好于平均水平"},
    "efe_down": {"en": "current strategies respond slightly worse than average to the opportunities and threats",
                 "zh": "现有战略对机会与威胁的反应略差于平均水平"},
    "efe_mid": {"en": "current strategies respond to the environment exactly as well as the average firm",
                "zh": "现有战略对外部环境的反应恰为平均水平"},
})


def _evidence_text(row: pd.Series, lang: str) -> str:
    if lang == "zh" and str(row.get("evidence_zh", "")).strip():
        return str(row["evidence_zh"])
    return str(row.get("evidence", ""))


def _factor_text(row: pd.Series, lang: str) -> str:
    if lang == "zh" and str(row.get("factor_zh", "")).strip():
        return str(row["factor_zh"])
    return str(row["factor"])


def _tied(f: pd.DataFrame, t: str, key: str) -> pd.DataFrame:
    """The factors of type ``t`` that share the largest ``key`` (one row unless there is a tie)."""
    sub = f[f["type"] == t]
    if sub.empty:
        return sub
    top = sub[key].max()
    return sub[np.isclose(sub[key], top, rtol=0, atol=1e-9)]


def _names(rows: pd.DataFrame, lang: str, *, score: str | None = None) -> str:
    """'S1 (text, 0.56)' or, for a tie, 'W2 (text) and W4 (text), tied at 0.48'."""
    items = [f"{r['id']}（{_factor_text(r, lang)}）" if lang == "zh" else f"{r['id']} ({_factor_text(r, lang)})"
             for _, r in rows.iterrows()]
    val = f"{rows[score].iloc[0]:.2f}" if score else ""
    if len(items) == 1:
        if not val:
            return items[0]
        return items[0][:-1] + (f"，{val}）" if lang == "zh" else f", {val})")
    if lang == "zh":
        both = "两者" if len(items) == 2 else f"{len(items)} 项"
        return "、".join(items) + f"，{both}并列" + (f"（各 {val}）" if val else "")
    return ", ".join(items[:-1]) + " and " + items[-1] + (f", tied at {val} each" if val else ", tied")


def _standing(total: float, which: str, level: str, lang: str) -> str:
    """The band of a total and its place against the 2.5 midpoint, said so the two never contradict."""
    d = round(total - MIDPOINT, _ROUND)
    if which == "IFE":
        band = text("ife_" + level, lang, LABELS)
        bands = BANDS["ife"][lang]
    else:
        band = text("efe_" + level, lang, LABELS)
        bands = BANDS["efe"][lang]
    if lang == "zh":
        where = f"比中点 2.5 高 {d:.2f}" if d > 0 else (f"比中点 2.5 低 {-d:.2f}" if d < 0 else "恰在中点 2.5")
        return f"加权总分 {total:.2f}，处于“{band}”区间（David 的划分：{bands}），{where}"
    where = f"{d:.2f} above the 2.5 midpoint" if d > 0 else (f"{-d:.2f} below the 2.5 midpoint" if d < 0
                                                           else "exactly at the 2.5 midpoint")
    return f"the total weighted score is {total:.2f}: in the {band} band (David's bands: {bands}) and {where}"


def _ife_meaning(r: "SwotResult", lang: str) -> str:
    d = round(r.ife_total - MIDPOINT, _ROUND)
    key = r.ife_level if r.ife_level != "average" else ("average_up" if d > 0 else "average_down" if d < 0 else "average_mid")
    return MEANINGS["ife_" + key][lang]


def _efe_meaning(r: "SwotResult", lang: str) -> str:
    d = round(r.efe_total - MIDPOINT, _ROUND)
    if r.efe_level in ("high", "low"):
        return MEANINGS["efe_" + r.efe_level][lang]
    return MEANINGS["efe_up" if d > 0 else "efe_down" if d < 0 else "efe_mid"][lang]


def _tows_sentence(r: "SwotResult", lang: str, top: int) -> str:
    tw = r.tows
    n = min(top, len(tw))
    imp = tw["importance"].to_numpy(float)
    listed = [(p, v) for p, v in zip(tw["pair"].head(n), imp[:n])]
    # pairs beyond the cut with the same importance as the last one listed: a top-n list would hide them
    more = int(np.isclose(imp[n:], imp[n - 1], rtol=0, atol=1e-9).sum()) if n < len(tw) else 0
    if lang == "zh":
        pairs = "、".join(f"{p}（{v:.3f}）" for p, v in listed)
        tie = f"；另有 {more} 个组合与第 {n} 个同为 {imp[n - 1]:.3f}，同样重要" if more else ""
        return (f"重要性最高的 {n} 个 TOWS 组合是 {pairs}{tie}；请为每个组合写出对策，并以组合编号引用，"
                f"例如“{tw['pair'].iloc[0]}”。")
    pairs = ", ".join(f"{p} ({v:.3f})" for p, v in listed)
    tie = (f"; {more} more pair{'s' if more > 1 else ''} tie{'' if more > 1 else 's'} with the last one at "
           f"{imp[n - 1]:.3f} and matter{'' if more > 1 else 's'} as much") if more else ""
    return (f"The {n} most important TOWS pairings are {pairs}{tie}; write a strategy for each and cite it by its "
            f"pair, e.g. '{tw['pair'].iloc[0]}'.")


def interpret(result: "SwotResult", *, lang: str = "en", top: int = 3) -> list[str]:
    """Sentences that read the IFE/EFE totals, the IE cell, the position and the top TOWS pairs.

    A total is placed in David's band (1.0–1.99 weak, 2.0–2.99 average, 3.0–4.0 strong — the IE matrix's
    cuts) *and* against the 2.5 midpoint, so "2.54" reads "average, on the strong side of the midpoint",
    never "above average, so average". Ties (two weaknesses with the same score, TOWS pairs tied at the
    cut-off) are named as ties.
    """
    check_lang(lang)
    r = result
    f = r.factors
    s_top, w_top = _tied(f, "S", "weighted_score"), _tied(f, "W", "position_score")
    o_top, t_top = _tied(f, "O", "weight"), _tied(f, "T", "weight")
    out: list[str] = []
    fragile = min(abs(r.x), abs(r.y)) < 0.1
    if lang == "en":
        s = f"Internal position (IFE): {_standing(r.ife_total, 'IFE', r.ife_level, 'en')}, {_ife_meaning(r, 'en')}."
        if len(s_top):
            lead = "strength" if len(s_top) == 1 else "strengths"
            s += f" The largest contribution comes from {lead} {_names(s_top, 'en', score='weighted_score')}"
            s += "." if w_top.empty else (f"; the most serious weakness{'es are' if len(w_top) > 1 else ' is'} "
                                          f"{_names(w_top, 'en')}.")
        out.append(s)
        s = f"External response (EFE): {_standing(r.efe_total, 'EFE', r.efe_level, 'en')}: {_efe_meaning(r, 'en')}."
        if len(o_top):
            s += (f" The most important opportunit{'ies are' if len(o_top) > 1 else 'y is'} {_names(o_top, 'en')}")
            s += "." if t_top.empty else (f" and the most important threat{'s are' if len(t_top) > 1 else ' is'} "
                                          f"{_names(t_top, 'en')}.")
        out.append(s)
        out.append(f"IE matrix: IFE {r.ife_total:.2f} ({r.ife_level}) and EFE {r.efe_total:.2f} ({r.efe_level}) place the "
                   f"business in cell {r.ie_cell}: {text(r.ie_strategy, 'en', LABELS)} — "
                   f"{text(r.ie_strategy + '_advice', 'en', LABELS)}.")
        out.append(f"SWOT position: S − W = {r.x:+.2f}, O − T = {r.y:+.2f} (azimuth {r.angle:.0f}°), in the "
                   f"{text(r.quadrant, 'en', LABELS)} quadrant: {text(r.quadrant + '_advice', 'en', LABELS)}."
                   + (" The point lies within 0.1 of an axis, so the quadrant call is fragile: a small change in one "
                      "weight or rating can move it." if fragile else ""))
        if len(r.tows):
            out.append(_tows_sentence(r, "en", top))
    else:
        s = f"内部条件（IFE）：{_standing(r.ife_total, 'IFE', r.ife_level, 'zh')}，{_ife_meaning(r, 'zh')}。"
        if len(s_top):
            s += f"贡献最大的优势是 {_names(s_top, 'zh', score='weighted_score')}"
            s += "。" if w_top.empty else f"；最突出的劣势是 {_names(w_top, 'zh')}。"
        out.append(s)
        s = f"外部环境（EFE）：{_standing(r.efe_total, 'EFE', r.efe_level, 'zh')}，{_efe_meaning(r, 'zh')}。"
        if len(o_top):
            s += f"最重要的机会是 {_names(o_top, 'zh')}"
            s += "。" if t_top.empty else f"，最重要的威胁是 {_names(t_top, 'zh')}。"
        out.append(s)
        out.append(f"IE 矩阵：IFE {r.ife_total:.2f}（{text('ife_' + r.ife_level, 'zh', LABELS)}）、EFE {r.efe_total:.2f}"
                   f"（{text('efe_' + r.efe_level, 'zh', LABELS)}），位于第 {r.ie_cell} 格：{text(r.ie_strategy, 'zh', LABELS)}"
                   f"——{text(r.ie_strategy + '_advice', 'zh', LABELS)}。")
        out.append(f"SWOT 战略方位：S − W = {r.x:+.2f}，O − T = {r.y:+.2f}（方位角 {r.angle:.0f}°），位于"
                   f"“{text(r.quadrant, 'zh', LABELS)}”象限：{text(r.quadrant + '_advice', 'zh', LABELS)}。"
                   + ("该点距坐标轴不足 0.1，象限判断不稳定：某个权重或评分稍有变化就可能改变象限。" if fragile else ""))
        if len(r.tows):
            out.append(_tows_sentence(r, "zh", top))
    return out


def describe_counts(n: pd.Series, n_factors: int, ife: float, efe: float, lang: str = "en") -> str:
    """The sentence of :func:`crmcore.strategy.swot.describe`: factors per type (``n`` by S/W/O/T) and the
    weight sums of the IFE and the EFE."""
    check_lang(lang)
    if lang == "zh":
        return (f"共 {n_factors} 个因素：优势 {n['S']} 个、劣势 {n['W']} 个、机会 {n['O']} 个、威胁 {n['T']} 个；"
                f"IFE（优势 + 劣势）权重合计 {ife:.2f}，EFE（机会 + 威胁）权重合计 {efe:.2f}。")
    return (f"{n_factors} factors: {n['S']} strengths, {n['W']} weaknesses, {n['O']} opportunities and {n['T']} threats; "
            f"the IFE weights (S + W) sum to {ife:.2f} and the EFE weights (O + T) to {efe:.2f}.")
