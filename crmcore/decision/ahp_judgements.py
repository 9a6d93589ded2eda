"""Judgements beyond one complete matrix: incomplete matrices, the revision advisor, groups.

- Incomplete judgements: Harker's (1987) method and optimal completion — logarithmic least
  squares (LLSM) and λmax-minimising (Bozóki, Fülöp & Rónyai 2010).
- Revision advisor: which judgements make a matrix inconsistent and which 1–9 value fixes it;
  intransitive triads (A > B > C > A).
- Group decisions: aggregation of individual judgements (AIJ) and of priorities (AIP) by the
  weighted geometric mean (Aczél & Saaty 1983; Forman & Peniwati 1998), per-expert CR screening
  and dispersion.

Everything here is also reachable as ``crmcore.ahp.<name>``. Imports only ``ahp_matrix`` (never ``ahp``).
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.decision.ahp_matrix import (JUDGEMENT_COLUMNS, SCALE, AHPResult, PairwiseMatrix, RIChoice, _check_method, _make,
                                         _result, _upper_pairs, _weights, judgement_text, pairwise, priorities,
                                         random_index)
from crmcore.errors import DomainError, ParameterError
from crmcore.labels import check_lang
from crmcore.results import ParagraphResult, Result

_RESULT_COLUMNS = JUDGEMENT_COLUMNS  # readable headers of the results' to_frame(lang)


def harker(matrix: Any, *, ri: RIChoice = "saaty1980", threshold: float = 0.1) -> Completion:
    """Harker's (1987) method: eigenvector of ``C`` with missing ``c_ij = 0`` and ``c_ii = 1 + m_i``.

    ``m_i`` is the number of missing judgements in row i. The resulting ``w`` is also the
    principal eigenvector of the matrix completed with ``a_ij = w_i / w_j`` (same λ), so λmax,
    CI and CR refer to that completed matrix.
    """
    m = pairwise(matrix)
    v = m.values
    known = np.isfinite(v)
    c = np.where(known, v, 0.0)
    c[np.diag_indices(m.n)] = 1.0 + (~known).sum(axis=1)
    w, lam = _weights(c, "eigen")
    done = np.where(known, v, np.outer(w, 1 / w))
    cm = _make(m.labels, done)
    res = _result(cm, done, "eigen", ri, threshold)
    res = AHPResult(res.labels, res.weights, res.lambda_max, res.ci, res.ri, res.cr, "harker", res.ri_table, False,
                    cm, threshold)
    return Completion(cm, _filled(m, done), "harker", res)


def complete(matrix: Any, *, method: str = "llsm", ri: RIChoice = "saaty1980", threshold: float = 0.1,
             priority_method: str = "eigen") -> Completion:
    """Fill missing judgements.

    ``method="llsm"``: logarithmic least squares (geometric-mean) completion, ``a_ij = w_i/w_j``
    with ``w`` minimising ``Σ_known (ln a_ij − ln w_i + ln w_j)²`` (unique iff the comparison
    graph is connected; Bozóki, Fülöp & Rónyai 2010, §3).
    ``method="lambda_max"``: the missing entries that minimise λmax of the completed matrix
    (Bozóki, Fülöp & Rónyai 2010, §2; convex in ``x = ln a_ij``), started from LLSM.
    ``method="harker"``: see :func:`harker`.
    Priorities of the completed matrix use ``priority_method``.
    """
    if method == "harker":
        return harker(matrix, ri=ri, threshold=threshold)
    if method not in ("llsm", "lambda_max"):
        raise ParameterError(f"method={method!r}: use 'llsm', 'lambda_max' or 'harker'.")
    m = pairwise(matrix)
    v = m.values
    known = np.isfinite(v)
    y = _llsm_logweights(v)
    done = np.where(known, v, np.exp(y[:, None] - y[None, :]))
    if method == "lambda_max" and not m.is_complete:
        done = _min_lambda(v, done)
    cm = _make(m.labels, done)
    res = _result(cm, done, priority_method, ri, threshold)
    return Completion(cm, _filled(m, done), method, res)


def compare_completions(matrix: Any, *, ri: RIChoice = "saaty1980") -> pd.DataFrame:
    """Harker, LLSM and λmax-optimal completion side by side: each filled value, then the
    weights, λmax and CR of the completed matrix (rows), one column per method."""
    m = pairwise(matrix)
    if m.is_complete:
        raise DomainError("the matrix has no missing judgements; remove some with m.without(('A', 'B')).")
    cols = {}
    for method in ("harker", "llsm", "lambda_max"):
        c = complete(m, method=method, ri=ri)
        col = {f"{r} / {k}": v for r, k, v in c.filled[["row", "column", "value"]].itertuples(index=False)}
        col.update({f"w[{lab}]": w for lab, w in c.result.weights_dict().items()})
        col.update({"lambda_max": c.result.lambda_max, "CR": c.result.cr})
        cols[method] = col
    return pd.DataFrame(cols)


def intransitive_triads(matrix: Any) -> pd.DataFrame:
    """Cycles A > B > C > A among complete triples (each judgement strictly > 1 around the cycle).

    Such a cycle is a contradiction of *direction*, not of strength: changing one value by a
    step or two keeps the cycle; one of the three judgements must be reversed.
    """
    m = pairwise(matrix)
    v, labs = m.values, m.labels
    rows = []
    for i, j, k in itertools.combinations(range(m.n), 3):
        for a, b, c in ((i, j, k), (i, k, j)):
            x, y, z = v[a, b], v[b, c], v[c, a]
            if np.isfinite([x, y, z]).all() and x > 1 and y > 1 and z > 1:
                rows.append((labs[a], labs[b], labs[c], judgement_text(x), judgement_text(y), judgement_text(z)))
    return pd.DataFrame(rows, columns=["first", "second", "third", "first>second", "second>third", "third>first"])


def revise(matrix: Any, *, threshold: float = 0.1, ri: RIChoice = "saaty1980", max_changes: int = 3) -> Revision:
    """Rank judgements by responsibility for the inconsistency and propose 1–9 scale fixes.

    Responsibility of ``a_ij`` is ``|ln(a_ij w_j / w_i)|`` with eigenvector weights ``w`` (the
    judgement's distance from the value the other judgements imply). For each judgement we try
    every value on Saaty's 17-point scale and propose the one closest to the current value (in
    log distance) that brings CR below ``threshold``; if none does, the value giving the lowest CR.
    ``sequence`` applies the best single change repeatedly (up to ``max_changes``) until CR
    is under the threshold — needed when the inconsistency is spread over several judgements.
    """
    m = pairwise(matrix, allow_missing=False)
    n = m.n
    ri_val, _ = random_index(n, ri)
    a = m.values
    w, lam = _weights(a, "eigen")
    cr0 = (lam - n) / (n - 1) / ri_val if n > 2 else 0.0
    rows = []
    for i, j in _upper_pairs(n):
        resp = abs(math.log(a[i, j] * w[j] / w[i]))
        best_ok, best_any = None, None
        for s in SCALE:
            b = a.copy()
            b[i, j], b[j, i] = s, 1 / s
            cr = _cr(b, ri_val) if n > 2 else 0.0
            dist = abs(math.log(s / a[i, j]))
            if cr < threshold and (best_ok is None or dist < best_ok[2] - 1e-12):
                best_ok = (s, cr, dist)
            if best_any is None or cr < best_any[1] - 1e-12:
                best_any = (s, cr, dist)
        pick = best_ok or best_any
        rows.append({
            "row": m.labels[i], "column": m.labels[j], "responsibility": resp,
            "current": judgement_text(a[i, j]), "implied": float(w[i] / w[j]),
            "suggested": judgement_text(pick[0]), "suggested_value": float(pick[0]),
            "cr_before": float(cr0), "cr_after": float(pick[1]), "reaches_threshold": best_ok is not None,
        })
    sug = pd.DataFrame(rows).sort_values(["responsibility", "row", "column"], ascending=[False, True, True],
                                          ignore_index=True)
    ok = sug[sug["reaches_threshold"]]
    best, cr_best = None, float(cr0)
    if cr0 >= threshold and len(ok):
        # among single changes that work, prefer the most responsible judgement
        top = ok.iloc[0]
        best, cr_best = (top["row"], top["column"], top["suggested"]), float(top["cr_after"])
    seq = []
    cur = m
    if cr0 >= threshold:
        for _ in range(max_changes):
            s = _best_single(cur, ri_val)
            cur = cur.with_judgement(s[0], s[1], s[2])
            seq.append({"row": s[0], "column": s[1], "from": s[3], "to": judgement_text(s[2]), "cr_after": s[4]})
            if s[4] < threshold:
                break
    seq_df = pd.DataFrame(seq, columns=["row", "column", "from", "to", "cr_after"])
    return Revision(sug, intransitive_triads(m), float(cr0), threshold, best, cr_best, seq_df, m)


def aggregate_judgements(matrices: Mapping[str, Any] | Sequence[Any], *,
                         weights: Mapping[str, float] | Sequence[float] | None = None) -> PairwiseMatrix:
    """Aggregation of individual judgements (AIJ): element-wise weighted geometric mean.

    ``a_ij = Π_k a_ij^(k) ^ λ_k`` with expert weights ``λ_k`` summing to 1; the result is again
    reciprocal (Aczél & Saaty 1983; Forman & Peniwati 1998). A judgement missing for some experts
    is the weighted geometric mean of the experts who gave it.
    """
    items = _expert_items(matrices)
    lam = _expert_weights([k for k, _ in items], weights)
    logs = np.stack([np.log(x.values) for _, x in items])
    known = np.isfinite(logs)
    wts = np.where(known, lam[:, None, None], 0.0)
    tot = wts.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        agg = np.exp((np.where(known, logs, 0.0) * wts).sum(axis=0) / tot)
    agg[tot == 0] = np.nan
    return pairwise(agg, labels=items[0][1].labels)


def group(matrices: Mapping[str, Any] | Sequence[Any], *, weights: Mapping[str, float] | Sequence[float] | None = None,
          method: str = "eigen", ri: RIChoice = "saaty1980", threshold: float = 0.1, screen: bool = True) -> GroupResult:
    """Combine several experts' matrices.

    Each expert's CR is computed; with ``screen=True`` experts with CR ≥ ``threshold`` are left
    out of both aggregates (and listed in ``excluded``). ``aij``: priorities of the weighted
    geometric mean matrix. ``aip``: normalised weighted geometric mean of individual priorities
    (Forman & Peniwati 1998). ``dispersion``: mean, standard deviation, coefficient of variation,
    min and max of the individual weights per criterion (all experts).
    """
    _check_method(method)
    items = _expert_items(matrices)
    names = [k for k, _ in items]
    lam = _expert_weights(names, weights)
    res = {k: priorities(x, method=method, ri=ri, threshold=threshold) for k, x in items}
    labs = list(items[0][1].labels)
    experts = pd.DataFrame({k: r.weights for k, r in res.items()}, index=labs).T
    experts.insert(0, "CR", [res[k].cr for k in names])
    experts.insert(1, "consistent", [res[k].consistent for k in names])
    experts.insert(2, "expert_weight", lam)
    keep = [k for k in names if res[k].consistent] if screen else names
    if not keep:
        raise DomainError(
            f"every expert has CR ≥ {threshold:g} ({', '.join(f'{k}: {res[k].cr:.3f}' for k in names)}); "
            "revise the matrices (ahp.revise) or pass screen=False."
        )
    lam_keep = {k: lam[names.index(k)] for k in keep}
    agg = aggregate_judgements({k: dict(items)[k] for k in keep}, weights=lam_keep)
    aij = priorities(agg, method=method, ri=ri, threshold=threshold)
    wk = np.array([lam_keep[k] for k in keep])
    wk = wk / wk.sum()
    logw = np.stack([np.log(res[k].weights) for k in keep])
    g = np.exp((wk[:, None] * logw).sum(axis=0))
    aip = pd.Series(g / g.sum(), index=labs, name="AIP")
    ind = experts[labs]
    disp = pd.DataFrame({"mean": ind.mean(), "std": ind.std(ddof=0), "min": ind.min(), "max": ind.max()})
    disp["cv"] = disp["std"] / disp["mean"]
    excluded = tuple(k for k in names if k not in keep)
    return GroupResult(experts, aij, aip, disp, tuple(keep), excluded, method, threshold)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Completion(Result):
    """An incomplete matrix completed; ``filled`` lists the values put into the gaps."""

    matrix: PairwiseMatrix = field(repr=False)
    filled: pd.DataFrame = field(repr=False)
    method: str
    result: AHPResult = field(repr=False)
    title = "completed judgement matrix (补全的判断矩阵)"
    _conventions = ("method",)
    _columns = _RESULT_COLUMNS

    def to_frame(self) -> pd.DataFrame:
        return self.filled

    def interpret(self, lang: str = "en") -> list[str]:
        """How many gaps were filled and by which method, then the completed matrix's weights and CR."""
        check_lang(lang)
        n = len(self.filled)
        how = {"harker": "Harker 法", "llsm": "对数最小二乘法", "lambda_max": "最小化 λmax 的方法"}.get(self.method, self.method) if lang == "zh" \
            else {"harker": "Harker's method", "llsm": "logarithmic least squares",
                                    "lambda_max": "the values that minimise λmax"}.get(self.method, self.method)
        first = (f"用{how}补全了 {n} 个缺失的判断。" if lang == "zh"
                 else f"{n} missing judgement(s) were filled by {how}.")
        return [first, *self.result.interpret(lang)]


@dataclass(frozen=True)
class Revision(ParagraphResult):
    """Which judgements cause the inconsistency and what to change them to.

    ``suggestions``: one row per judgement, most responsible first, with the responsibility
    ``|ln(a_ij w_j / w_i)|``, the current value, the 1–9 scale value closest to the current
    one that brings CR under the threshold (if any single change can), the value implied by
    the weights (``w_i / w_j``), and CR before and after.
    """

    suggestions: pd.DataFrame = field(repr=False)
    triads: pd.DataFrame = field(repr=False)
    cr_before: float
    threshold: float
    best: tuple[str, str, str] | None
    cr_best: float
    sequence: pd.DataFrame = field(repr=False)
    matrix: PairwiseMatrix | None = field(repr=False, default=None)
    title = "AHP revision advisor (判断矩阵修正建议)"
    _conventions = ("threshold",)
    _columns = _RESULT_COLUMNS

    def to_frame(self) -> pd.DataFrame:
        return self.suggestions

    def repaired(self) -> PairwiseMatrix:
        """The matrix after the proposed change (``best``), or after the changes in ``sequence``
        when no single change suffices; the original when nothing needs changing."""
        m = self.matrix
        if self.best is not None:
            return m.with_judgement(*self.best)
        for r in self.sequence.itertuples(index=False):
            m = m.with_judgement(r.row, r.column, r.to)
        return m

    def _summary_text(self, lang: str = "en") -> str:
        check_lang(lang)
        zh = lang == "zh"
        if self.cr_before < self.threshold:
            return (f"CR = {self.cr_before:.4f} < {self.threshold:g}，无需修正。" if zh else
                    f"CR = {self.cr_before:.4f} is already below {self.threshold:g}; no revision is needed.")
        parts = []
        if self.best is not None:
            a, b, val = self.best
            cur = self.suggestions.iloc[0]
            row = self.suggestions[(self.suggestions["row"] == a) & (self.suggestions["column"] == b)].iloc[0]
            parts.append(
                f"最需要修正的判断是 ({a}, {b})：把 {row['current']} 改为 {val}，CR 从 {self.cr_before:.4f} 降到 {self.cr_best:.4f}。"
                if zh else
                f"Change judgement ({a}, {b}) from {row['current']} to {val}: CR falls from {self.cr_before:.4f} "
                f"to {self.cr_best:.4f}."
            )
            if (cur["row"], cur["column"]) != (a, b):
                parts.append(
                    f"（偏离最大的判断是 ({cur['row']}, {cur['column']})。）" if zh else
                    f"(The judgement furthest from the weights is ({cur['row']}, {cur['column']}).)"
                )
        else:
            last = float(self.sequence["cr_after"].iloc[-1])
            path = ("，然后 " if zh else ", then ").join(
                f"({r.row}, {r.column}) {r._2} → {r.to}" for r in self.sequence.itertuples(index=False))
            if zh:
                parts.append(f"没有任何单个判断的修改能使 CR < {self.threshold:g}；依次修改 {path}，CR = {last:.4f}"
                             + ("。" if last < self.threshold else "，仍未通过，应重新填写判断矩阵。"))
            else:
                parts.append(f"No single change brings CR below {self.threshold:g}; change {path}, giving "
                             f"CR = {last:.4f}" + ("." if last < self.threshold else
                                                   ", still too high: redo the matrix, starting with the cycles."))
        if len(self.triads):
            t = self.triads.iloc[0]
            parts.append(
                f"存在 {len(self.triads)} 个循环判断（如 {t['first']} > {t['second']} > {t['third']} > {t['first']}），"
                "应重新考虑其中一个判断的方向。" if zh else
                f"{len(self.triads)} intransitive triad{'s' if len(self.triads) > 1 else ''} (e.g. {t['first']} > "
                f"{t['second']} > {t['third']} > {t['first']}): reverse the direction of one judgement in each, "
                "not just its strength."
            )
        return " ".join(parts)


@dataclass(frozen=True)
class GroupResult(ParagraphResult):
    """Group AHP: per-expert CR screening, AIJ and AIP weights, dispersion per criterion."""

    experts: pd.DataFrame = field(repr=False)
    aij: AHPResult = field(repr=False)
    aip: pd.Series = field(repr=False)
    dispersion: pd.DataFrame = field(repr=False)
    included: tuple[str, ...]
    excluded: tuple[str, ...]
    method: str
    threshold: float
    title = "group AHP (群组决策)"
    _conventions = ("method", "threshold", "included", "excluded")
    _columns = _RESULT_COLUMNS

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"AIJ": self.aij.weights_dict(), "AIP": self.aip}).join(self.dispersion)

    def _summary_text(self, lang: str = "en") -> str:
        check_lang(lang)
        top = max(self.aij.weights_dict().items(), key=lambda kv: kv[1])
        disp = self.dispersion["cv"].idxmax()
        if lang == "zh":
            ex = f"剔除了 CR ≥ {self.threshold:g} 的专家 {', '.join(self.excluded)}；" if self.excluded else "所有专家均通过一致性检验；"
            return (f"{ex}综合 {len(self.included)} 位专家的判断，{top[0]} 权重最大（{top[1]:.3f}），"
                    f"分歧最大的是 {disp}（变异系数 {self.dispersion.loc[disp, 'cv']:.2f}）。")
        ex = (f"Experts {', '.join(self.excluded)} were screened out (CR ≥ {self.threshold:g}); " if self.excluded
              else "All experts passed the consistency screen; ")
        return (f"{ex}combining {len(self.included)} experts, {top[0]} has the largest weight ({top[1]:.3f}); "
                f"experts disagree most on {disp} (coefficient of variation {self.dispersion.loc[disp, 'cv']:.2f}).")


# --------------------------------------------------------------------------- private helpers
def _llsm_logweights(v: np.ndarray) -> np.ndarray:
    """Log-weights y (Σ y = 0) solving the normal equations L y = b of the LLSM problem."""
    n = v.shape[0]
    known = np.isfinite(v) & ~np.eye(n, dtype=bool)
    lap = np.diag(known.sum(axis=1)).astype(float) - known.astype(float)
    b = np.where(known, np.log(np.where(known, v, 1.0)), 0.0).sum(axis=1)
    # L is singular (constants are its null space when the graph is connected); Σ y = 0 fixes y
    return np.linalg.lstsq(np.vstack([lap, np.ones(n)]), np.append(b, 0.0), rcond=None)[0]


def _min_lambda(v: np.ndarray, start: np.ndarray) -> np.ndarray:
    from scipy.optimize import minimize

    gaps = [(i, j) for i, j in _upper_pairs(v.shape[0]) if not np.isfinite(v[i, j])]

    def build(x):
        a = start.copy()
        for (i, j), xi in zip(gaps, x):
            a[i, j], a[j, i] = math.exp(xi), math.exp(-xi)
        return a

    def f(x):
        a = build(x)
        vals, vecs = np.linalg.eig(a)
        k = int(np.argmax(vals.real))
        lam = vals[k].real
        w = np.abs(vecs[:, k].real)
        lv, lvecs = np.linalg.eig(a.T)
        u = np.abs(lvecs[:, int(np.argmax(lv.real))].real)
        g = np.array([(u[i] * w[j] * a[i, j] - u[j] * w[i] * a[j, i]) for i, j in gaps]) / (u @ w)
        return lam, g

    x0 = np.array([math.log(start[i, j]) for i, j in gaps])
    opt = minimize(f, x0, jac=True, method="L-BFGS-B", options={"ftol": 1e-14, "gtol": 1e-10})
    return build(opt.x)


def _filled(m: PairwiseMatrix, done: np.ndarray) -> pd.DataFrame:
    rows = [(m.labels[i], m.labels[j], float(done[i, j]), judgement_text(done[i, j]))
            for i, j in _upper_pairs(m.n) if not np.isfinite(m.values[i, j])]
    return pd.DataFrame(rows, columns=["row", "column", "value", "as_text"])


def _cr(a: np.ndarray, ri_val: float) -> float:
    n = a.shape[0]
    if n <= 2:
        return 0.0
    _, lam = _weights(a, "eigen")
    return (lam - n) / (n - 1) / ri_val


def _best_single(m: PairwiseMatrix, ri_val: float) -> tuple[str, str, float, str, float]:
    a = m.values
    best = None
    for i, j in _upper_pairs(m.n):
        for s in SCALE:
            b = a.copy()
            b[i, j], b[j, i] = s, 1 / s
            cr = _cr(b, ri_val)
            if best is None or cr < best[4] - 1e-12:
                best = (m.labels[i], m.labels[j], s, judgement_text(a[i, j]), cr)
    return best


def _expert_items(matrices: Mapping[str, Any] | Sequence[Any]) -> list[tuple[str, PairwiseMatrix]]:
    items = list(matrices.items()) if isinstance(matrices, Mapping) else [(f"expert {k + 1}", x) for k, x in enumerate(matrices)]
    if not items:
        raise DomainError("no expert matrices given; pass a dict {expert: matrix} with at least one entry.")
    out = [(str(k), pairwise(x)) for k, x in items]
    labs = out[0][1].labels
    for k, x in out[1:]:
        if x.labels != labs:
            raise DomainError(
                f"expert {k!r} compares {list(x.labels)} but expert {out[0][0]!r} compares {list(labs)}. "
                "Every expert must judge the same elements in the same order."
            )
    return out


def _expert_weights(names: list[str], weights: Mapping[str, float] | Sequence[float] | None) -> np.ndarray:
    if weights is None:
        return np.full(len(names), 1 / len(names))
    wv = np.array([weights[k] for k in names] if isinstance(weights, Mapping) else list(weights), dtype=float)
    if len(wv) != len(names) or (wv < 0).any() or wv.sum() <= 0:
        raise ParameterError(f"weights must be {len(names)} non-negative numbers, one per expert, not all zero.")
    return wv / wv.sum()
