"""Weights beyond AHP (权重的确定方法): entropy weights (熵权法), CRITIC, expert rounds (专家评价法 / Delphi)
with Kendall's W, fuzzy comprehensive evaluation (模糊综合评价), fuzzy AHP (模糊层次分析法), combined
subjective/objective weights and a comparison of methods.

The Chinese data-management teaching (黄成明《数据化管理》) defines a weight as a factor's relative
importance and names the usual ways to get one: 层次分析法、模糊法、模糊层次分析法、专家评价法 —
objective methods (熵权法、CRITIC 法) add weights read from the data's own variation. AHP lives in
:mod:`crmcore.ahp`; every result here has ``weights`` (a Series named after the criteria) and
``weights_dict()``, which ``rfm.weighted_score`` and ``customer_value.key_account_scores`` take as they
take an AHP result.

Where things live, one idea per file, imported one way (left to right): ``weights_text`` (the words and
sentences) ← ``weights_plots`` (charts) ← ``weights_base`` (weight vectors, the shared result base) ←
``weights_objective`` (entropy, CRITIC), ``weights_experts`` (Kendall's W, expert rounds), ``weights_fuzzy``
(fuzzy evaluation, fuzzy AHP) ← ``weights`` (this module: combining and comparing methods; re-exports every
public name, so ``weights.X`` reaches them all).

References
----------
Shannon, C. E. (1948). A mathematical theory of communication. *Bell System Technical Journal* 27.
Diakoulaki, D., Mavrotas, G., Papayannakis, L. (1995). Determining objective weights in multiple criteria
problems: the CRITIC method. *Computers & Operations Research* 22(7), 763–770.
Kendall, M. G., Babington Smith, B. (1939). The problem of m rankings. *Ann. Math. Statist.* 10, 275–287.
Siegel, S., Castellan, N. J. (1988). *Nonparametric Statistics for the Behavioral Sciences*, 2nd ed., §9.4.
Schmidt, R. C. (1997). Managing Delphi surveys using nonparametric statistical techniques.
*Decision Sciences* 28(3), 763–774 (W = 0.1 very weak … 0.7 strong agreement).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Mapping

import pandas as pd

from crmcore.decision.weights_base import WeightsResult, as_weights  # noqa: F401  (as_weights: weights.X)
from crmcore.decision.weights_experts import DelphiResult, KendallResult, expert_rounds, kendall_w  # noqa: F401
from crmcore.decision.weights_fuzzy import (  # noqa: F401  (re-exported: one import for every weighting method)
    SCALE, FuzzyAHPResult, FuzzyEvaluation, SurveyEvaluation, fuzzy_ahp, fuzzy_evaluation, membership_from_counts,
    operator_name, read_fuzzy, scale_table, survey_evaluation,
)
from crmcore.decision.weights_objective import CriticResult, EntropyResult, critic, entropy  # noqa: F401
from crmcore.decision.weights_plots import plot_grouped
from crmcore.decision.weights_text import (  # noqa: F401  (re-exported: the catalogues and words as weights.X)
    METHOD_NAMES, OPERATORS, RFM_NAMES, TERMS, TEXT, actions, agreement_word, cap, label, tr)
from crmcore.errors import DomainError, ParameterError
from crmcore.labels import check_lang
from crmcore.results import Result

__all__ = ["entropy", "critic", "kendall_w", "expert_rounds", "combine", "compare", "fuzzy_evaluation",
           "membership_from_counts", "fuzzy_ahp", "scale_table", "read_fuzzy", "survey_evaluation", "RFM_NAMES",
           "METHOD_NAMES", "KINDS", "weights_frame", "actions", "agreement_word",
           "OPERATORS", "SCALE", "TERMS"]

#: which family each method belongs to (``compare(..., kinds=KINDS)``)
KINDS: dict[str, str] = {"ahp": "subjective", "fuzzy_ahp": "subjective", "experts": "subjective",
                         "entropy": "objective", "critic": "objective"}


def weights_frame(weights: Any, lang: str = "en", *, names: Mapping[str, Mapping[str, str]] | None = None) -> pd.DataFrame:
    """One weight vector (dict, Series or any result with weights) as a table with readable headers."""
    check_lang(lang)
    w = as_weights(weights, normalise=True)
    out = pd.DataFrame({tr("weight", lang): w.to_numpy()}, index=[label(k, lang, names) for k in w.index])
    out.index.name = tr("criterion", lang)
    return out


def combine(subjective: Any, objective: Any, *, alpha: float | None = None, method: str = "linear",
            names: Mapping[str, Mapping[str, str]] | None = None) -> CombinedResult:
    """Combine subjective (AHP, expert) and objective (entropy, CRITIC) weights of the same criteria.

    ``method="linear"``: ``w = α·s + (1 − α)·o`` (``alpha`` default 0.5, the share given to the subjective
    weights); ``method="multiplicative"``: ``w_j = s_j·o_j / Σ_k s_k·o_k`` (no ``alpha``).
    Inputs: dicts, Series or any result with weights (``ahp.AHPResult`` included).
    """
    if method not in ("linear", "multiplicative"):
        raise ParameterError(f"method={method!r} is unknown; use 'linear' (with alpha) or 'multiplicative'.")
    if method == "multiplicative" and alpha is not None:
        raise ParameterError("alpha is the linear combination's share; method='multiplicative' takes no alpha.")
    if method == "linear":
        alpha = 0.5 if alpha is None else float(alpha)
        if not 0 <= alpha <= 1:
            raise ParameterError(f"alpha={alpha} must lie in [0, 1] (the share of the subjective weights).")
    s = _named_weights(subjective, "subjective weights")
    o = _named_weights(objective, "objective weights")
    if set(s.index) != set(o.index):
        raise ParameterError(f"subjective and objective weights name different criteria: only subjective "
                             f"{sorted(set(s.index) - set(o.index))}, only objective {sorted(set(o.index) - set(s.index))}.")
    o = o.reindex(s.index)
    if method == "linear":
        w = alpha * s + (1 - alpha) * o
    else:
        p = s * o
        if p.sum() <= 0:
            raise DomainError("multiplicative combination: no criterion has a positive weight in both inputs.")
        w = p / p.sum()
    table = pd.DataFrame({"subjective": s, "objective": o, "combined": w})
    return CombinedResult(weights=w.rename("weight"), table=table, method=method, alpha=alpha, names=names)


def compare(results: Mapping[str, Any] | None = None, *, kinds: Mapping[str, str] | None = None, method_names: Mapping[str, Mapping[str, str]] | None = None,
            names: Mapping[str, Mapping[str, str]] | None = None, **more: Any) -> CompareResult:
    """Compare the weights several methods give the same criteria.

    ``results``: ``{method: weights}`` (dicts, Series or results with weights; ``ahp.AHPResult`` too), or
    keyword arguments ``compare(ahp=..., entropy=...)``. Returns the criteria × methods table, the ranks,
    Spearman's ρ and Kendall's τ for every pair of methods, and the criteria the methods disagree on
    (rank differs by ≥ 2 between two methods, or weights differ by ≥ 0.15). ``kinds``: ``{method:
    "subjective" | "objective"}`` adds sentences on how the two families differ.
    """
    from itertools import combinations

    from scipy import stats

    items = dict(results or {})
    items.update(more)
    if len(items) < 2:
        raise ParameterError("compare needs the weights of at least two methods, e.g. compare({'AHP': a, 'entropy': e}).")
    cols = {str(k): _named_weights(v, f"weights of {k!r}") for k, v in items.items()}
    first = next(iter(cols.values()))
    for k, s in cols.items():
        if set(s.index) != set(first.index):
            raise ParameterError(f"compare: method {k!r} weighs {sorted(s.index)}, the first method {sorted(first.index)}; "
                                 "compare methods on the same criteria.")
    table = pd.DataFrame({k: s.reindex(first.index) for k, s in cols.items()})
    ranks = table.rank(ascending=False, method="average")
    rows = []
    for a, b in combinations(table.columns, 2):
        with warnings.catch_warnings():   # a constant weight vector has no rank correlation (NaN)
            warnings.simplefilter("ignore")
            rho = stats.spearmanr(table[a], table[b]).statistic
            tau = stats.kendalltau(table[a], table[b]).statistic
        rows.append({"a": a, "b": b, "spearman": float(rho), "kendall": float(tau)})
    spread = table.max(axis=1) - table.min(axis=1)
    rspread = ranks.max(axis=1) - ranks.min(axis=1)
    dis = tuple(c for c in table.index if rspread[c] >= 2 or spread[c] >= 0.15)
    return CompareResult(table=table, ranks=ranks, correlations=pd.DataFrame(rows, columns=["a", "b", "spearman", "kendall"]),
                         disagreements=dis, method_names=method_names, names=names,
                         kinds={str(k): v for k, v in (kinds or {}).items()})


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class CombinedResult(WeightsResult):
    """Subjective and objective weights combined (主客观组合赋权)."""

    weights: pd.Series
    table: pd.DataFrame
    method: str
    alpha: float | None
    names: Mapping[str, Mapping[str, str]] | None = None
    title = "Combined weights (组合权重)"
    _plot_title = "t_combined"

    def conventions(self) -> dict[str, Any]:
        return {"method": self.method, "alpha": self.alpha,
                "formula": "w = α·s + (1 − α)·o" if self.method == "linear" else "w = s·o / Σ s·o"}

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        t = pd.DataFrame({tr(c, lang): self.table[c].to_numpy() for c in ("subjective", "objective", "combined")},
                         index=[self._name(k, lang) for k in self.table.index])
        t.index.name = tr("criterion", lang)
        return t

    def plot(self, ax=None, lang: str = "en", title: str | None = None):
        return plot_grouped(self.table, ax=ax, lang=lang, title=title or tr("t_combined", lang), names=self.names,
                            series_names={c: tr(c, lang) for c in self.table.columns})

    def interpret(self, lang: str = "en") -> list[str]:
        check_lang(lang)
        t = self.table
        top = self.weights.idxmax()
        if self.method == "linear":
            out = [{"en": f"Linear combination with α = {self.alpha:.2f} (share of the subjective weights): every "
                          f"combined weight lies between its subjective and objective weight; "
                          f"{self._name(top, lang)} leads ({self.weights[top]:.3f}).",
                    "zh": f"线性组合，α = {self.alpha:.2f}（主观权重所占比例）：每个组合权重都介于其主观权重和客观权重之间；"
                          f"{self._name(top, lang)}最大（{self.weights[top]:.3f}）。"}[lang]]
        else:
            out = [{"en": f"Multiplicative combination: {self._name(top, lang)} leads ({self.weights[top]:.3f}); "
                          "criteria that both methods rate highly are pulled up, criteria either method rates low "
                          "are pulled down.",
                    "zh": f"乘法组合：{self._name(top, lang)}最大（{self.weights[top]:.3f}）；两种方法都看重的指标权重被放大，"
                          "任一方法看轻的指标权重被压低。"}[lang]]
            lo = t[["subjective", "objective"]].min(axis=1)
            hi = t[["subjective", "objective"]].max(axis=1)
            outside = [c for c in t.index if t.at[c, "combined"] > hi[c] + 1e-9 or t.at[c, "combined"] < lo[c] - 1e-9]
            if outside:
                out.append({"en": f"{', '.join(self._name(c, lang) for c in outside)} ends up outside the range of its "
                                  "two input weights — a multiplicative combination is not an average.",
                            "zh": f"{'、'.join(self._name(c, lang) for c in outside)}的组合权重落在两个原始权重的范围之外——"
                                  "乘法组合并不是取平均。"}[lang])
        return cap(out, lang)


@dataclass(frozen=True)
class CompareResult(Result):
    """The same criteria weighted by several methods: the table, rank correlations, disagreements."""

    table: pd.DataFrame
    ranks: pd.DataFrame
    correlations: pd.DataFrame
    disagreements: tuple[str, ...]
    method_names: Mapping[str, Mapping[str, str]] | None = None
    names: Mapping[str, Mapping[str, str]] | None = None
    kinds: Mapping[str, str] | None = None
    title = "Weights by method (权重方法比较)"

    def conventions(self) -> dict[str, Any]:
        return {"ranks": "1 = largest weight, ties as mid-ranks", "correlation": "Spearman ρ and Kendall τ-b per pair",
                "disagreement": "a criterion whose rank differs by 2 or more between two methods, or whose weights "
                                "differ by 0.15 or more"}

    def _m(self, k: str, lang: str) -> str:
        return self.method_names[k][lang] if self.method_names and k in self.method_names else str(k)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        t = self.table.copy()
        t.columns = [self._m(c, lang) for c in t.columns]
        t[tr("spread", lang)] = self.table.max(axis=1) - self.table.min(axis=1)
        t[tr("disagree", lang)] = [tr("yes" if c in self.disagreements else "no", lang) for c in self.table.index]
        t.index = [label(k, lang, self.names) for k in t.index]
        t.index.name = tr("criterion", lang)
        return t

    def correlations_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        c = self.correlations
        return pd.DataFrame({tr("method_a", lang): [self._m(a, lang) for a in c["a"]],
                             tr("method_b", lang): [self._m(b, lang) for b in c["b"]],
                             tr("spearman", lang): c["spearman"].to_numpy(),
                             tr("kendall_tau", lang): c["kendall"].to_numpy()})

    def plot(self, ax=None, lang: str = "en", title: str | None = None):
        return plot_grouped(self.table, ax=ax, lang=lang, title=title, names=self.names,
                            series_names={c: self._m(c, lang) for c in self.table.columns})

    def interpret(self, lang: str = "en") -> list[str]:
        check_lang(lang)
        firsts = self.table.idxmax()
        out = []
        if firsts.nunique() == 1:
            c = firsts.iloc[0]
            out.append({"en": f"All {self.table.shape[1]} methods put {label(c, lang, self.names)} first.",
                        "zh": f"{self.table.shape[1]} 种方法都把{label(c, lang, self.names)}排在第一。"}[lang])
        else:
            colon = {"en": ": ", "zh": "："}[lang]
            parts = [f"{self._m(m, lang)}{colon}{label(c, lang, self.names)}" for m, c in firsts.items()]
            out.append({"en": "The methods disagree on the most important criterion — " + "; ".join(parts) + ".",
                        "zh": "各方法对最重要指标的判断不一致——" + "；".join(parts) + "。"}[lang])
        if self.disagreements:
            out.append({"en": "Criteria the methods disagree on: "
                              + ", ".join(label(c, lang, self.names) for c in self.disagreements) + ".",
                        "zh": "各方法分歧较大的指标：" + "、".join(label(c, lang, self.names) for c in self.disagreements) + "。"}[lang])
        out.extend(self._kind_sentences(lang))
        cor = self.correlations.dropna(subset=["spearman"])
        if len(cor):
            lo = cor.loc[cor["spearman"].idxmin()]
            out.append({"en": f"The least similar pair is {self._m(lo['a'], lang)} and {self._m(lo['b'], lang)} "
                              f"(Spearman ρ = {lo['spearman']:.2f}).",
                        "zh": f"排序最不一致的一对是{self._m(lo['a'], lang)}与{self._m(lo['b'], lang)}"
                              f"（Spearman ρ = {lo['spearman']:.2f}）。"}[lang])
        return cap(out, lang)


    def _kind_sentences(self, lang: str) -> list[str]:
        if not self.kinds:
            return []
        subj = [m for m in self.table.columns if self.kinds.get(m) == "subjective"]
        obj = [m for m in self.table.columns if self.kinds.get(m) == "objective"]
        if not subj or not obj:
            return []
        ms, mo = self.table[subj].mean(axis=1), self.table[obj].mean(axis=1)
        ts, to = ms.idxmax(), mo.idxmax()
        lab = lambda c: label(c, lang, self.names)  # noqa: E731
        sj = {"en": ", ".join(self._m(m, lang) for m in subj), "zh": "、".join(self._m(m, lang) for m in subj)}[lang]
        oj = {"en": ", ".join(self._m(m, lang) for m in obj), "zh": "、".join(self._m(m, lang) for m in obj)}[lang]
        gap = (ms - mo).abs().idxmax()
        split = [ms_ for ms_ in (subj, obj) if self.table[ms_].idxmax().nunique() > 1]
        if split:
            sep = {"en": "; ", "zh": "；"}[lang]
            fams = [ms_ for ms_ in (subj, obj) if self.table[ms_].idxmax().nunique() > 1]
            colon = {"en": ": ", "zh": "："}[lang]
            tops = sep.join(f"{self._m(m, lang)}{colon}{lab(self.table[m].idxmax())}" for f in fams for m in f)
            first = {"en": f"Methods of the same family put different criteria first ({tops}), so compare the methods "
                           "one by one rather than by family averages.",
                     "zh": f"同一类方法排第一的指标也不相同（{tops}），应逐一比较各方法，而不是按类别取平均。"}[lang]
        elif ts != to:
            first = {"en": f"Subjective methods ({sj}) put {lab(ts)} first (mean weight {ms[ts]:.3f}): they weigh what "
                           f"people judge important. Objective methods ({oj}) put {lab(to)} first ({mo[to]:.3f}): they "
                           "weigh how strongly a criterion separates the rated objects in the data.",
                     "zh": f"主观赋权法（{sj}）把{lab(ts)}排在第一（平均权重 {ms[ts]:.3f}），反映的是人们判断的重要程度；"
                           f"客观赋权法（{oj}）把{lab(to)}排在第一（{mo[to]:.3f}），反映的是该指标在数据中区分评价对象的能力。"}[lang]
        else:
            first = {"en": f"Subjective ({sj}) and objective methods ({oj}) agree on {lab(ts)} first.",
                     "zh": f"主观赋权法（{sj}）与客观赋权法（{oj}）都把{lab(ts)}排在第一。"}[lang]
        second = {"en": f"They differ most on {lab(gap)}: {ms[gap]:.3f} on average by judgement against {mo[gap]:.3f} "
                        "from the data.",
                  "zh": f"两类方法分歧最大的是{lab(gap)}：主观方法平均 {ms[gap]:.3f}，客观方法平均 {mo[gap]:.3f}。"}[lang]
        return [first] if split else [first, second]


# --------------------------------------------------------------------------- private helpers
def _named_weights(x: Any, what: str) -> pd.Series:
    return as_weights(x, what=what, normalise=True)
