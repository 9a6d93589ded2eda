"""Fuzzy methods of :mod:`crmcore.weights`: fuzzy comprehensive evaluation (模糊综合评价) and fuzzy AHP
(模糊层次分析法).

Fuzzy comprehensive evaluation: a weight vector ``A`` over the factors and a membership matrix ``R``
(factors × grades, ``r_ij`` = the share of raters who put factor ``i`` in grade ``j``) give the evaluation
vector ``B = A ∘ R``; the composition operator ``∘`` is one of

=================  ==========  ==============================  =========================
name               symbol      b_j                             Chinese name
=================  ==========  ==============================  =========================
weighted_average   M(·,+)      Σ_i a_i r_ij                    加权平均型
zadeh              M(∧,∨)      max_i min(a_i, r_ij)            主因素决定型
product_max        M(·,∨)      max_i a_i r_ij                  主因素突出型
min_bounded_sum    M(∧,⊕)      min(1, Σ_i min(a_i, r_ij))      取小上界和型
product_bounded_sum M(·,⊕)     min(1, Σ_i a_i r_ij)            乘积有界和型
=================  ==========  ==============================  =========================

Fuzzy AHP with triangular fuzzy numbers ``(l, m, u)``: Chang's (1996) extent analysis and Buckley's (1985)
fuzzy geometric mean; consistency is checked on the defuzzified matrix with :mod:`crmcore.ahp`.

References
----------
Zadeh, L. A. (1965). Fuzzy sets. *Information and Control* 8, 338–353.
Buckley, J. J. (1985). Fuzzy hierarchical analysis. *Fuzzy Sets and Systems* 17, 233–247.
Chang, D.-Y. (1996). Applications of the extent analysis method on fuzzy AHP. *EJOR* 95, 649–655.
Wang, Y.-M., Luo, Y., Hua, Z. (2008). On the extent analysis method for fuzzy AHP and its applications.
*EJOR* 186, 735–747 (the zero-weight weakness of extent analysis).
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.decision.weights_base import WeightsResult, as_weights
from crmcore.decision.weights_plots import plot_membership
from crmcore.decision.weights_text import (  # noqa: F401  (OPERATORS, TERMS re-exported: weights_fuzzy.X)
    OPERATOR_SYMBOLS, OPERATORS, TERMS, cap, label, tr)
from crmcore.errors import DomainError, ParameterError
from crmcore.labels import check_lang
from crmcore.results import Result

_SYMBOL_KEYS = {".+": "weighted_average", "^v": "zadeh", ".v": "product_max", "^o": "min_bounded_sum",
                ".o": "product_bounded_sum"}

#: Triangular fuzzy version of Saaty's 1–9 scale (k → (k − 1, k, k + 1); 1 → (1, 1, 1); 9 → (8, 9, 9)).
SCALE: dict[int, tuple[float, float, float]] = {1: (1, 1, 1), 2: (1, 2, 3), 3: (2, 3, 4), 4: (3, 4, 5),
                                                 5: (4, 5, 6), 6: (5, 6, 7), 7: (6, 7, 8), 8: (7, 8, 9),
                                                 9: (8, 9, 9)}

_TERM_LOOKUP = {v[lang].lower(): k for k, v in TERMS.items() for lang in ("en", "zh")}
_TERM_LOOKUP.update({"equal": 1, "moderate": 3, "strong": 5, "very strong": 7, "extreme": 9})


def operator_name(operator: str) -> str:
    """The canonical operator name for a name, a symbol (``"M(·,+)"``, ``"M(^,v)"``) or a Chinese name."""
    s = str(operator).strip()
    if s in OPERATORS:
        return s
    for k, v in OPERATORS.items():
        if s in (v["zh"], v["zh"].split(" ")[0]):
            return k
    t = s.replace(" ", "").lower()
    t = t.replace("(+)", "o").replace("⊕", "o").replace("∧", "^").replace("∨", "v").replace("·", ".")
    t = t.replace("*", ".").replace("min", "^").replace("max", "v")
    m = re.fullmatch(r"m\((.),(.)\)", t)
    if m and (m.group(1) + m.group(2)) in _SYMBOL_KEYS:
        return _SYMBOL_KEYS[m.group(1) + m.group(2)]
    raise ParameterError(f"operator={operator!r} is unknown; use one of {', '.join(OPERATORS)} "
                         f"or a symbol such as {', '.join(OPERATOR_SYMBOLS.values())}.")


def membership_from_counts(table: Any, *, grades: Sequence[str] | None = None) -> pd.DataFrame:
    """Membership matrix R from survey counts: ``r_ij = n_ij / Σ_j n_ij`` (factors × grades).

    ``table``: counts per factor (rows) and grade (columns), e.g. how many of 20 raters judged each
    factor "good". Each row is divided by its own total, so factors answered by different numbers of
    raters are still comparable (the totals are kept in ``R.attrs["raters"]``).
    """
    df = pd.DataFrame(table).copy()
    if grades is not None:
        if len(grades) != df.shape[1]:
            raise ParameterError(f"grades has {len(grades)} names but the table has {df.shape[1]} grade columns "
                                 f"({', '.join(map(str, df.columns))}).")
        df.columns = list(grades)
    num = df.apply(pd.to_numeric, errors="coerce").astype(float)
    for (i, j), v in np.ndenumerate(num.to_numpy()):
        if not np.isfinite(v):
            raise DomainError(f"membership_from_counts: cell (factor {df.index[i]!r}, grade {df.columns[j]!r}) is "
                              f"{df.iat[i, j]!r}, not a count. Give every cell a count (0 when nobody chose it).")
        if v < 0:
            raise DomainError(f"membership_from_counts: cell (factor {df.index[i]!r}, grade {df.columns[j]!r}) is "
                              f"{v:g}, a negative count. Counts are ≥ 0.")
    tot = num.sum(axis=1)
    if (tot <= 0).any():
        k = tot.index[(tot <= 0).to_numpy()][0]
        raise DomainError(f"membership_from_counts: factor {k!r} has no answers (row total 0). Drop the row or add counts.")
    out = num.div(tot, axis=0)
    out.attrs["raters"] = {str(k): float(v) for k, v in tot.items()}
    return out


def fuzzy_evaluation(weights: Any, membership: Any, *, operator: str = "weighted_average",
                     grades: Sequence[str] | None = None, grade_scores: Any = None, row_sums: str = "normalise",
                     alpha_limit: float = 0.5, names: Mapping[str, Mapping[str, str]] | None = None) -> FuzzyEvaluation:
    """Fuzzy comprehensive evaluation ``B = A ∘ R`` (模糊综合评价), one level or several.

    ``weights``: the factor weights (dict, Series, list, or any weights result incl. ``ahp.AHPResult``),
    summing to 1. ``membership``: R as factors × grades (DataFrame or nested list, rows summing to 1:
    see :func:`membership_from_counts`), **or** for a multi-level evaluation a mapping
    ``{factor: FuzzyEvaluation | (sub_weights, sub_R)}`` whose normalised B vectors become the rows of
    the upper level's R (sub-factors → factors → goal). ``operator``: see the module table; symbols
    and Chinese names are accepted. ``grade_scores``: one score per grade for the weighted score
    (default m, m − 1, …, 1: the first grade is the best). ``row_sums``: ``"normalise"`` (divide a row
    that does not sum to 1 by its sum, with a warning) or ``"refuse"`` (raise).
    """
    op = operator_name(operator)
    sub: dict[str, FuzzyEvaluation] = {}
    if isinstance(membership, Mapping):
        rows = {}
        for k, v in membership.items():
            if isinstance(v, FuzzyEvaluation):
                ev = v
            elif isinstance(v, (tuple, list)) and len(v) == 2:
                ev = fuzzy_evaluation(v[0], v[1], operator=op, grades=grades, grade_scores=grade_scores,
                                      row_sums=row_sums, alpha_limit=alpha_limit, names=names)
            else:
                raise ParameterError(f"membership[{k!r}] must be a FuzzyEvaluation or a (weights, R) pair for a "
                                     f"multi-level evaluation (got {type(v).__name__}).")
            sub[str(k)] = ev
            rows[str(k)] = ev.normalised
        first = list(rows.values())[0].index
        for k, r in rows.items():
            if list(r.index) != list(first):
                raise ParameterError(f"sub-evaluation {k!r} has grades {list(r.index)}, the others {list(first)}; "
                                     "every level must use the same grades.")
        membership = pd.DataFrame(rows).T
    r, warn = _membership(membership, grades, row_sums)
    w = as_weights(weights, what="weights")
    if list(w.index) == [f"u{i + 1}" for i in range(len(w))] and len(w) == len(r):
        w.index = list(r.index)
    missing = [k for k in r.index if k not in w.index]
    extra = [k for k in w.index if k not in r.index]
    if missing or extra:
        raise ParameterError(f"weights and membership name different factors: no weight for {missing or 'none'}, "
                             f"weights for unknown {extra or 'none'}. Factors of R: {', '.join(r.index)}.")
    w = w.reindex(r.index)
    grades_l = [str(c) for c in r.columns]
    b = _compose(w.to_numpy(), r.to_numpy(), op)
    vec = pd.Series(b, index=grades_l, name="B")
    if vec.sum() <= 0:
        raise DomainError("the evaluation vector B is all zero; check the weights and memberships.")
    nb = vec / vec.sum()
    gs = _as_grade_scores(grade_scores, grades_l)
    j = int(np.argmax(nb.to_numpy()))
    tie = int((np.abs(nb.to_numpy() - nb.iloc[j]) < 1e-9).sum()) > 1
    score = float((nb * gs).sum())
    score_grade = str((gs - score).abs().idxmin())
    m = len(nb)
    srt = np.sort(nb.to_numpy())[::-1]
    beta, gamma = srt[0], (srt[1] if m > 1 else 0.0)
    alpha = float("inf") if gamma <= 0 else float((m * beta - 1) / (2 * gamma * (m - 1)))
    if grades_l[j] != score_grade and not tie:
        warn.append(f"maximum membership gives {grades_l[j]!r}, the weighted score {score_grade!r}.")
        warnings.warn(warn[-1], stacklevel=2)
    elif not tie and alpha < alpha_limit:
        warn.append(f"maximum membership is unreliable (alpha = {alpha:.2f} < {alpha_limit}).")
        warnings.warn(warn[-1], stacklevel=2)
    return FuzzyEvaluation(weights=w, membership=r, operator=op, vector=vec, normalised=nb, grade=grades_l[j],
                           grade_index=j, grade_scores=gs, score=score, score_grade=score_grade, alpha=alpha,
                           tie=tie, warnings=tuple(warn), sub=sub, names=names, alpha_limit=alpha_limit)


def scale_table(lang: str = "en") -> pd.DataFrame:
    """The linguistic scale as a table: judgement, term, (l, m, u)."""
    check_lang(lang)
    rows = [{"k": k, "term": TERMS[k][lang] if k in TERMS else tr("intermediate", lang),
             "l": v[0], "m": v[1], "u": v[2]} for k, v in SCALE.items()]
    df = pd.DataFrame(rows)
    df.columns = [tr("saaty_value", lang), tr("meaning", lang),
                  tr("lower", lang), tr("middle", lang), tr("upper", lang)]
    return df


def fuzzy_ahp(matrix: Any, *, method: str = "chang", labels: Sequence[str] | None = None,
              defuzzify: str = "centroid", names: Mapping[str, Mapping[str, str]] | None = None,
              ri: str = "saaty1980", threshold: float = 0.1) -> FuzzyAHPResult:
    """Fuzzy AHP weights (模糊层次分析法) from triangular fuzzy judgements ``(l, m, u)``.

    ``matrix``: n × n cells, each a triangle ``(l, m, u)``, a Saaty value 1–9 or ``"1/k"`` (taken from
    :data:`SCALE`), a linguistic term of :data:`TERMS` (en or zh, ``"1/strong"`` for the reverse), or
    None below the diagonal (filled as ``(1/u, 1/m, 1/l)``); or a pairs dict ``{(a, b): judgement}``.

    ``method="chang"`` (Chang 1996): ``S_i = Σ_j M_ij ⊗ (Σ_i Σ_j M_ij)^−1``, ``d_i = min_k V(S_i ≥ S_k)``,
    ``w = d / Σ d`` — may give exact zeros (reported). ``method="buckley"`` (Buckley 1985):
    ``r_i = (Π_j M_ij)^(1/n)``, ``w̃_i = r_i ⊗ (Σ r)^−1``, defuzzified by the centroid ``(l + m + u)/3``
    (or ``"graded_mean"`` ``(l + 4m + u)/6``) and normalised.
    """
    from crmcore.decision import ahp

    if method not in ("chang", "buckley"):
        raise ParameterError(f"method={method!r} is unknown; use 'chang' (extent analysis) or 'buckley' (geometric mean).")
    if defuzzify not in ("centroid", "graded_mean"):
        raise ParameterError(f"defuzzify={defuzzify!r} is unknown; use 'centroid' or 'graded_mean'.")
    m, labs = _fuzzy_matrix(matrix, labels)
    n = len(labs)

    def crisp(t: np.ndarray) -> np.ndarray:
        return t.mean(axis=-1) if defuzzify == "centroid" else (t[..., 0] + 4 * t[..., 1] + t[..., 2]) / 6

    poss = None
    zeros: tuple[str, ...] = ()
    if method == "chang":
        row = m.sum(axis=1)                                   # Σ_j M_ij, n × 3
        tot = row.sum(axis=0)                                 # Σ_i Σ_j M_ij
        s = np.column_stack([row[:, 0] / tot[2], row[:, 1] / tot[1], row[:, 2] / tot[0]])
        v = np.array([[1.0 if i == k else _possibility(s[i], s[k]) for k in range(n)] for i in range(n)])
        d = v.min(axis=1)
        w = d / d.sum()
        poss = pd.DataFrame(v, index=labs, columns=labs)
        zeros = tuple(labs[i] for i in range(n) if w[i] <= 1e-12)
        table = pd.DataFrame({"l": s[:, 0], "m": s[:, 1], "u": s[:, 2], "d": d, "weight": w}, index=labs)
    else:
        r = np.prod(m, axis=1) ** (1 / n)                     # fuzzy geometric mean per row
        tot = r.sum(axis=0)
        wf = np.column_stack([r[:, 0] / tot[2], r[:, 1] / tot[1], r[:, 2] / tot[0]])
        c = crisp(wf)
        w = c / c.sum()
        table = pd.DataFrame({"l": wf[:, 0], "m": wf[:, 1], "u": wf[:, 2], "crisp": c, "weight": w}, index=labs)
    upper = [[float(crisp(m[i, j])) for j in range(i + 1, n)] for i in range(n - 1)]
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            a[i, j] = upper[i][j - i - 1]
            a[j, i] = 1 / a[i, j]
    cons = ahp.priorities(ahp.pairwise(a.tolist(), labels=labs), method="eigen", ri=ri)
    if threshold != 0.1:
        import dataclasses

        cons = dataclasses.replace(cons, threshold=threshold)
    if zeros:
        warnings.warn(f"extent analysis gives {', '.join(zeros)} a weight of 0 (a known weakness of the method; "
                      "compare method='buckley').", stacklevel=2)
    ws = pd.Series(w, index=labs, name="weight")
    return FuzzyAHPResult(labels=tuple(labs), weights=ws, method=method, table=table, matrix=m, possibility=poss,
                          zero_weights=zeros, consistency=cons, defuzzify=defuzzify, names=names)


def read_fuzzy(source: Any) -> tuple[dict[tuple[str, str], Any], list[str]]:
    """Fuzzy judgements from a YAML file or dict with ``labels`` and ``pairs: [[a, b, judgement], ...]``;
    returns ``(pairs, labels)`` for :func:`fuzzy_ahp`."""
    spec = _read_yaml(source)
    if "pairs" not in spec:
        raise ParameterError("a fuzzy judgement file needs 'pairs: [[a, b, judgement], ...]' (and 'labels').")
    pairs = {}
    for k, row in enumerate(spec["pairs"]):
        if not isinstance(row, (list, tuple)) or len(row) != 3:
            raise DomainError(f"pairs[{k}] is {row!r}; write [first, second, judgement].")
        pairs[(str(row[0]), str(row[1]))] = row[2]
    labels = [str(x) for x in spec.get("labels", [])] or None
    return pairs, labels or list(dict.fromkeys(x for p in pairs for x in p))


def survey_evaluation(source: Any, *, operator: str = "weighted_average", row_sums: str = "normalise",
                      alpha_limit: float = 0.5) -> SurveyEvaluation:
    """Two-level fuzzy comprehensive evaluation of a survey file (see ``data/weights_satisfaction.yaml``):
    ``grades`` (best first, en/zh names), ``grade_scores``, ``groups`` → ``weight``, ``name``, ``factors`` →
    ``weight``, ``name``, ``counts`` (raters per grade). R comes from :func:`membership_from_counts`."""
    spec = _read_yaml(source)
    for key in ("grades", "groups"):
        if key not in spec:
            raise ParameterError(f"survey file has no {key!r} section; see data/weights_satisfaction.yaml.")
    grades = [str(g) for g in spec["grades"]]
    names: dict[str, dict[str, str]] = {}
    for g, nm in spec["grades"].items():
        if isinstance(nm, Mapping):
            names[str(g)] = {"en": str(nm["en"]), "zh": str(nm["zh"])}
    gw, groups, counts_rows = {}, {}, {}
    for gname, g in spec["groups"].items():
        gname = str(gname)
        if isinstance(g.get("name"), Mapping):
            names[gname] = {"en": g["name"]["en"], "zh": g["name"]["zh"]}
        gw[gname] = g.get("weight")
        counts = {}
        fw = {}
        for fname, f in g["factors"].items():
            fname = str(fname)
            if isinstance(f.get("name"), Mapping):
                names[fname] = {"en": f["name"]["en"], "zh": f["name"]["zh"]}
            if len(f["counts"]) != len(grades):
                raise DomainError(f"survey: factor {fname!r} has {len(f['counts'])} counts for {len(grades)} grades.")
            counts[fname] = list(f["counts"])
            fw[fname] = f.get("weight")
            counts_rows[fname] = list(f["counts"])
        r = membership_from_counts(pd.DataFrame(counts, index=grades).T)
        with warnings.catch_warnings():   # each group's caveats are in its own sentences and warnings
            warnings.simplefilter("ignore")
            groups[gname] = fuzzy_evaluation(fw, r, operator=operator, grade_scores=spec.get("grade_scores"),
                                             row_sums=row_sums, alpha_limit=alpha_limit, names=names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        goal = fuzzy_evaluation(gw, groups, operator=operator, grade_scores=spec.get("grade_scores"),
                                row_sums=row_sums, alpha_limit=alpha_limit, names=names)
    for w in goal.warnings:
        warnings.warn("survey (overall): " + w, stacklevel=2)
    return SurveyEvaluation(goal=goal, groups=groups, counts=pd.DataFrame(counts_rows, index=grades).T, names=names)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class FuzzyEvaluation(Result):
    """B = A ∘ R and the two conclusions drawn from it.

    ``vector`` is B as composed; ``normalised`` is B / ΣB; ``grade`` the grade by maximum membership,
    ``score`` the weighted score Σ b'_j s_j over the grade scores and ``score_grade`` the grade whose score
    is nearest; ``alpha`` the effectiveness index of the maximum-membership principle
    ``α = (mβ − 1) / (2γ(m − 1))`` (β, γ: largest and second-largest b'_j, m grades; ∞ when γ = 0).
    """

    weights: pd.Series
    membership: pd.DataFrame
    operator: str
    vector: pd.Series
    normalised: pd.Series
    grade: str
    grade_index: int
    grade_scores: pd.Series
    score: float
    score_grade: str
    alpha: float
    tie: bool
    warnings: tuple[str, ...] = ()
    sub: Mapping[str, "FuzzyEvaluation"] = field(default_factory=dict)
    names: Mapping[str, Mapping[str, str]] | None = None
    alpha_limit: float = 0.5
    title = "Fuzzy comprehensive evaluation (模糊综合评价)"
    _conventions = ("operator", "alpha_limit")

    def conventions(self) -> dict[str, Any]:
        return {"operator": self.operator, "symbol": OPERATOR_SYMBOLS[self.operator],
                "grade_scores": {str(k): float(v) for k, v in self.grade_scores.items()},
                "grade_order": "as given (the scores say which end is better)",
                "alpha_limit": self.alpha_limit, "levels": 2 if self.sub else 1}

    @property
    def agree(self) -> bool:
        """True when maximum membership and the weighted score name the same grade."""
        return self.grade == self.score_grade

    @property
    def reliable(self) -> bool:
        """Maximum membership is usable: no tie and α ≥ ``alpha_limit``."""
        return (not self.tie) and self.alpha >= self.alpha_limit

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        out = pd.DataFrame({tr("membership", lang): self.vector.to_numpy(),
                            tr("membership_norm", lang): self.normalised.to_numpy(),
                            tr("grade_score", lang): self.grade_scores.to_numpy()},
                           index=[label(g, lang, self.names) for g in self.vector.index])
        out.index.name = tr("grade", lang)
        return out

    def plot(self, ax=None, lang: str = "en", title: str | None = None):
        return plot_membership(self.normalised, self.grade, ax=ax, lang=lang, title=title, names=self.names)

    def interpret(self, lang: str = "en") -> list[str]:
        check_lang(lang)
        g = label(self.grade, lang, self.names)
        sg = label(self.score_grade, lang, self.names)
        b = self.normalised[self.grade]
        op = OPERATORS[self.operator][lang]
        out = []
        if self.tie:
            tied = [label(k, lang, self.names) for k, v in self.normalised.items() if abs(v - b) < 1e-9]
            out.append({"en": f"By maximum membership ({op}) there is no single answer: grades "
                              f"{', '.join(tied)} share the largest membership ({b:.1%}).",
                        "zh": f"按最大隶属度原则（{op}）得不出唯一结论：{'、'.join(tied)}的隶属度并列最大（{b:.1%}）。"}[lang])
        else:
            out.append({"en": f"By maximum membership ({op}) the evaluation is “{g}” ({b:.1%} of the normalised "
                              "membership).",
                        "zh": f"按最大隶属度原则（{op}），评价结论为“{g}”（归一化隶属度 {b:.1%}）。"}[lang])
        scores = ", ".join(f"{label(k, lang, self.names)} = {v:g}" for k, v in self.grade_scores.items())
        out.append({"en": f"The weighted score over the grades is {self.score:.2f} ({scores}), nearest to “{sg}”.",
                    "zh": f"按等级分值（{scores.replace(', ', '，')}）加权，综合得分为 {self.score:.2f}，最接近“{sg}”。"}[lang])
        if not self.agree:
            out.append({"en": f"The two conclusions differ: maximum membership picks “{g}” but the weighted score "
                              f"points to “{sg}”. Maximum membership looks at one grade only and ignores how the rest "
                              "of the membership is spread over better and worse grades; report the weighted score.",
                        "zh": f"两种结论不一致：最大隶属度选“{g}”，加权得分却指向“{sg}”。最大隶属度原则只看一个等级，"
                              "忽略了其余隶属度在较好和较差等级上的分布，报告中应以加权得分为准。"}[lang])
        elif not self.tie:
            out.append({"en": f"Both conclusions agree on “{g}”.", "zh": f"两种结论一致，均为“{g}”。"}[lang])
        if not self.tie and self.alpha < self.alpha_limit:
            out.append({"en": f"Maximum membership is unreliable here: its effectiveness index α = {self.alpha:.2f} is "
                              f"below {self.alpha_limit:.1f} because the largest membership ({b:.1%}) hardly stands out "
                              "from the next one.",
                        "zh": f"此处最大隶属度原则的有效性偏低：有效度 α = {self.alpha:.2f}，低于 {self.alpha_limit:.1f}，"
                              f"最大隶属度（{b:.1%}）与次大隶属度相差不大。"}[lang])
        if self.operator in ("zadeh", "product_max", "min_bounded_sum"):
            top = self.weights.idxmax()
            out.append({"en": f"With {op} a single term decides each b_j (or small weights are capped), so most "
                              f"factors barely move B; the weighted average M(·,+) uses every factor in proportion "
                              f"to its weight (largest weight here: {label(top, lang, self.names)}, "
                              f"{self.weights[top]:.2f}).",
                        "zh": f"采用{op}时，每个 b_j 只由单一项决定（或权重被截断），多数因素几乎不影响结果；加权平均型 "
                              f"M(·,+) 则按权重使用全部因素（本例最大权重为{label(top, lang, self.names)}，"
                              f"{self.weights[top]:.2f}）。"}[lang])
        return cap(out, lang)


@dataclass(frozen=True)
class FuzzyAHPResult(WeightsResult):
    """Weights from a triangular fuzzy judgement matrix and how they were computed."""

    labels: tuple[str, ...]
    weights: pd.Series
    method: str
    table: pd.DataFrame
    matrix: np.ndarray = field(repr=False)
    possibility: pd.DataFrame | None
    zero_weights: tuple[str, ...]
    consistency: Any
    defuzzify: str
    names: Mapping[str, Mapping[str, str]] | None = None
    title = "Fuzzy AHP (模糊层次分析法)"
    _conventions = ("method", "defuzzify")
    _plot_title = "t_fahp"

    def conventions(self) -> dict[str, Any]:
        return {"method": self.method, "defuzzify": self.defuzzify, "scale": "Saaty 1–9 as (k−1, k, k+1)",
                "consistency": "CR of the centroid-defuzzified matrix (reciprocal lower triangle), eigenvector, "
                               f"RI {self.consistency.ri_table}"}

    @property
    def cr(self) -> float:
        return float(self.consistency.cr)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        t = self.table.copy()
        cols = {"l": tr("lower", lang), "m": tr("middle", lang), "u": tr("upper", lang),
                "d": tr("possibility", lang), "crisp": tr("crisp", lang), "weight": tr("weight", lang)}
        t = t.rename(columns=cols)
        t.index = [self._name(k, lang) for k in t.index]
        t.index.name = tr("criterion", lang)
        return t

    def interpret(self, lang: str = "en") -> list[str]:
        check_lang(lang)
        w = self.weights
        top, low = w.idxmax(), w.idxmin()
        meth = tr(self.method, lang)
        out = [{"en": f"Fuzzy AHP ({meth}) puts {self._name(top, lang)} first ({w[top]:.3f}) and "
                      f"{self._name(low, lang)} last ({w[low]:.3f}).",
                "zh": f"模糊层次分析法（{meth}）中，{self._name(top, lang)}权重最大（{w[top]:.3f}），"
                      f"{self._name(low, lang)}最小（{w[low]:.3f}）。"}[lang]]
        if self.zero_weights:
            z = [self._name(k, lang) for k in self.zero_weights]
            out.append({"en": f"Extent analysis gives {', '.join(z)} a weight of 0 although every judgement about "
                              f"{'it' if len(z) == 1 else 'them'} is positive: its synthetic extent lies wholly below "
                              "another criterion's, so the degree of possibility is 0. This is the method's known "
                              "weakness (Wang, Luo & Hua 2008) — a 0 here is not a finding about importance; use "
                              "Buckley's method for the weights.",
                        "zh": f"范围分析法给{'、'.join(z)}的权重为 0，尽管对它的每个判断都是正数：它的综合程度值完全落在另一"
                              "指标之下，可能度为 0。这是该方法已知的缺陷（Wang, Luo & Hua 2008）——这里的 0 不代表该指标"
                              "不重要，权重应改用 Buckley 法计算。"}[lang])
        cr = self.cr
        if np.isnan(cr):
            out.append({"en": "The consistency ratio is not available for this size (no random index).",
                        "zh": "该阶数没有随机一致性指标，无法计算一致性比率。"}[lang])
        elif cr < self.consistency.threshold:
            out.append({"en": f"The defuzzified judgements are consistent (CR = {cr:.3f} < "
                              f"{self.consistency.threshold:.2f}).",
                        "zh": f"去模糊后的判断矩阵通过一致性检验（CR = {cr:.3f} < {self.consistency.threshold:.2f}）。"}[lang])
        else:
            out.append({"en": f"The defuzzified judgements are inconsistent (CR = {cr:.3f} ≥ "
                              f"{self.consistency.threshold:.2f}): revise them before using these weights — making "
                              "judgements fuzzy does not repair inconsistent ones.",
                        "zh": f"去模糊后的判断矩阵未通过一致性检验（CR = {cr:.3f} ≥ {self.consistency.threshold:.2f}），"
                              "应先修正判断再使用这些权重——把判断模糊化并不能消除判断之间的矛盾。"}[lang])
        return cap(out, lang)


@dataclass(frozen=True)
class SurveyEvaluation(Result):
    """A two-level survey evaluation: one :class:`FuzzyEvaluation` per group and one for the goal."""

    goal: FuzzyEvaluation
    groups: Mapping[str, FuzzyEvaluation]
    counts: pd.DataFrame
    names: Mapping[str, Mapping[str, str]]
    title = "Customer-satisfaction fuzzy evaluation (客户满意度模糊综合评价)"

    def conventions(self) -> dict[str, Any]:
        return self.goal.conventions()

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """Rows: each group and the overall result; columns: normalised membership per grade, score, grade."""
        check_lang(lang)
        rows = {**{g: ev for g, ev in self.groups.items()}, "__overall__": self.goal}
        out = []
        for g, ev in rows.items():
            r = {label(k, lang, self.names): v for k, v in ev.normalised.items()}
            r[tr("score", lang)] = ev.score
            r[tr("by_max", lang)] = label(ev.grade, lang, self.names)
            r[tr("by_weighted", lang)] = label(ev.score_grade, lang, self.names)
            out.append(r)
        idx = [label(g, lang, self.names) for g in self.groups] + [tr("overall", lang)]
        df = pd.DataFrame(out, index=idx)
        df.index.name = tr("factor", lang)
        return df

    def plot(self, ax=None, lang: str = "en", title: str | None = None):
        return self.goal.plot(ax=ax, lang=lang, title=title or tr("t_survey", lang))

    def interpret(self, lang: str = "en") -> list[str]:
        check_lang(lang)
        out = list(self.goal.interpret(lang))
        worst = min(self.groups, key=lambda g: self.groups[g].score)
        best = max(self.groups, key=lambda g: self.groups[g].score)
        ev = self.groups[worst]
        out.append({"en": f"Weakest factor: {label(worst, lang, self.names)} (score {ev.score:.1f} against "
                          f"{self.groups[best].score:.1f} for {label(best, lang, self.names)}).",
                    "zh": f"得分最低的因素是{label(worst, lang, self.names)}（{ev.score:.1f} 分；最高的"
                          f"{label(best, lang, self.names)}为 {self.groups[best].score:.1f} 分）。"}[lang])
        sub = ev.membership.mul(ev.grade_scores, axis=1).sum(axis=1)
        k = sub.idxmin()
        out.append({"en": f"Within it, {label(k, lang, self.names)} scores lowest ({sub[k]:.1f}): start there.",
                    "zh": f"其中{label(k, lang, self.names)}得分最低（{sub[k]:.1f} 分），应优先改进。"}[lang])
        return cap(out, lang)


# --------------------------------------------------------------------------- private helpers
def _compose(a: np.ndarray, r: np.ndarray, op: str) -> np.ndarray:
    a = a[:, None]
    if op == "weighted_average":
        return (a * r).sum(axis=0)
    if op == "zadeh":
        return np.minimum(a, r).max(axis=0)
    if op == "product_max":
        return (a * r).max(axis=0)
    if op == "min_bounded_sum":
        return np.minimum(1.0, np.minimum(a, r).sum(axis=0))
    return np.minimum(1.0, (a * r).sum(axis=0))


def _membership(membership: Any, grades: Sequence[str] | None, row_sums: str) -> tuple[pd.DataFrame, list[str]]:
    warn: list[str] = []
    df = pd.DataFrame(membership).copy()
    if not isinstance(membership, pd.DataFrame):
        df.index = [f"u{i + 1}" for i in range(len(df))]
        df.columns = [f"v{j + 1}" for j in range(df.shape[1])]
    if grades is not None:
        if len(grades) != df.shape[1]:
            raise ParameterError(f"grades has {len(grades)} names but the membership matrix has {df.shape[1]} "
                                 f"columns ({', '.join(map(str, df.columns))}).")
        df.columns = list(grades)
    df.index = [str(i) for i in df.index]
    num = df.apply(pd.to_numeric, errors="coerce").astype(float)
    for (i, j), v in np.ndenumerate(num.to_numpy()):
        where = f"cell (factor {df.index[i]!r}, grade {df.columns[j]!r})"
        if not np.isfinite(v):
            raise DomainError(f"membership: {where} is {df.iat[i, j]!r}, not a number. Give a membership in [0, 1].")
        if v < 0:
            raise DomainError(f"membership: {where} is {v:g}, which is negative. Memberships lie in [0, 1].")
        if v > 1:
            raise DomainError(f"membership: {where} is {v:g}, above 1. If these are survey counts, "
                              "build R with weights.membership_from_counts(table).")
    sums = num.sum(axis=1)
    off = sums[(sums - 1).abs() > 1e-6]
    if len(off):
        k = off.index[0]
        if (sums <= 0).any():
            z = sums.index[(sums <= 0).to_numpy()][0]
            raise DomainError(f"membership: row of factor {z!r} is all zero. Give it memberships summing to 1.")
        if row_sums == "refuse":
            raise DomainError(f"membership: the row of factor {k!r} sums to {off[k]:.4g}, not 1 "
                              f"({len(off)} of {len(sums)} rows). Fix the row or pass row_sums='normalise'.")
        if row_sums != "normalise":
            raise ParameterError(f"row_sums={row_sums!r} is unknown; use 'normalise' or 'refuse'.")
        warn.append(f"rows normalised: {len(off)} of {len(sums)} membership rows did not sum to 1 "
                    f"(e.g. factor {k!r}: {off[k]:.4g}).")
        warnings.warn(warn[-1], stacklevel=3)
        num = num.div(sums, axis=0)
    return num, warn


def _as_grade_scores(grade_scores: Any, grades: list[str]) -> pd.Series:
    m = len(grades)
    if grade_scores is None:
        return pd.Series(np.arange(m, 0, -1, dtype=float), index=grades)
    if isinstance(grade_scores, Mapping):
        missing = [g for g in grades if g not in grade_scores]
        if missing:
            raise ParameterError(f"grade_scores has no score for grade(s) {missing}; give one per grade: {grades}.")
        s = pd.Series({g: float(grade_scores[g]) for g in grades})
    else:
        vals = list(grade_scores)
        if len(vals) != m:
            raise ParameterError(f"grade_scores has {len(vals)} values but there are {m} grades ({', '.join(grades)}).")
        s = pd.Series([float(v) for v in vals], index=grades)
    if not np.isfinite(s.to_numpy()).all():
        raise ParameterError("grade_scores must be finite numbers.")
    return s


def _tfn(v: Any, where: str) -> tuple[float, float, float] | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (tuple, list, np.ndarray)):
        if len(v) != 3:
            raise DomainError(f"fuzzy judgement at {where} is {v!r}: give a triangle (l, m, u).")
        try:
            t = tuple(float(x) for x in v)
        except (TypeError, ValueError):
            raise DomainError(f"fuzzy judgement at {where} is {v!r}: l, m, u must be numbers.") from None
        if not all(np.isfinite(t)) or t[0] <= 0:
            raise DomainError(f"fuzzy judgement at {where} is {v!r}: l, m, u must be positive numbers.")
        if not (t[0] <= t[1] <= t[2]):
            raise DomainError(f"fuzzy judgement at {where} is (l, m, u) = {t}: it needs l ≤ m ≤ u "
                              f"({'l > m' if t[0] > t[1] else 'm > u'}). Reorder the three numbers.")
        return t  # type: ignore[return-value]
    s = str(v).strip()
    inv = False
    if s.startswith("1/") and s[2:].strip().lower() in _TERM_LOOKUP:
        inv, s = True, s[2:].strip()
    if s.lower() in _TERM_LOOKUP:
        t = SCALE[_TERM_LOOKUP[s.lower()]]
        return (1 / t[2], 1 / t[1], 1 / t[0]) if inv else t
    try:
        x = float(s.split("/")[0]) / float(s.split("/")[1]) if "/" in s else float(s)
    except (ValueError, ZeroDivisionError):
        raise DomainError(f"fuzzy judgement at {where} is {v!r}: use (l, m, u), a Saaty value 1–9 (or 1/k) or a term "
                          f"such as {', '.join(repr(TERMS[k]['en']) for k in (3, 5))}.") from None
    if x <= 0:
        raise DomainError(f"fuzzy judgement at {where} is {v!r}: judgements must be positive.")
    k = round(x)
    if abs(x - k) < 1e-9 and k in SCALE:
        return SCALE[k]
    k = round(1 / x)
    if abs(1 / x - k) < 1e-6 and k in SCALE:
        t = SCALE[k]
        return (1 / t[2], 1 / t[1], 1 / t[0])
    return (x, x, x)


def _fuzzy_matrix(matrix: Any, labels: Sequence[str] | None) -> tuple[np.ndarray, list[str]]:
    if isinstance(matrix, Mapping):
        labs = list(labels) if labels else list(dict.fromkeys(str(x) for pair in matrix for x in pair))
        n = len(labs)
        cells: list[list[Any]] = [[None] * n for _ in range(n)]
        for (a, b), v in matrix.items():
            if str(a) not in labs or str(b) not in labs:
                raise ParameterError(f"judgement ({a!r}, {b!r}) names an element not in labels {labs}.")
            cells[labs.index(str(a))][labs.index(str(b))] = v
    else:
        if isinstance(matrix, pd.DataFrame):
            labs = [str(c) for c in matrix.columns]
            cells = matrix.to_numpy(dtype=object).tolist()
        else:
            cells = [list(r) for r in matrix]
            labs = list(labels) if labels else [f"c{i + 1}" for i in range(len(cells))]
        n = len(cells)
        if any(len(r) != n for r in cells) or len(labs) != n:
            raise DomainError(f"fuzzy judgement matrix must be square with one label per row ({n} rows, "
                              f"row lengths {[len(r) for r in cells]}, {len(labs)} labels).")
    n = len(labs)
    if n < 2:
        raise DomainError("fuzzy AHP needs at least two criteria.")
    out = np.full((n, n, 3), np.nan)
    for i in range(n):
        out[i, i] = (1, 1, 1)
        for j in range(n):
            if i == j:
                t = _tfn(cells[i][j], f"row {labs[i]!r}, column {labs[j]!r}")
                if t is not None and not np.allclose(t, 1):
                    raise DomainError(f"fuzzy judgement at row {labs[i]!r}, column {labs[j]!r} (the diagonal) is {t}; "
                                      "an element compared with itself is (1, 1, 1).")
                continue
            t = _tfn(cells[i][j], f"row {labs[i]!r}, column {labs[j]!r}")
            if t is not None:
                out[i, j] = t
    for i in range(n):
        for j in range(i + 1, n):
            a, b = out[i, j], out[j, i]
            if np.isnan(a).any() and np.isnan(b).any():
                raise DomainError(f"fuzzy judgement matrix: the pair ({labs[i]!r}, {labs[j]!r}) has no judgement. "
                                  "Give the cell above the diagonal.")
            if np.isnan(b).any():
                out[j, i] = 1 / a[::-1]
            elif np.isnan(a).any():
                out[i, j] = 1 / b[::-1]
            elif not np.allclose(b, 1 / a[::-1], rtol=0.02, atol=0.01):
                def t(v: np.ndarray) -> str:
                    return "(" + ", ".join(f"{float(x):.4g}" for x in v) + ")"

                raise DomainError(f"fuzzy judgement matrix is not reciprocal at row {labs[j]!r}, column {labs[i]!r}: "
                                  f"it is {t(b)} but row {labs[i]!r}, column {labs[j]!r} is "
                                  f"{t(a)}, whose reciprocal is {t(1 / a[::-1])}. "
                                  "Leave the lower triangle empty (None) and it is filled for you.")
    return out, labs


def _possibility(a: np.ndarray, b: np.ndarray) -> float:
    """V(a ≥ b) for triangles a = (l1, m1, u1), b = (l2, m2, u2) (Chang 1996)."""
    if a[1] >= b[1]:
        return 1.0
    if b[0] >= a[2]:
        return 0.0
    return float((b[0] - a[2]) / ((a[1] - a[2]) - (b[1] - b[0])))


def _read_yaml(source: Any) -> dict[str, Any]:
    if isinstance(source, Mapping):
        return dict(source)
    import yaml
    from pathlib import Path

    p = Path(source)
    if not p.exists():
        raise ParameterError(f"file {str(p)!r} does not exist; give the path of a YAML file (see data/weights_*.yaml).")
    return yaml.safe_load(p.read_text(encoding="utf-8")) or {}
