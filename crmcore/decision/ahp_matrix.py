"""AHP core (层次分析法): judgement matrices, priorities, consistency — the bottom of the AHP modules.

Import rule: ``ahp_text`` (words) ← ``ahp_scale`` (Saaty's scale, RI tables) ← ``ahp_matrix`` (this
module) ← ``ahp_judgements`` ← ``ahp`` (the public face, re-exporting both) ← ``ahp_hierarchy`` ←
``customer_value``; ``ahp_plots`` (drawing only) ← ``ahp_matrix``. This module imports ``ahp_plots`` only
inside the ``plot`` methods, and ``ahp_plots``, like ``ahp_text``, imports no AHP module, so there is no
circle. Use it as ``from crmcore import ahp``.

A judgement matrix (判断矩阵) ``A`` holds pairwise comparisons on Saaty's 1–9 scale,
``a_ij ≈ w_i / w_j`` and ``a_ji = 1 / a_ij``. From it we derive priorities by

- the principal eigenvector (特征根法, Saaty 1980): ``A w = λmax w``;
- the row geometric mean (几何平均法 / 方根法): ``w_i ∝ (Π_j a_ij)^(1/n)``;
- the column-normalised row mean (和法 / 算术平均法): ``w_i = mean_j(a_ij / Σ_k a_kj)``;

and check consistency with ``CI = (λmax − n) / (n − 1)`` and ``CR = CI / RI(n)``
(C.R. = 0 fully consistent, < 0.1 acceptable, ≥ 0.1 revise). For the two approximate
methods λmax is the textbook estimate ``mean_i((A w)_i / w_i)`` and is labelled as such.

Incomplete matrices (Harker 1987; Bozóki, Fülöp & Rónyai 2010), the revision advisor and
group aggregation are in :mod:`crmcore.ahp_judgements`; hierarchies and sensitivity in
:mod:`crmcore.ahp_hierarchy`; plots in :mod:`crmcore.ahp_plots`.

References
----------
Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.
Saaty, T. L. (1990). How to make a decision: the AHP. *EJOR* 48, 9–26.
Harker, P. T. (1987). Incomplete pairwise comparisons in the AHP. *Math. Modelling* 9, 837–848.
Bozóki, S., Fülöp, J., Rónyai, L. (2010). On optimal completion of incomplete pairwise
comparison matrices. *Math. Comput. Modelling* 52, 318–333.
Forman, E., Peniwati, K. (1998). Aggregating individual judgments and priorities with the AHP.
*EJOR* 108, 165–169.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.decision.ahp_scale import (  # noqa: F401  (re-exported: ahp.X and ahp_judgements read them here)
    RI_TABLES, SCALE, RIChoice, _parse_value, _ri_cover_note, judgement_text, random_index, ri_available, ri_tables,
    scale_table)
from crmcore.decision.ahp_text import COMPARISON_COLUMNS as _COMPARISON_COLUMNS
from crmcore.decision.ahp_text import JUDGEMENT_COLUMNS, LABELS  # noqa: F401  (re-exported: ahp.LABELS; ahp_judgements)
from crmcore.errors import DomainError, ParameterError
from crmcore.labels import check_lang, text
from crmcore.results import ParagraphResult, Result

METHODS = ("eigen", "geometric", "arithmetic")


def pairwise(
    data: Any,
    *,
    labels: Sequence[str] | None = None,
    tol: float = 0.05,
    allow_missing: bool = True,
    form: str = "auto",
) -> PairwiseMatrix:
    """Build and validate a judgement matrix (判断矩阵).

    ``data`` may be

    - a full square matrix (list of lists, ndarray or DataFrame; a DataFrame supplies labels);
      missing judgements may be ``None``/NaN/``"?"`` — a cell is filled from its mirror if the
      mirror is given;
    - a pairs dict ``{("A", "B"): 3, ("A", "C"): "1/5"}`` meaning *A over B is 3*; unlisted pairs
      are missing; exact fraction strings are accepted;
    - an upper triangle, a ragged list ``[[a12, a13, a14], [a23, a24], [a34]]``;
    - a :class:`PairwiseMatrix` (returned as is).

    ``form="auto"`` tells these apart (rows of unequal length are an upper triangle); pass
    ``form="upper"`` for the one ambiguous case, a 2 × 2 upper triangle ``[[a12]]``.

    Checks: square, positive finite entries, unit diagonal, reciprocity
    ``|a_ij · a_ji − 1| ≤ tol`` (``tol`` lets two-decimal reciprocals such as 0.33 pass; they
    are then symmetrised by ``sqrt(a_ij / a_ji)``), and, when judgements are missing, that
    the comparison graph is connected. Every failure names the offending cells.
    """
    if isinstance(data, PairwiseMatrix):
        return data
    if form not in ("auto", "matrix", "upper", "pairs"):
        raise ParameterError(f"form={form!r}; use 'auto', 'matrix', 'upper' or 'pairs'.")
    if labels is not None:
        labels = [str(x) for x in labels]
        if len(set(labels)) != len(labels):
            dup = sorted({x for x in labels if labels.count(x) > 1})
            raise ParameterError(f"labels contain duplicates ({', '.join(map(repr, dup))}); give each element one name.")
    if isinstance(data, Mapping):
        raw, labels = _from_pairs(data, labels)
    elif isinstance(data, pd.DataFrame):
        if labels is None:
            labels = [str(c) for c in data.columns]
            if list(map(str, data.index)) not in (labels, [str(i) for i in range(len(data))]):
                raise DomainError(
                    "judgement matrix: row labels differ from column labels "
                    f"(rows {list(data.index)[:4]}, columns {labels[:4]}). Put the rows in the column order."
                )
        raw = _from_rows(data.to_numpy(dtype=object).tolist())
    elif form == "upper":
        raw = _from_upper(data)
    else:
        rows = np.asarray(data, dtype=object) if not _is_ragged(data) else None
        if rows is None:
            raw = _from_upper(data)
        else:
            if rows.ndim != 2:
                raise DomainError(
                    f"judgement matrix must be 2-D; got {rows.ndim}-D input. "
                    "Pass a square list of lists, a pairs dict or an upper triangle [[a12, a13], [a23]]."
                )
            raw = _from_rows(rows.tolist())
    n = raw.shape[0]
    if labels is None:
        labels = [f"C{i + 1}" for i in range(n)]
    if len(labels) != n:
        raise ParameterError(f"labels has {len(labels)} names but the matrix is {n} × {n}; give one label per row.")
    return _validate(raw, list(labels), tol=tol, allow_missing=allow_missing)


def consistent_matrix(weights: Mapping[str, float] | Sequence[float], *, labels: Sequence[str] | None = None) -> PairwiseMatrix:
    """The perfectly consistent matrix ``a_ij = w_i / w_j`` (useful for teaching and tests)."""
    if isinstance(weights, Mapping):
        labels = list(weights)
        w = np.array([float(weights[k]) for k in labels])
    else:
        w = np.asarray(weights, dtype=float)
    if (w <= 0).any() or not np.isfinite(w).all():
        raise DomainError("consistent_matrix: weights must be positive numbers.")
    return pairwise(np.outer(w, 1 / w), labels=labels)


def priorities(
    matrix: Any,
    *,
    method: str = "eigen",
    ri: RIChoice = "saaty1980",
    threshold: float = 0.1,
    labels: Sequence[str] | None = None,
) -> AHPResult:
    """Weights, λmax, CI, RI and CR of a complete judgement matrix.

    ``method``: ``"eigen"`` (特征根法, default), ``"geometric"`` (几何平均法) or ``"arithmetic"``
    (和法). ``ri`` chooses the random-index table (see :func:`random_index`). Nothing is rounded.
    ``matrix`` may be anything :func:`pairwise` accepts.
    """
    m = pairwise(matrix, labels=labels)
    _check_method(method)
    if not m.is_complete:
        raise DomainError(
            f"judgement matrix has {len(m.missing)} missing judgements ({m.missing[:3]}). "
            "Use ahp.harker(m) or ahp.complete(m, method='llsm'|'lambda_max') first."
        )
    return _result(m, m.values, method, ri, threshold)


def explain(matrix: Any, *, method: str = "arithmetic", ri: RIChoice = "saaty1980", lang: str = "en",
            threshold: float = 0.1) -> Worksheet:
    """Lay out the computation the way a textbook does (default: 和法, the hand method).

    Rows are the elements plus a column-sum row; columns are the column-normalised matrix
    (arithmetic) or the raw matrix (geometric/eigen), the row mean / row geometric mean, the
    weight ``w``, ``Aw`` and ``(Aw)_i / w_i``. ``print(ws)`` shows it with λ, CI, RI, CR.
    """
    check_lang(lang)
    r = priorities(matrix, method=method, ri=ri, threshold=threshold)
    a = r.matrix.values
    labs = list(r.labels)
    w = r.weights
    aw = a @ w
    if method == "arithmetic":
        body = pd.DataFrame(a / a.sum(axis=0), index=labs, columns=labs)
        body[text("row_mean", lang, LABELS)] = w
    elif method == "geometric":
        body = pd.DataFrame(a, index=labs, columns=labs)
        body[text("row_gmean", lang, LABELS)] = np.exp(np.log(a).mean(axis=1))
        body[text("weight", lang, LABELS) + " w"] = w
    else:
        body = pd.DataFrame(a, index=labs, columns=labs)
        body[text("weight", lang, LABELS) + " w"] = w
    body[text("Aw", lang, LABELS)] = aw
    body[text("Aw_w", lang, LABELS)] = aw / w
    colsum = pd.DataFrame([[*a.sum(axis=0)] + [np.nan] * (body.shape[1] - len(labs))],
                          index=[text("column_sum", lang, LABELS)], columns=body.columns)
    table = pd.concat([body, colsum])
    return Worksheet(table, r, lang)


def compare_methods(matrix: Any, *, ri: RIChoice = "saaty1980", threshold: float = 0.1) -> MethodComparison:
    """Weights, ranks, λmax, CI and CR from all three methods; largest difference; do the rankings agree."""
    res = {m: priorities(matrix, method=m, ri=ri, threshold=threshold) for m in METHODS}
    labs = list(res["eigen"].labels)
    table = pd.DataFrame({m: r.weights for m, r in res.items()}, index=labs)
    ranks = table.rank(ascending=False, method="min").astype(int)
    for m in METHODS:
        table[f"rank_{m}"] = ranks[m]
    spread = table[list(METHODS)].max(axis=1) - table[list(METHODS)].min(axis=1)
    table["max_diff"] = spread
    cons = pd.DataFrame(
        {m: {"lambda_max": r.lambda_max, "CI": r.ci, "RI": r.ri, "CR": r.cr, "lambda_is_estimate": r.lambda_is_estimate}
         for m, r in res.items()}
    )
    agree = bool((ranks.nunique(axis=1) == 1).all())
    at = str(spread.idxmax())
    return MethodComparison(table, cons, float(spread.max()), at, agree)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class PairwiseMatrix(Result):
    """A validated reciprocal judgement matrix (判断矩阵); missing judgements are NaN.

    Build it with :func:`pairwise`. ``max_reciprocal_error`` records how far the input was
    from exact reciprocity before it was symmetrised (``a_ij := sqrt(a_ij / a_ji)``).
    """

    labels: tuple[str, ...]
    values: np.ndarray = field(repr=False)
    max_reciprocal_error: float = 0.0
    title = "judgement matrix (判断矩阵)"

    @property
    def n(self) -> int:
        return len(self.labels)

    @property
    def is_complete(self) -> bool:
        return bool(np.isfinite(self.values).all())

    @property
    def missing(self) -> list[tuple[str, str]]:
        """Missing pairs (upper triangle), as label tuples."""
        return [(self.labels[i], self.labels[j]) for i, j in _upper_pairs(self.n) if not np.isfinite(self.values[i, j])]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.values, index=list(self.labels), columns=list(self.labels))

    def to_text_frame(self) -> pd.DataFrame:
        """The matrix with judgements written as ``3`` / ``1/5`` (for printing)."""
        return self.to_frame().map(judgement_text)

    def __getitem__(self, pair: tuple[str, str]) -> float:
        i, j = (self._index(p) for p in pair)
        return float(self.values[i, j])

    def _index(self, label: str) -> int:
        try:
            return self.labels.index(label)
        except ValueError:
            raise ParameterError(f"{label!r} is not in this matrix; labels are {', '.join(self.labels)}.") from None

    def with_judgement(self, a: str, b: str, value: float | str) -> "PairwiseMatrix":
        """A copy with ``a_ab := value`` and ``a_ba := 1/value`` (the input is not changed)."""
        i, j = self._index(a), self._index(b)
        x = _parse_value(value, f"({a!r}, {b!r})")
        if not (np.isfinite(x) and x > 0):
            raise DomainError(f"judgement ({a!r}, {b!r}) = {value!r} must be a positive number.")
        v = np.array(self.values, dtype=float)
        v[i, j], v[j, i] = x, 1 / x
        return _make(self.labels, v)

    def without(self, *pairs: tuple[str, str]) -> "PairwiseMatrix":
        """A copy with the given judgements removed (to practise incomplete matrices)."""
        v = np.array(self.values, dtype=float)
        for a, b in pairs:
            i, j = self._index(a), self._index(b)
            v[i, j] = v[j, i] = np.nan
        return _validate(v, list(self.labels), tol=0.0, allow_missing=True)

    def priorities(self, *, method: str = "eigen", ri: RIChoice = "saaty1980") -> "AHPResult":
        """Shortcut for :func:`priorities`."""
        return priorities(self, method=method, ri=ri)

    def interpret(self, lang: str = "en") -> list[str]:
        """A complete matrix: its weights and consistency (eigenvector method); otherwise what is missing."""
        check_lang(lang)
        if self.is_complete:
            return self.priorities().interpret(lang)
        gaps = self.missing
        pairs = ("、" if lang == "zh" else ", ").join(f"{a}–{b}" for a, b in gaps[:5]) + ("…" if len(gaps) > 5 else "")
        total = self.n * (self.n - 1) // 2
        if lang == "zh":
            return [f"{self.n} 阶判断矩阵的 {total} 个判断中缺少 {len(gaps)} 个（{pairs}）；"
                    f"先补全（如 Harker 法）再计算权重。"]
        return [f"{len(gaps)} of the {total} judgements of this {self.n} × {self.n} matrix are missing ({pairs}); "
                f"complete them (e.g. Harker's method) before computing weights."]

    def plot(self, ax=None, lang: str = "en", title: str | None = None):
        from crmcore.decision.ahp_plots import plot_matrix

        return plot_matrix(self, ax=ax, lang=lang, title=title)


@dataclass(frozen=True)
class AHPResult(ParagraphResult):
    """Priorities of one judgement matrix and how they were computed.

    ``lambda_is_estimate`` is True for the geometric and arithmetic methods, whose λmax is the
    textbook estimate ``mean((Aw)_i / w_i)``. ``cr`` is 0 for n ≤ 2.
    """

    labels: tuple[str, ...]
    weights: np.ndarray = field(repr=False)
    lambda_max: float
    ci: float
    ri: float
    cr: float
    method: str
    ri_table: str
    lambda_is_estimate: bool
    matrix: PairwiseMatrix = field(repr=False)
    threshold: float = 0.1
    title = "AHP priorities (层次分析法权重)"
    _conventions = ("method", "ri_table", "lambda_is_estimate", "threshold")

    @property
    def n(self) -> int:
        return len(self.labels)

    @property
    def cr_available(self) -> bool:
        """False when the RI table does not cover n (then ``ri`` and ``cr`` are NaN)."""
        return not math.isnan(self.cr)

    @property
    def consistent(self) -> bool:
        """CR < threshold (0.1 by default); False when CR is not available (see :attr:`cr_available`)."""
        return bool(self.cr_available and self.cr < self.threshold)

    def weights_dict(self) -> dict[str, float]:
        """``{label: weight}``, e.g. ``{"R": 0.26, "F": 0.10, "M": 0.64}`` for ``rfm.weighted_score``."""
        return {k: float(w) for k, w in zip(self.labels, self.weights)}

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        w = pd.Series(self.weights, index=list(self.labels))
        return pd.DataFrame(
            {
                text("criterion", lang, LABELS): list(self.labels),
                text("weight", lang, LABELS): self.weights,
                text("rank", lang, LABELS): w.rank(ascending=False, method="min").astype(int).to_numpy(),
            }
        )

    def _summary_text(self, lang: str = "en") -> str:
        """One generated sentence: method, top element, CR verdict."""
        check_lang(lang)
        top = self.labels[int(np.argmax(self.weights))]
        wtop = float(np.max(self.weights))
        lam = "λmax ≈" if self.lambda_is_estimate else "λmax ="
        verdict = text("ok" if self.consistent else "revise", lang, LABELS)
        if not self.cr_available:
            key = next((k for k, t in RI_TABLES.items() if t["name"] == self.ri_table), None)
            note = _ri_cover_note(self.n, key, lang) if key else ""
            if lang == "zh":
                return (f"{text(self.method, 'zh', LABELS)}：权重最大的是 {top}（{wtop:.3f}）；{lam} {self.lambda_max:.4f}，"
                        f"CI = {self.ci:.4f}；{note}。")
            return (f"{text(self.method, 'en', LABELS)} method: the largest weight is {top} ({wtop:.3f}); "
                    f"{lam} {self.lambda_max:.4f}, CI = {self.ci:.4f}; {note}.")
        if lang == "zh":
            return (
                f"{text(self.method, 'zh', LABELS)}：权重最大的是 {top}（{wtop:.3f}）；{lam} {self.lambda_max:.4f}，"
                f"CI = {self.ci:.4f}，RI = {self.ri:.2f}（{self.ri_table}），CR = {self.cr:.4f}，{verdict}。"
            )
        return (
            f"{text(self.method, 'en', LABELS)} method: the largest weight is {top} ({wtop:.3f}); "
            f"{lam} {self.lambda_max:.4f}, CI = {self.ci:.4f}, RI = {self.ri:.2f} ({self.ri_table}), "
            f"CR = {self.cr:.4f}: {verdict} (threshold {self.threshold:g})."
        )

    def plot(self, ax=None, lang: str = "en", title: str | None = None):
        from crmcore.decision.ahp_plots import plot_weights

        return plot_weights(self, ax=ax, lang=lang, title=title)


@dataclass(frozen=True)
class Worksheet(Result):
    """The textbook worksheet for one matrix: normalised matrix, weights, Aw, (Aw)/w, λ, CI, RI, CR."""

    table: pd.DataFrame = field(repr=False)
    result: AHPResult = field(repr=False)
    lang: str = "en"
    title = "AHP worksheet (计算过程)"
    _conventions = ("method_name",)

    @property
    def method_name(self) -> str:
        return text(self.result.method, self.lang, LABELS)

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def interpret(self, lang: str | None = None) -> list[str]:
        """The findings of the worksheet's result (weights and consistency)."""
        return self.result.interpret(lang or self.lang)

    def lines(self) -> list[str]:
        """The worksheet as printable lines in the chosen language."""
        r, lang = self.result, self.lang
        step1 = {"arithmetic": "step1", "geometric": "step1g", "eigen": "step1e"}[r.method]
        n = r.n
        lam_key = "lambda_est" if r.lambda_is_estimate else "lambda_max"
        aw_w = self.table[text("Aw_w", lang, LABELS)].iloc[:n].to_numpy(dtype=float)
        out = [
            f"{text('matrix', lang, LABELS)} A ({n} × {n}), {self.method_name}",
            text(step1, lang, LABELS) + "; " + text("step2", lang, LABELS),
            text("step3", lang, LABELS),
            self.table.to_string(float_format=lambda x: f"{x:.4f}", na_rep=""),
            text("step4", lang, LABELS),
            f"  {text(lam_key, lang, LABELS)} = (1/n) Σ (Aw)_i/w_i = ("
            + " + ".join(f"{x:.4f}" for x in aw_w) + f") / {n} = {r.lambda_max:.4f}",
            f"  CI = (λmax − n)/(n − 1) = ({r.lambda_max:.4f} − {n})/{n - 1} = {r.ci:.4f}",
        ]
        if r.cr_available:
            out += [
                f"  RI({n}) = {r.ri:.4g}  [{r.ri_table}]",
                f"  CR = CI/RI = {r.ci:.4f}/{r.ri:.4g} = {r.cr:.4f}  → "
                + text("ok" if r.consistent else "revise", lang, LABELS)
                + (" (CR < " if r.consistent else " (CR ≥ ") + f"{r.threshold:g})",
            ]
        else:
            key = next(k for k, t in RI_TABLES.items() if t["name"] == r.ri_table)
            out.append("  " + _ri_cover_note(n, key, lang))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


@dataclass(frozen=True)
class MethodComparison(ParagraphResult):
    """The three priority methods side by side."""
    _columns = _COMPARISON_COLUMNS

    table: pd.DataFrame = field(repr=False)
    consistency: pd.DataFrame = field(repr=False)
    max_difference: float
    max_difference_at: str
    rankings_agree: bool
    title = "eigen vs geometric vs arithmetic (三种权重方法比较)"

    def _summary_text(self, lang: str = "en") -> str:
        check_lang(lang)
        if lang == "zh":
            agree = "三种方法的排序一致" if self.rankings_agree else "三种方法的排序不一致"
            return f"{agree}；权重最大差异为 {self.max_difference:.4f}（{self.max_difference_at}）。"
        agree = "the three methods rank the elements the same way" if self.rankings_agree else \
            "the three methods rank the elements differently"
        return f"{agree.capitalize()}; the largest weight difference is {self.max_difference:.4f} ({self.max_difference_at})."


# --------------------------------------------------------------------------- private helpers
def _upper_pairs(n: int) -> Iterable[tuple[int, int]]:
    return itertools.combinations(range(n), 2)


def _make(labels: Sequence[str], values: np.ndarray, err: float = 0.0) -> PairwiseMatrix:
    v = np.array(values, dtype=float)
    v.setflags(write=False)
    return PairwiseMatrix(tuple(labels), v, err)


def _is_ragged(data: Any) -> bool:
    try:
        lens = [len(r) for r in data]
    except TypeError:
        return False
    return len(lens) > 0 and len(set(lens)) > 1


def _from_rows(rows: list[list[Any]]) -> np.ndarray:
    n = len(rows)
    bad = [i for i, r in enumerate(rows) if len(r) != n]
    if bad:
        raise DomainError(
            f"judgement matrix is not square: {n} rows but row {bad[0] + 1} has {len(rows[bad[0]])} entries. "
            "Give n rows of n judgements, or an upper triangle [[a12, a13], [a23]]."
        )
    out = np.empty((n, n))
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            out[i, j] = _parse_value(v, f"row {i + 1}, column {j + 1}")
    return out


def _from_upper(rows: Sequence[Sequence[Any]]) -> np.ndarray:
    lens = [len(r) for r in rows]
    n = lens[0] + 1
    if lens != list(range(n - 1, 0, -1)):
        raise DomainError(
            f"rows of unequal length {lens} are read as an upper triangle, which needs lengths "
            f"{list(range(n - 1, 0, -1))}. Give a full square matrix or rows of n−1, n−2, …, 1 judgements."
        )
    out = np.full((n, n), np.nan)
    np.fill_diagonal(out, 1.0)
    for i, r in enumerate(rows):
        for k, v in enumerate(r):
            j = i + 1 + k
            out[i, j] = _parse_value(v, f"upper triangle ({i + 1}, {j + 1})")
    return out


def _from_pairs(pairs: Mapping[Any, Any], labels: list[str] | None) -> tuple[np.ndarray, list[str]]:
    keys = []
    for key in pairs:
        if not (isinstance(key, tuple) and len(key) == 2):
            raise DomainError(
                f"pairs dict key {key!r} is not a pair. Write {{('A', 'B'): 3}} meaning A is 3 times as important as B."
            )
        keys.append((str(key[0]), str(key[1])))
    seen = list(dict.fromkeys(x for k in keys for x in k))
    if labels is None:
        labels = seen
    else:
        unknown = [x for x in seen if x not in labels]
        if unknown:
            raise DomainError(
                f"pairs mention {', '.join(map(repr, unknown))}, not in labels ({', '.join(labels)}). "
                "Add them to labels or fix the spelling."
            )
    n = len(labels)
    out = np.full((n, n), np.nan)
    np.fill_diagonal(out, 1.0)
    for (a, b), v in zip(keys, pairs.values()):
        i, j = labels.index(a), labels.index(b)
        x = _parse_value(v, f"({a!r}, {b!r})")
        if i == j:
            if not (np.isfinite(x) and abs(x - 1) <= 1e-12):
                raise DomainError(f"judgement ({a!r}, {a!r}) = {v!r}: an element compared with itself must be 1.")
            continue
        if np.isfinite(out[i, j]) and not np.isclose(out[i, j], x):
            raise DomainError(f"pair ({a!r}, {b!r}) is given twice with different values. Keep one.")
        out[i, j] = x
    return out, labels


def _validate(raw: np.ndarray, labels: list[str], *, tol: float, allow_missing: bool) -> PairwiseMatrix:
    n = raw.shape[0]
    cell = lambda i, j: f"({labels[i]!r}, {labels[j]!r})"  # noqa: E731
    finite = np.isfinite(raw)
    bad = [(i, j) for i in range(n) for j in range(n) if finite[i, j] and raw[i, j] <= 0]
    if bad:
        ex = ", ".join(f"{cell(i, j)} = {raw[i, j]:g}" for i, j in bad[:3])
        raise DomainError(
            f"judgement matrix: {len(bad)} entries are zero or negative ({ex}). "
            "Judgements are positive ratios on the 1–9 scale; write 1/3, not −3 or 0."
        )
    diag = [i for i in range(n) if not (np.isfinite(raw[i, i]) and abs(raw[i, i] - 1) <= 1e-9)]
    diag_missing = [i for i in diag if not np.isfinite(raw[i, i])]
    diag_wrong = [i for i in diag if i not in diag_missing]
    if diag_wrong:
        ex = ", ".join(f"{cell(i, i)} = {raw[i, i]:g}" for i in diag_wrong[:3])
        raise DomainError(f"judgement matrix: the diagonal must be 1 ({ex}). An element compared with itself is 1.")
    v = raw.copy()
    np.fill_diagonal(v, 1.0)
    # fill from mirror, then check reciprocity
    worst = 0.0
    nonrec = []
    for i, j in _upper_pairs(n):
        a, b = v[i, j], v[j, i]
        fa, fb = np.isfinite(a), np.isfinite(b)
        if fa and fb:
            err = abs(a * b - 1)
            if err > tol:
                nonrec.append((i, j, a, b))
            worst = max(worst, err)
            a = math.sqrt(a / b)
            v[i, j], v[j, i] = a, 1 / a
        elif fa:
            v[j, i] = 1 / a
        elif fb:
            v[i, j] = 1 / b
    if nonrec:
        ex = "; ".join(
            f"{cell(j, i)} = {judgement_text(b)} but 1/{cell(i, j)} = 1/{judgement_text(a)}" for i, j, a, b in nonrec[:3]
        )
        raise DomainError(
            f"judgement matrix is not reciprocal: {len(nonrec)} of {n * (n - 1) // 2} pairs break a_ji = 1/a_ij "
            f"by more than tol={tol} ({ex}). Fix those cells, or give only the upper triangle."
        )
    if not np.isfinite(v).all():
        if not allow_missing:
            miss = [cell(i, j) for i, j in _upper_pairs(n) if not np.isfinite(v[i, j])]
            raise DomainError(
                f"judgement matrix: {len(miss)} judgements are missing ({', '.join(miss[:3])}). "
                "Fill them, or complete the matrix with ahp.complete(...) or ahp.harker(...)."
            )
        comps = _components(np.isfinite(v))
        if len(comps) > 1:
            groups = " | ".join("{" + ", ".join(labels[k] for k in c) + "}" for c in comps[:3])
            raise DomainError(
                f"incomplete judgement matrix is disconnected: {len(comps)} groups are never compared with each "
                f"other ({groups}). Add at least one judgement linking each group to another."
            )
    return _make(labels, v, worst)


def _components(known: np.ndarray) -> list[list[int]]:
    n = known.shape[0]
    seen: set[int] = set()
    comps = []
    for s in range(n):
        if s in seen:
            continue
        stack, comp = [s], []
        seen.add(s)
        while stack:
            k = stack.pop()
            comp.append(k)
            for m in np.flatnonzero(known[k]):
                if m not in seen:
                    seen.add(int(m))
                    stack.append(int(m))
        comps.append(sorted(comp))
    return comps


def _weights(a: np.ndarray, method: str) -> tuple[np.ndarray, float]:
    """(weights, λ) for a complete positive matrix; λ is exact for eigen, an estimate otherwise."""
    n = a.shape[0]
    if method == "eigen":
        vals, vecs = np.linalg.eig(a)
        k = int(np.argmax(vals.real))
        w = np.abs(vecs[:, k].real)
        w = w / w.sum()
        lam = float(vals[k].real)
    else:
        if method == "geometric":
            g = np.exp(np.log(a).mean(axis=1))
            w = g / g.sum()
        else:  # arithmetic (和法)
            w = (a / a.sum(axis=0)).mean(axis=1)
        lam = float(np.mean(a @ w / w))
    # λmax ≥ n for every positive reciprocal matrix (Saaty 1980); the same bound holds for
    # mean((Aw)_i/w_i) with any positive w. Anything below is floating-point noise.
    return w, max(lam, float(n))


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise ParameterError(f"method={method!r} is not known; use one of {', '.join(map(repr, METHODS))}.")
    return method


def _check_ri_name(ri: Any) -> None:
    if isinstance(ri, str) and ri not in RI_TABLES:
        random_index(3, ri)  # raises the ParameterError that lists the known tables


def _result(m: PairwiseMatrix, a: np.ndarray, method: str, ri: RIChoice, threshold: float,
            w: np.ndarray | None = None, lam: float | None = None) -> AHPResult:
    n = m.n
    if w is None:
        w, lam = _weights(a, method)
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    if ri_available(n, ri):
        ri_val, ri_name = random_index(n, ri)
        cr = ci / ri_val if n > 2 else 0.0
    else:  # weights and λmax need no RI; CR does — say it is not available rather than refuse
        _check_ri_name(ri)
        ri_val, ri_name, cr = math.nan, RI_TABLES[ri]["name"], math.nan
    w = np.array(w, dtype=float)
    w.setflags(write=False)
    return AHPResult(m.labels, w, float(lam), float(ci), float(ri_val), float(cr), method, ri_name,
                     method in ("geometric", "arithmetic"), m, threshold)
