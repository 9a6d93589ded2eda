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
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from crmcore.errors import DataError, DomainError, ParameterError, data_error, numeric_columns
from crmcore.labels import check_lang, text
from crmcore.results import Result, deprecated
from crmcore.strategy import swot_plots, swot_text
from crmcore.strategy.swot_plots import plot_board, plot_ie, plot_position  # noqa: F401
from crmcore.strategy.swot_text import (BANDS, COLUMNS, LABELS, MEANINGS, MIDPOINT, TYPES, _CELL_STRATEGY,  # noqa: F401
                                        _RESULT_COLUMNS, _ROMAN, _ROUND, _evidence_text, _factor_text, _standing,
                                        interpret)

RATING_MIN, RATING_MAX = 1.0, 4.0

#: type names accepted in the ``type`` column besides S/W/O/T
_TYPE_ALIASES = {
    "strength": "S", "strengths": "S", "优势": "S",
    "weakness": "W", "weaknesses": "W", "劣势": "W",
    "opportunity": "O", "opportunities": "O", "机会": "O",
    "threat": "T", "threats": "T", "威胁": "T",
}

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
    return swot_text.describe_counts(n, len(out), ife, efe, lang)


# --------------------------------------------------------------------------- results
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
        kinds = {"board": swot_plots.plot_board, "position": swot_plots.plot_position,
                 "ie": swot_plots.plot_ie}
        if kind not in kinds:
            raise ParameterError(f"kind={kind!r}; use one of {', '.join(map(repr, kinds))}.")
        return kinds[kind](self, ax=ax, lang=lang)


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


# --------------------------------------------------------------------------- private helpers
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
