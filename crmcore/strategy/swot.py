"""Quantified SWOT: IFE and EFE matrices, the IE nine-cell grid, the SWOT position and TOWS pairs.

A factor table (id, factor, type S/W/O/T, weight, rating, evidence) becomes numbers:

* **IFE** (internal factor evaluation, 内部因素评价矩阵) over strengths and weaknesses and
  **EFE** (external factor evaluation, 外部因素评价矩阵) over opportunities and threats
  (David 2011, ch. 3–4). Weights sum to 1 *within each matrix*; ratings run 1–4; the total
  weighted score :math:`\\sum_i w_i r_i` lies in 1–4 with 2.5 as the average.
  Rating convention (David 2011, ch. 4): in the IFE a strength is rated 3 (minor) or 4
  (major), a weakness 2 (minor) or 1 (major); in the EFE any factor may get 1–4 for how well
  the firm's strategies respond to it (4 superior … 1 poor).
* **IE matrix** (内部-外部矩阵, David 2011, ch. 6): IFE total on x, EFE total on y, each cut
  at 2.0 and 3.0 (below 2.0 weak/low, 2.0 up to 3.0 average/medium, 3.0 and above
  strong/high — a total exactly on 2.0 or 3.0 belongs to the upper band). Cells I–IX run
  row by row from (strong, high); I, II, IV grow and build; III, V, VII hold and maintain;
  VI, VIII, IX harvest or divest.
* **SWOT position** (战略方位): x = S − W, y = O − T, where each side adds
  ``weight × magnitude`` over its factors. With ``position="mirror"`` (default) the magnitude
  of a strength or opportunity is its rating and that of a weakness or threat is 5 − rating,
  so a major weakness (rating 1) weighs 4 like a major strength, and a threat the firm
  handles poorly (rating 1) weighs 4. ``position="raw"`` uses the rating as magnitude for all
  four types (for tables whose ratings already mean "how strong is this factor").
  Quadrants: SO 开拓型 (x ≥ 0, y ≥ 0), WO 争取型 (x < 0, y ≥ 0), WT 保守型 (x < 0, y < 0),
  ST 抗争型 (x ≥ 0, y < 0); a point on an axis goes to the S or O side.
* **TOWS** (Weihrich 1982): every S×O, S×T, W×O, W×T pair, with importance
  ``score_i × score_j`` (``tows="product"``) or ``score_i + score_j`` (``tows="sum"``), where a
  factor's score is ``weight × magnitude`` as above. Ranked from the most important; ties keep
  the order SO, ST, WO, WT, then the factors' order in the table. The pairs are prompts:
  strategies themselves are written by people, citing references such as "S1+O2".

References
----------
David, F. R. (2011). *Strategic Management: Concepts and Cases*, 13th ed. Prentice Hall.
  EFE matrix: ch. 3 (pp. 80–81); IFE matrix and its rating rule: ch. 4 (pp. 122–123, Table 4-10,
  the retail computer store reproduced in ``tests/test_swot.py``); IE and SWOT matrices: ch. 6.
  (Page numbers are those of the reproductions consulted online; the edition is our best
  identification of them.)
Weihrich, H. (1982). The TOWS matrix — a tool for situational analysis. *Long Range
  Planning* 15(2), 54–66.
"""
from __future__ import annotations

import math
import textwrap
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from crmcore.errors import DataError, DomainError, ParameterError, data_error, numeric_columns
from crmcore.labels import check_lang, text
from crmcore.plotting import new_ax
from crmcore.results import Result, deprecated, split_sentences

TYPES = ("S", "W", "O", "T")
MIDPOINT = 2.5
RATING_MIN, RATING_MAX = 1.0, 4.0
#: IFE/EFE totals are rounded to this many decimals before they are classified, so that
#: 0.1 * 3 + 0.9 * 3 (= 2.9999999999999996 in floating point) lands on 3.0
_ROUND = 9

LABELS: dict[str, dict[str, str]] = {
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
}

#: table headers for ``crm.show(..., columns=swot.COLUMNS)``
COLUMNS: dict[str, dict[str, str]] = {
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
}

#: type names accepted in the ``type`` column besides S/W/O/T
_TYPE_ALIASES = {
    "strength": "S", "strengths": "S", "优势": "S",
    "weakness": "W", "weaknesses": "W", "劣势": "W",
    "opportunity": "O", "opportunities": "O", "机会": "O",
    "threat": "T", "threats": "T", "威胁": "T",
}

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
_CELL_STRATEGY = {"I": "grow", "II": "grow", "IV": "grow",
                  "III": "hold", "V": "hold", "VII": "hold",
                  "VI": "harvest", "VIII": "harvest", "IX": "harvest"}
_PAIR_ORDER = ("SO", "ST", "WO", "WT")


# --------------------------------------------------------------------------- loading
def load_factors(source: str | Path | pd.DataFrame | Iterable[Mapping[str, Any]] | Mapping[str, Any]) -> pd.DataFrame:
    """Read a factor table from a YAML or CSV file, a DataFrame, a list of dicts or a YAML mapping.

    A YAML file holds ``factors:`` (a list of mappings with ``id, factor, type, weight, rating``
    and optionally ``evidence``, ``factor_zh``, ``evidence_zh``); other top-level keys
    (``company``, ``note``…) are kept in ``DataFrame.attrs``. The table is returned as read;
    :func:`evaluate` validates it.
    """
    attrs: dict[str, Any] = {}
    name = "factor table"
    if isinstance(source, pd.DataFrame):
        return source.copy()
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = str(path)
        if not path.exists():
            raise DataError(f"{path}: file not found. Pass the path to a SWOT factor file (.yaml, .yml or .csv).")
        suffix = path.suffix.lower()
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype={"id": str, "type": str})
            frame.attrs["source"] = name
            return frame
        if suffix not in (".yaml", ".yml"):
            raise DataError(f"{path}: unknown file type {suffix!r}. Use a .yaml, .yml or .csv factor file.")
        import yaml

        with path.open(encoding="utf-8") as fh:
            source = yaml.safe_load(fh)
    if isinstance(source, Mapping):
        if "factors" not in source:
            raise DataError(f"{name}: no 'factors' list found. Put the factor rows under a top-level 'factors:' key; "
                            f"keys found: {', '.join(map(str, source))}.")
        attrs = {k: v for k, v in source.items() if k != "factors"}
        rows = source["factors"]
    else:
        rows = source
    try:
        frame = pd.DataFrame(list(rows))
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name}: factors must be a list of mappings (id, factor, type, weight, rating); {exc}.") from None
    frame.attrs.update(attrs)
    frame.attrs["source"] = name
    return frame


# --------------------------------------------------------------------------- validation
def _check_table(df: pd.DataFrame, *, source: str) -> pd.DataFrame:
    required = ["id", "factor", "type", "weight", "rating"]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise data_error(f"required column(s) {', '.join(map(repr, missing))} missing", source=source,
                         fix="A SWOT factor table needs id, factor, type (S/W/O/T), weight and rating",
                         columns=df.columns)
    if len(df) == 0:
        raise DataError(f"{source}: the factor table is empty. Add strengths, weaknesses, opportunities and threats.")
    out = df.copy().reset_index(drop=True)
    ids = out["id"]
    if ids.isna().any():
        rows = [(i + 1, out.at[i, "factor"]) for i in np.flatnonzero(ids.isna())]
        raise data_error("have no id", source=source, column="id", n_bad=len(rows), n_total=len(out),
                         examples=rows, fix="Give every factor an id such as 'S1' or 'O3'")
    out["id"] = ids.astype(str).str.strip()
    dup = out["id"][out["id"].duplicated(keep=False)]
    if len(dup):
        raise data_error("are duplicated ids", source=source, column="id", n_bad=len(dup), n_total=len(out),
                         examples=[(i + 1, v) for i, v in dup.items()], fix="Make every factor id unique")

    raw_type = out["type"].astype(str).str.strip()
    mapped = raw_type.str.upper().where(raw_type.str.upper().isin(TYPES), raw_type.str.lower().map(_TYPE_ALIASES))
    bad = mapped.isna()
    if bad.any():
        ex = [(out.at[i, "id"], out.at[i, "type"]) for i in np.flatnonzero(bad.to_numpy())]
        raise DomainError(
            f"column 'type' in {source}: factor {ex[0][0]!r} has unknown type {ex[0][1]!r}"
            + (f" ({len(ex)} factors in all: {', '.join(str(e[0]) for e in ex[:3])})" if len(ex) > 1 else "")
            + ". Use S (strength), W (weakness), O (opportunity) or T (threat).")
    out["type"] = mapped

    numeric_columns(out, ("weight", "rating"), source=source, row=lambda i: f"factor {out.at[i, 'id']!r}", noun="factor")
    neg = out["weight"] < 0
    if neg.any():
        i = int(np.flatnonzero(neg.to_numpy())[0])
        raise DomainError(f"column 'weight' in {source}: factor {out.at[i, 'id']!r} has negative weight "
                          f"{out.at[i, 'weight']!r}. Weights run from 0 (not important) to 1.")
    bad = (out["rating"] < RATING_MIN) | (out["rating"] > RATING_MAX)
    if bad.any():
        ex = [(out.at[i, "id"], out.at[i, "rating"]) for i in np.flatnonzero(bad.to_numpy())]
        raise DomainError(
            f"column 'rating' in {source}: factor {ex[0][0]!r} has rating {ex[0][1]:g}, outside 1–4"
            + (f" ({len(ex)} factors in all: {', '.join(f'{e[0]}={e[1]:g}' for e in ex[:3])})" if len(ex) > 1 else "")
            + ". Rate each factor 1–4 (IFE: 4 major strength, 3 minor strength, 2 minor weakness, 1 major weakness; "
              "EFE: 4 superior response … 1 poor response).")
    for col in ("evidence", "factor_zh", "evidence_zh"):
        if col not in out.columns:
            out[col] = ""
        out[col] = out[col].fillna("").astype(str)
    out["factor"] = out["factor"].fillna("").astype(str)
    return out


def _normalise(out: pd.DataFrame, types: tuple[str, str], matrix: str, *, weights: str, tol: float,
               source: str, notes: list[str]) -> None:
    mask = out["type"].isin(types)
    if not mask.any():
        raise DomainError(f"{source}: the {matrix} matrix has no factors (no {types[0]} or {types[1]} rows). "
                          f"Add at least one {'strength or weakness' if matrix == 'IFE' else 'opportunity or threat'}.")
    total = float(out.loc[mask, "weight"].sum())
    if abs(total - 1.0) <= tol:
        return
    ids = ", ".join(f"{i}={w:g}" for i, w in zip(out.loc[mask, "id"], out.loc[mask, "weight"]))
    if weights == "refuse" or total <= 0:
        raise DomainError(f"{source}: {matrix} weights ({'+'.join(types)}) sum to {total:.4g}, not 1 "
                          f"(factors {ids}). Fix the weights so they sum to 1 within the {matrix} matrix, "
                          f"or pass weights='normalise' to rescale them.")
    msg = f"{matrix} weights summed to {total:.4g}; rescaled to sum to 1 (factors {ids})."
    notes.append(msg)
    warnings.warn(msg, UserWarning, stacklevel=3)
    out.loc[mask, "weight"] = out.loc[mask, "weight"] / total


def _check_ife_ratings(out: pd.DataFrame, *, ratings: str, source: str, notes: list[str]) -> None:
    if ratings == "any":
        return
    bad_s = (out["type"] == "S") & (out["rating"] < 3)
    bad_w = (out["type"] == "W") & (out["rating"] > 2)
    if not (bad_s.any() or bad_w.any()):
        return
    parts = [f"strength {i} rated {r:g}" for i, r in zip(out.loc[bad_s, "id"], out.loc[bad_s, "rating"])]
    parts += [f"weakness {i} rated {r:g}" for i, r in zip(out.loc[bad_w, "id"], out.loc[bad_w, "rating"])]
    msg = (f"IFE rating convention (David): strengths are rated 3–4 and weaknesses 1–2; here {', '.join(parts)}. "
           "A factor that is both a strength and a weakness is listed twice.")
    if ratings == "david":
        raise DomainError(f"{source}: {msg} Fix the ratings or pass ratings='warn' or 'any'.")
    notes.append(msg)
    warnings.warn(msg, UserWarning, stacklevel=3)


# --------------------------------------------------------------------------- grid helpers
def ife_level(total: float) -> str:
    """'weak' (< 2.0), 'average' (2.0 ≤ x < 3.0) or 'strong' (≥ 3.0) for an IFE total."""
    t = round(float(total), _ROUND)
    return "weak" if t < 2.0 else ("average" if t < 3.0 else "strong")


def efe_level(total: float) -> str:
    """'low' (< 2.0), 'medium' (2.0 ≤ y < 3.0) or 'high' (≥ 3.0) for an EFE total."""
    t = round(float(total), _ROUND)
    return "low" if t < 2.0 else ("medium" if t < 3.0 else "high")


def ie_cell(ife_total: float, efe_total: float) -> str:
    """Roman numeral of the IE cell: rows high/medium/low EFE, columns strong/average/weak IFE.

    >>> ie_cell(3.0, 3.0), ie_cell(2.5, 2.5), ie_cell(1.99, 1.0)
    ('I', 'V', 'IX')
    """
    for t, what in ((ife_total, "IFE"), (efe_total, "EFE")):
        if not (RATING_MIN - 1e-9 <= float(t) <= RATING_MAX + 1e-9):
            raise DomainError(f"{what} total {t!r} is outside 1–4; a total weighted score lies between 1 and 4.")
    col = {"strong": 0, "average": 1, "weak": 2}[ife_level(ife_total)]
    row = {"high": 0, "medium": 1, "low": 2}[efe_level(efe_total)]
    return _ROMAN[3 * row + col]


def ie_strategy(cell: str) -> str:
    """'grow', 'hold' or 'harvest' for an IE cell (I, II, IV grow; III, V, VII hold; VI, VIII, IX harvest)."""
    try:
        return _CELL_STRATEGY[cell]
    except KeyError:
        raise ParameterError(f"IE cell {cell!r} is unknown; use one of {', '.join(_ROMAN)}.") from None


def position_quadrant(x: float, y: float) -> str:
    """'SO', 'WO', 'WT' or 'ST' for a SWOT position (x = S − W, y = O − T); axis points go to S / O."""
    x, y = round(float(x), _ROUND), round(float(y), _ROUND)
    return ("S" if x >= 0 else "W") + ("O" if y >= 0 else "T")


def describe(factors: str | Path | pd.DataFrame | Iterable[Mapping[str, Any]] | Mapping[str, Any],
             lang: str = "en") -> str:
    """One sentence on what a factor table holds: how many factors of each type and the weight sums of the
    IFE (S+W) and the EFE (O+T) — counted from the table, so a reader sees a sum that is not 1."""
    check_lang(lang)
    table = load_factors(factors)
    out = _check_table(table, source=str(table.attrs.get("source", "factor table")))
    n = out["type"].value_counts().reindex(list(TYPES), fill_value=0)
    ife = float(out.loc[out["type"].isin(("S", "W")), "weight"].sum())
    efe = float(out.loc[out["type"].isin(("O", "T")), "weight"].sum())
    if lang == "zh":
        return (f"共 {len(out)} 个因素：优势 {n['S']} 个、劣势 {n['W']} 个、机会 {n['O']} 个、威胁 {n['T']} 个；"
                f"IFE（优势 + 劣势）权重合计 {ife:.2f}，EFE（机会 + 威胁）权重合计 {efe:.2f}。")
    return (f"{len(out)} factors: {n['S']} strengths, {n['W']} weaknesses, {n['O']} opportunities and {n['T']} threats; "
            f"the IFE weights (S + W) sum to {ife:.2f} and the EFE weights (O + T) to {efe:.2f}.")


# --------------------------------------------------------------------------- result
#: readable headers of the results' to_frame(lang) (the result protocol of crmcore.results)
_RESULT_COLUMNS: dict[str, dict[str, str]] = {
    "magnitude": {"en": "Magnitude", "zh": "强度"},
    "position_score": {"en": "Position score", "zh": "定位得分"},
}


@dataclass(frozen=True, eq=False)
class SwotResult(Result):
    """IFE/EFE totals, IE cell, SWOT position and ranked TOWS pairs of one factor table."""

    factors: pd.DataFrame
    tows: pd.DataFrame
    ife_total: float
    efe_total: float
    ife_level: str
    efe_level: str
    ie_cell: str
    ie_strategy: str
    s_score: float
    w_score: float
    o_score: float
    t_score: float
    x: float
    y: float
    quadrant: str
    angle: float
    weights: str = "refuse"
    ratings: str = "warn"
    position: str = "mirror"
    tows_rule: str = "product"
    midpoint: float = MIDPOINT
    warnings: tuple[str, ...] = field(default_factory=tuple)
    name: str = ""
    name_zh: str = ""
    _conventions = ("weights", "ratings", "position", "tows_rule", "midpoint")
    _columns = _RESULT_COLUMNS

    @property
    def title(self) -> str:  # type: ignore[override]
        return text("title", "en", LABELS) + (f" — {self.name}" if self.name else "")

    def to_frame(self) -> pd.DataFrame:
        """The factor table with the weights used, weighted scores and position scores."""
        cols = ["id", "type", "factor", "weight", "rating", "weighted_score", "magnitude", "position_score", "evidence"]
        return self.factors[cols].copy()

    def matrix(self, which: str = "IFE", lang: str = "en") -> pd.DataFrame:
        """The IFE (S, W) or EFE (O, T) matrix in David's layout with a total row."""
        check_lang(lang)
        which = which.upper()
        if which not in ("IFE", "EFE"):
            raise ParameterError(f"which={which!r}; use 'IFE' or 'EFE'.")
        types = ("S", "W") if which == "IFE" else ("O", "T")
        rows = self.factors[self.factors["type"].isin(types)]
        rows = rows.assign(factor=rows.apply(_factor_text, axis=1, lang=lang))
        rows = rows[["id", "type", "factor", "weight", "rating", "weighted_score"]]
        total = pd.DataFrame([{"id": text("total", lang, LABELS), "type": "", "factor": "", "weight": rows["weight"].sum(),
                               "rating": np.nan, "weighted_score": self.ife_total if which == "IFE" else self.efe_total}])
        return pd.concat([rows, total], ignore_index=True)

    def factor_table(self, lang: str = "en") -> pd.DataFrame:
        """The factors as read (id, type, factor, weight, rating, evidence), texts in ``lang`` where the file has them."""
        check_lang(lang)
        f = self.factors
        return pd.DataFrame({"id": f["id"], "type": f["type"].map(lambda t: text(t, lang, LABELS)),
                             "factor": f.apply(_factor_text, axis=1, lang=lang), "weight": f["weight"],
                             "rating": f["rating"], "evidence": f.apply(_evidence_text, axis=1, lang=lang)})

    def pairs(self, top: int | None = None, lang: str = "en") -> pd.DataFrame:
        """The ranked TOWS pairs (all, or the ``top`` n) with factor texts and strategy types in ``lang``."""
        check_lang(lang)
        out = self.tows if top is None else self.tows.head(top)
        if lang == "zh":
            zh = {r["id"]: _factor_text(r, "zh") for _, r in self.factors.iterrows()}
            out = out.assign(internal_factor=out["internal"].map(zh), external_factor=out["external"].map(zh))
        return out.assign(quadrant=out["quadrant"].map(lambda q: text(q, lang, LABELS)))

    def summary_table(self, lang: str = "en") -> pd.DataFrame:
        """The headline numbers as a two-column table (measure, value) in ``lang``."""
        check_lang(lang)
        zh = lang == "zh"
        rows = [("IFE", f"{self.ife_total:.2f}（{text('ife_' + self.ife_level, lang, LABELS)}）" if zh
                 else f"{self.ife_total:.2f} ({self.ife_level})"),
                ("EFE", f"{self.efe_total:.2f}（{text('efe_' + self.efe_level, lang, LABELS)}）" if zh
                 else f"{self.efe_total:.2f} ({self.efe_level})"),
                ("IE 矩阵" if zh else "IE cell", f"{self.ie_cell}：{text(self.ie_strategy, lang, LABELS)}" if zh
                 else f"{self.ie_cell}: {text(self.ie_strategy, lang, LABELS)}"),
                ("S − W, O − T", f"{self.x:+.2f}, {self.y:+.2f}"),
                ("战略类型" if zh else "Strategy type", text(self.quadrant, lang, LABELS))]
        return pd.DataFrame(rows, columns=["measure", "value"])

    def summary(self) -> dict[str, Any]:
        """The headline numbers as plain Python values (for records and reports)."""
        return {"ife_total": self.ife_total, "efe_total": self.efe_total, "ie_cell": self.ie_cell,
                "ie_strategy": self.ie_strategy, "s_score": self.s_score, "w_score": self.w_score,
                "o_score": self.o_score, "t_score": self.t_score, "x": self.x, "y": self.y,
                "quadrant": self.quadrant, "angle": self.angle,
                "top_pair": self.tows["pair"].iloc[0] if len(self.tows) else None}

    def interpret(self, lang: str = "en", *, top: int = 3) -> list[str]:
        """The findings as a list of sentences (the result protocol of :mod:`crmcore.results`)."""
        return list(self._sentences_text(lang, top=top))

    @deprecated("interpret")
    def sentences(self, lang: str = "en", *, top: int = 3) -> list[str]:
        """Deprecated old name of interpret(), returning what it returned before."""
        return self._sentences_text(lang, top=top)

    def _sentences_text(self, lang: str = "en", *, top: int = 3) -> list[str]:
        """Interpretation sentences generated from the numbers."""
        return interpret(self, lang=lang, top=top)

    def plot(self, kind: str = "board", ax=None, lang: str = "en"):
        """Draw the ``"board"`` (2×2 SWOT), the ``"position"`` quadrant or the ``"ie"`` grid."""
        kinds = {"board": plot_board, "position": plot_position, "ie": plot_ie}
        if kind not in kinds:
            raise ParameterError(f"kind={kind!r}; use one of {', '.join(map(repr, kinds))}.")
        return kinds[kind](self, ax=ax, lang=lang)


# --------------------------------------------------------------------------- compute
def evaluate(
    factors: str | Path | pd.DataFrame | Iterable[Mapping[str, Any]] | Mapping[str, Any],
    *,
    weights: str = "refuse",
    ratings: str = "warn",
    position: str = "mirror",
    tows: str = "product",
    tol: float = 1e-3,
    name: str | None = None,
) -> SwotResult:
    """Evaluate a SWOT factor table: IFE, EFE, IE cell, SWOT position and ranked TOWS pairs.

    IFE = Σ_{S,W} w·r and EFE = Σ_{O,T} w·r, each against the 2.5 average (David 2011).

    Parameters
    ----------
    factors : path (.yaml/.csv), DataFrame, list of dicts or mapping with ``factors``
        Columns ``id, factor, type, weight, rating`` (+ optional ``evidence``, ``factor_zh``).
    weights : {"refuse", "normalise"}
        What to do when weights within the IFE (S+W) or EFE (O+T) do not sum to 1 (± ``tol``):
        raise a DomainError, or rescale them and record a warning.
    ratings : {"warn", "david", "any"}
        David's IFE convention (strengths 3–4, weaknesses 1–2): warn, enforce, or skip.
        Ratings outside 1–4 are always an error.
    position : {"mirror", "raw"}
        Magnitude of W and T factors in the SWOT position and TOWS: 5 − rating, or the rating.
    tows : {"product", "sum"}
        Importance of a TOWS pair from its two factor scores (weight × magnitude).
    """
    for pname, value, choices in (("weights", weights, ("refuse", "normalise")),
                                  ("ratings", ratings, ("warn", "david", "any")),
                                  ("position", position, ("mirror", "raw")),
                                  ("tows", tows, ("product", "sum"))):
        if value not in choices:
            raise ParameterError(f"{pname}={value!r} is not an option; use one of {', '.join(map(repr, choices))}.")
    table = load_factors(factors)
    source = str(table.attrs.get("source", "factor table"))
    label = name if name is not None else str(table.attrs.get("company", ""))
    out = _check_table(table, source=source)
    notes: list[str] = []
    out["weight_input"] = out["weight"]
    _normalise(out, ("S", "W"), "IFE", weights=weights, tol=tol, source=source, notes=notes)
    _normalise(out, ("O", "T"), "EFE", weights=weights, tol=tol, source=source, notes=notes)
    _check_ife_ratings(out, ratings=ratings, source=source, notes=notes)

    out["weighted_score"] = out["weight"] * out["rating"]
    negative = out["type"].isin(("W", "T"))
    out["magnitude"] = np.where(negative & (position == "mirror"), 5.0 - out["rating"], out["rating"])
    out["position_score"] = out["weight"] * out["magnitude"]

    # sums are rounded to 12 decimals so that reports show 2.6, not 2.5999999999999996
    ife = round(float(out.loc[out["type"].isin(("S", "W")), "weighted_score"].sum()), 12)
    efe = round(float(out.loc[out["type"].isin(("O", "T")), "weighted_score"].sum()), 12)
    side = {t: round(float(out.loc[out["type"] == t, "position_score"].sum()), 12) for t in TYPES}
    x, y = round(side["S"] - side["W"], 12), round(side["O"] - side["T"], 12)
    cell = ie_cell(ife, efe)
    return SwotResult(
        factors=out, tows=_tows(out, rule=tows), ife_total=ife, efe_total=efe,
        ife_level=ife_level(ife), efe_level=efe_level(efe), ie_cell=cell, ie_strategy=ie_strategy(cell),
        s_score=side["S"], w_score=side["W"], o_score=side["O"], t_score=side["T"], x=x, y=y,
        quadrant=position_quadrant(x, y), angle=math.degrees(math.atan2(y, x)) % 360.0,
        weights=weights, ratings=ratings, position=position, tows_rule=tows, warnings=tuple(notes), name=label,
        name_zh=str(table.attrs.get("company_zh", "")) if name is None else "",
    )


@dataclass(frozen=True, eq=False)
class FactorMatrix(Result):
    """One IFE or EFE matrix on its own: the rows, the weighted scores and the total."""

    table: pd.DataFrame
    which: str
    total: float
    level: str
    weights: str = "refuse"
    ratings: str = "warn"
    midpoint: float = MIDPOINT
    warnings: tuple[str, ...] = field(default_factory=tuple)
    _conventions = ("which", "weights", "ratings", "midpoint")

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"{self.which} matrix"

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Rows in David's layout (id, type, factor, weight, rating, weighted score) plus a total row."""
        check_lang(lang)
        rows = self.table[["id", "type", "factor", "weight", "rating", "weighted_score"]]
        rows = rows.assign(factor=self.table.apply(_factor_text, axis=1, lang=lang))
        total = pd.DataFrame([{"id": text("total", lang, LABELS), "type": "", "factor": "", "weight": rows["weight"].sum(),
                               "rating": np.nan, "weighted_score": self.total}])
        return pd.concat([rows, total], ignore_index=True)

    def interpret(self, lang: str = "en") -> list[str]:
        """The total against David's bands and the 2.5 midpoint (the same words as the full SWOT)."""
        lang = check_lang(lang)
        s = _standing(self.total, self.which, self.level, lang)
        return [f"{self.which} 矩阵：{s}。" if lang == "zh" else f"{self.which} matrix: {s}."]

    def subtotal(self, type_: str) -> float:
        """Sum of weighted scores of one type ('S', 'W', 'O' or 'T')."""
        return round(float(self.table.loc[self.table["type"] == type_, "weighted_score"].sum()), 12)


def evaluate_matrix(
    factors: str | Path | pd.DataFrame | Iterable[Mapping[str, Any]] | Mapping[str, Any],
    *,
    which: str = "IFE",
    weights: str = "refuse",
    ratings: str = "warn",
    tol: float = 1e-3,
) -> FactorMatrix:
    """Evaluate only the IFE (S, W rows) or only the EFE (O, T rows) of a factor table.

    Total weighted score = Σ w·r over the matrix's rows (David 2011); the other rows are ignored,
    so a table holding just strengths and weaknesses can be scored.
    """
    which = str(which).upper()
    if which not in ("IFE", "EFE"):
        raise ParameterError(f"which={which!r}; use 'IFE' or 'EFE'.")
    for pname, value, choices in (("weights", weights, ("refuse", "normalise")),
                                  ("ratings", ratings, ("warn", "david", "any"))):
        if value not in choices:
            raise ParameterError(f"{pname}={value!r} is not an option; use one of {', '.join(map(repr, choices))}.")
    table = load_factors(factors)
    source = str(table.attrs.get("source", "factor table"))
    out = _check_table(table, source=source)
    types = ("S", "W") if which == "IFE" else ("O", "T")
    notes: list[str] = []
    out["weight_input"] = out["weight"]
    _normalise(out, types, which, weights=weights, tol=tol, source=source, notes=notes)
    out = out[out["type"].isin(types)].copy()
    if which == "IFE":
        _check_ife_ratings(out, ratings=ratings, source=source, notes=notes)
    out["weighted_score"] = out["weight"] * out["rating"]
    total = round(float(out["weighted_score"].sum()), 12)
    return FactorMatrix(table=out.reset_index(drop=True), which=which, total=total,
                        level=ife_level(total) if which == "IFE" else efe_level(total),
                        weights=weights, ratings=ratings, warnings=tuple(notes))


def _tows(out: pd.DataFrame, *, rule: str) -> pd.DataFrame:
    cols = ["rank", "pair", "quadrant", "internal", "external", "internal_factor", "external_factor",
            "internal_score", "external_score", "importance"]
    f = out[["id", "type", "factor", "position_score"]].assign(_pos=np.arange(len(out)))
    parts = []
    for q, pair in enumerate(_PAIR_ORDER):
        a, b = f[f["type"] == pair[0]], f[f["type"] == pair[1]]
        if len(a) and len(b):
            parts.append(a.merge(b, how="cross", suffixes=("_a", "_b")).assign(quadrant=pair, _q=q))
    if not parts:
        return pd.DataFrame(columns=cols)
    m = pd.concat(parts, ignore_index=True)
    sa, sb = m["position_score_a"], m["position_score_b"]
    df = pd.DataFrame({
        "pair": m["id_a"] + "+" + m["id_b"], "quadrant": m["quadrant"], "internal": m["id_a"], "external": m["id_b"],
        "internal_factor": m["factor_a"], "external_factor": m["factor_b"], "internal_score": sa, "external_score": sb,
        "importance": sa * sb if rule == "product" else sa + sb,
    })
    # ties (after rounding away floating-point noise) keep the order SO, ST, WO, WT, then the table order
    df["_imp"] = df["importance"].round(_ROUND)
    df[["_q", "_a", "_b"]] = m[["_q", "_pos_a", "_pos_b"]].to_numpy()
    df = df.sort_values(["_imp", "_q", "_a", "_b"], ascending=[False, True, True, True], kind="mergesort")
    df["rank"] = np.arange(1, len(df) + 1)
    return df[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- text
def _evidence_text(row: pd.Series, lang: str) -> str:
    if lang == "zh" and str(row.get("evidence_zh", "")).strip():
        return str(row["evidence_zh"])
    return str(row.get("evidence", ""))


def _factor_text(row: pd.Series, lang: str) -> str:
    if lang == "zh" and str(row.get("factor_zh", "")).strip():
        return str(row["factor_zh"])
    return str(row["factor"])


#: David's bands of a total weighted score (1–4): the IE matrix cuts each axis at 2.0 and 3.0
BANDS = {"en": "1.0–1.99 weak, 2.0–2.99 average, 3.0–4.0 strong", "zh": "1.0–1.99 弱，2.0–2.99 中等，3.0–4.0 强"}
_EFE_BANDS = {"en": "1.0–1.99 low, 2.0–2.99 medium, 3.0–4.0 high", "zh": "1.0–1.99 低，2.0–2.99 中，3.0–4.0 高"}


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
        bands = BANDS[lang]
    else:
        band = text("efe_" + level, lang, LABELS)
        bands = _EFE_BANDS[lang]
    if lang == "zh":
        where = f"比中点 2.5 高 {d:.2f}" if d > 0 else (f"比中点 2.5 低 {-d:.2f}" if d < 0 else "恰在中点 2.5")
        return f"加权总分 {total:.2f}，处于“{band}”区间（David 的划分：{bands}），{where}"
    where = f"{d:.2f} above the 2.5 midpoint" if d > 0 else (f"{-d:.2f} below the 2.5 midpoint" if d < 0
                                                           else "exactly at the 2.5 midpoint")
    return f"the total weighted score is {total:.2f}: in the {band} band (David's bands: {bands}) and {where}"


def _ife_meaning(r: "SwotResult", lang: str) -> str:
    d = round(r.ife_total - MIDPOINT, _ROUND)
    key = r.ife_level if r.ife_level != "average" else ("average_up" if d > 0 else "average_down" if d < 0 else "average_mid")
    return {
        "weak": {"en": "weaknesses dominate: the internal position is weak",
                 "zh": "劣势占上风，内部地位弱"},
        "strong": {"en": "strengths dominate: the internal position is strong",
                   "zh": "优势占上风，内部地位强"},
        "average_up": {"en": "so the internal position is average, on the strong side of the midpoint but not strong",
                       "zh": "内部地位中等，略偏强，但还算不上强"},
        "average_down": {"en": "so the internal position is average, on the weak side of the midpoint but not weak",
                         "zh": "内部地位中等，略偏弱，但还算不上弱"},
        "average_mid": {"en": "so strengths and weaknesses balance: an average internal position",
                        "zh": "优势与劣势相当，内部地位中等"},
    }[key][lang]


def _efe_meaning(r: "SwotResult", lang: str) -> str:
    d = round(r.efe_total - MIDPOINT, _ROUND)
    if r.efe_level == "high":
        return {"en": "current strategies respond well to the opportunities and threats",
                "zh": "现有战略能很好地利用机会、应对威胁"}[lang]
    if r.efe_level == "low":
        return {"en": "current strategies respond poorly to the opportunities and threats",
                "zh": "现有战略对机会与威胁的反应较差"}[lang]
    if d > 0:
        return {"en": "current strategies respond slightly better than average to the opportunities and threats",
                "zh": "现有战略对机会与威胁的反应略好于平均水平"}[lang]
    if d < 0:
        return {"en": "current strategies respond slightly worse than average to the opportunities and threats",
                "zh": "现有战略对机会与威胁的反应略差于平均水平"}[lang]
    return {"en": "current strategies respond to the environment exactly as well as the average firm",
            "zh": "现有战略对外部环境的反应恰为平均水平"}[lang]


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


def interpret(result: SwotResult, *, lang: str = "en", top: int = 3) -> list[str]:
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


# --------------------------------------------------------------------------- plots
_COLORS = {"S": "#4c9a6a", "W": "#d08c3f", "O": "#4a7fb5", "T": "#c0504d"}
_STRAT_COLORS = {"grow": "#cfe8d5", "hold": "#fdf0c4", "harvest": "#f6d0cc"}


def plot_board(result: SwotResult, ax=None, lang: str = "en", *, width: int | None = None):
    """The 2×2 SWOT board: S and W on top, O and T below, each factor with weight × rating, text wrapped."""
    check_lang(lang)
    import matplotlib.patches as mpatches

    ax = new_ax(ax, (11, 8))
    width = width or (24 if lang == "zh" else 44)
    f = result.factors
    n_max = max(1, int(f["type"].value_counts().max()))
    fontsize = 9 if n_max <= 5 else (8 if n_max <= 7 else 7)
    for k, t in enumerate(TYPES):
        col, row = k % 2, 1 - k // 2
        ax.add_patch(mpatches.Rectangle((col, row), 1, 1, facecolor=_COLORS[t], alpha=0.12,
                                        edgecolor=_COLORS[t], lw=1.5))
        sub = f[f["type"] == t]
        total = sub["weighted_score"].sum()
        ax.text(col + 0.03, row + 0.96, f"{t} — {text(t, lang, LABELS)}  (Σ w×r = {total:.2f})", va="top",
                fontsize=fontsize + 2, fontweight="bold", color=_COLORS[t])
        lines = []
        for _, r in sub.iterrows():
            head = f"{r['id']} [{r['weight']:.2f}×{r['rating']:g}] "
            if lang == "zh":  # Chinese has no spaces to break at: cut by characters, head on the first line
                body = _factor_text(r, lang)
                first = max(4, width - len(head) // 2)
                chunks = [body[:first]] + [body[i:i + width] for i in range(first, len(body), width)]
                lines.append(head + "\n    ".join(c for c in chunks if c))
            else:
                lines.append(textwrap.fill(head + _factor_text(r, lang), width=width, subsequent_indent="    "))
        ax.text(col + 0.03, row + 0.87, "\n".join(lines), va="top", fontsize=fontsize, linespacing=1.25)
    ax.set_xlim(0, 2)
    ax.set_ylim(0, 2)
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(False)
    name = (result.name_zh or result.name) if lang == "zh" else result.name
    ax.set_title(text("board_title", lang, LABELS) + (f" — {name}" if name else ""))
    return ax


def plot_position(result: SwotResult, ax=None, lang: str = "en"):
    """The SWOT strategic position (S − W, O − T) in its quadrant, with the four quadrant names."""
    check_lang(lang)
    ax = new_ax(ax, (6.5, 6))
    r = result
    lim = max(0.3, abs(r.x), abs(r.y)) * 1.35
    ax.axhline(0, color="0.3", lw=1)
    ax.axvline(0, color="0.3", lw=1)
    for q, (qx, qy) in {"SO": (1, 1), "WO": (-1, 1), "WT": (-1, -1), "ST": (1, -1)}.items():
        ax.text(qx * lim * 0.62, qy * lim * 0.85, text(q, lang, LABELS), ha="center", va="center", fontsize=11,
                color="0.25", fontweight="bold" if q == r.quadrant else "normal",
                bbox={"boxstyle": "round", "fc": "#fdf0c4" if q == r.quadrant else "white", "ec": "0.7"})
    ax.annotate("", xy=(r.x, r.y), xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": "#c0504d", "lw": 2})
    ax.plot([r.x], [r.y], "o", color="#c0504d", ms=9)
    ax.annotate(f"({r.x:+.2f}, {r.y:+.2f})\n{r.angle:.0f}°", (r.x, r.y), textcoords="offset points",
                xytext=(8, -22 if r.y > 0 else 10), fontsize=9)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_xlabel(text("s_minus_w", lang, LABELS))
    ax.set_ylabel(text("o_minus_t", lang, LABELS))
    ax.set_title(text("position_title", lang, LABELS))
    ax.set_aspect("equal")
    return ax


def plot_ie(result: SwotResult, ax=None, lang: str = "en"):
    """David's IE nine-cell grid (IFE 4→1 left to right, EFE 1→4 bottom to top) with the firm's point."""
    check_lang(lang)
    import matplotlib.patches as mpatches

    ax = new_ax(ax, (6.5, 6))
    # x runs from 4 (left, strong) to 1 (right, weak) as in David's figure
    x_bands = [(3.0, 4.0), (2.0, 3.0), (1.0, 2.0)]
    y_bands = [(3.0, 4.0), (2.0, 3.0), (1.0, 2.0)]
    for row, (y0, y1) in enumerate(y_bands):
        for col, (x0, x1) in enumerate(x_bands):
            cell = _ROMAN[3 * row + col]
            strat = _CELL_STRATEGY[cell]
            ax.add_patch(mpatches.Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=_STRAT_COLORS[strat],
                                            edgecolor="0.4", lw=1))
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.3, cell, ha="center", va="center", fontsize=14, color="0.35",
                    fontweight="bold" if cell == result.ie_cell else "normal")
    handles = [mpatches.Patch(facecolor=_STRAT_COLORS[s], edgecolor="0.4", label=text(s, lang, LABELS))
               for s in ("grow", "hold", "harvest")]
    ax.plot([result.ife_total], [result.efe_total], "o", color="#c0504d", ms=10, zorder=5)
    ax.annotate(f"({result.ife_total:.2f}, {result.efe_total:.2f})", (result.ife_total, result.efe_total),
                textcoords="offset points", xytext=(8, 8), fontsize=9)
    ax.set_xlim(4.0, 1.0)
    ax.set_ylim(1.0, 4.0)
    ax.set_xticks([4.0, 3.0, 2.0, 1.0])
    ax.set_yticks([1.0, 2.0, 3.0, 4.0])
    ax.set_xlabel(text("ife", lang, LABELS) + " — " + " / ".join(text(f"ife_{k}", lang, LABELS) for k in ("strong", "average", "weak")))
    ax.set_ylabel(text("efe", lang, LABELS) + " — " + " / ".join(text(f"efe_{k}", lang, LABELS) for k in ("low", "medium", "high")))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, frameon=False, fontsize=9)
    ax.set_title(text("ie_title", lang, LABELS))
    ax.set_aspect("equal")
    return ax
