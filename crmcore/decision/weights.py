"""Weights beyond AHP (权重的确定方法): entropy weights (熵权法), CRITIC, expert rounds (专家评价法 / Delphi)
with Kendall's W, fuzzy comprehensive evaluation (模糊综合评价), fuzzy AHP (模糊层次分析法), combined
subjective/objective weights and a comparison of methods.

The Chinese data-management teaching (黄成明《数据化管理》) defines a weight as a factor's relative
importance and names the usual ways to get one: 层次分析法、模糊法、模糊层次分析法、专家评价法 —
objective methods (熵权法、CRITIC 法) add weights read from the data's own variation. AHP lives in
:mod:`crmcore.ahp`; every result here has ``weights`` (a Series named after the criteria) and
``weights_dict()``, which ``rfm.weighted_score`` and ``customer_value.key_account_scores`` take as they
take an AHP result.

Where things live: ``weights_plots`` (labels, plots, shared base) ← ``weights_fuzzy`` (fuzzy evaluation,
fuzzy AHP) ← ``weights`` (this module; re-exports the fuzzy functions).

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
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.errors import DomainError, ParameterError
from crmcore.labels import check_lang
from crmcore.results import Result
from crmcore.decision.weights_fuzzy import (  # noqa: F401  (re-exported: one import for every weighting method)
    OPERATORS, SCALE, TERMS, FuzzyAHPResult, FuzzyEvaluation, SurveyEvaluation, fuzzy_ahp, fuzzy_evaluation,
    membership_from_counts, operator_name, read_fuzzy, scale_table, survey_evaluation,
)
from crmcore.decision.weights_plots import (
    WeightsResult, as_weights, cap, label, plot_grouped, plot_rank_sums, plot_rounds, plot_weights, tr,
)

__all__ = ["entropy", "critic", "kendall_w", "expert_rounds", "combine", "compare", "fuzzy_evaluation",
           "membership_from_counts", "fuzzy_ahp", "scale_table", "read_fuzzy", "survey_evaluation", "RFM_NAMES",
           "METHOD_NAMES", "KINDS", "weights_frame", "actions", "agreement_word",
           "OPERATORS", "SCALE", "TERMS"]

_BENEFIT = {"+", "benefit", "max", "positive", "higher", "正向", "1", "up"}
_COST = {"-", "cost", "min", "negative", "lower", "负向", "-1", "down"}

#: en/zh names of R, F and M for tables, plots and sentences (pass as ``names=``)
RFM_NAMES: dict[str, dict[str, str]] = {
    "R": {"en": "recency (R)", "zh": "最近一次消费（R）"},
    "F": {"en": "frequency (F)", "zh": "消费频率（F）"},
    "M": {"en": "monetary (M)", "zh": "消费金额（M）"},
}

#: en/zh names of the weighting methods (``compare(..., method_names=METHOD_NAMES)``)
METHOD_NAMES: dict[str, dict[str, str]] = {
    "ahp": {"en": "AHP", "zh": "层次分析法"},
    "fuzzy_ahp": {"en": "fuzzy AHP", "zh": "模糊层次分析法"},
    "entropy": {"en": "entropy", "zh": "熵权法"},
    "critic": {"en": "CRITIC", "zh": "CRITIC 法"},
    "experts": {"en": "expert rounds", "zh": "专家评价法"},
    "combined": {"en": "combined", "zh": "组合赋权"},
}
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


def actions(compared: "CompareResult", combined: "CombinedResult", survey: Any = None, *, lang: str = "en") -> list[str]:
    """Recommended actions of a weighting report, generated from the results."""
    check_lang(lang)
    w = combined.weights
    nm = lambda c: label(c, lang, combined.names)  # noqa: E731
    ws = {"en": ", ".join(f"{nm(k)} {v:.2f}" for k, v in w.items()), "zh": "，".join(f"{nm(k)} {v:.2f}" for k, v in w.items())}[lang]
    out = [{"en": f"Use the combined weights ({ws}) for the weighted RFM score, and record how they were made "
                  f"({combined.method}{'' if combined.alpha is None else f', α = {combined.alpha:.2f}'}); recompute the "
                  "objective part when the customer data change.",
            "zh": f"加权 RFM 评分采用组合权重（{ws}），并注明组合方式（{'线性' if combined.method == 'linear' else '乘法'}"
                  f"{'' if combined.alpha is None else f'，α = {combined.alpha:.2f}'}）；客户数据更新后应重新计算客观权重部分。"}[lang]]
    c = compared.correlations.dropna(subset=["spearman"])
    neg = c[c["spearman"] < 0]
    if len(neg):
        r = neg.loc[neg["spearman"].idxmin()]
        full = r["spearman"] <= -0.999
        out.append({"en": f"{compared._m(r['a'], lang)} and {compared._m(r['b'], lang)} rank the criteria in "
                          f"{'opposite' if full else 'largely opposite'} order (ρ = {r['spearman']:.2f}): state which "
                          "method the report relies on and why, rather than picking the one whose answer is convenient.",
                    "zh": f"{compared._m(r['a'], lang)}与{compared._m(r['b'], lang)}对指标的排序{'相反' if full else '大体相反'}"
                          f"（ρ = {r['spearman']:.2f}）："
                          "报告中应写明采用哪种方法及理由，而不是挑选结果顺手的那一种。"}[lang])
    if survey is not None:
        ev = getattr(survey, "goal", survey)
        g = label(ev.score_grade, lang, ev.names)
        if ev.agree and ev.reliable:
            out.append({"en": f"Report customer satisfaction as “{g}” (score {ev.score:.1f}); both readings agree.",
                        "zh": f"客户满意度报告为“{g}”（{ev.score:.1f} 分），两种结论一致。"}[lang])
        else:
            out.append({"en": f"Report customer satisfaction by the weighted score (“{g}”, {ev.score:.1f}), not by "
                              "maximum membership alone.",
                        "zh": f"客户满意度应按加权得分报告（“{g}”，{ev.score:.1f} 分），不能只看最大隶属度。"}[lang])
    return cap(out, lang)


# --------------------------------------------------------------------------- input checks


def _matrix(matrix: Any, what: str) -> pd.DataFrame:
    df = pd.DataFrame(matrix).copy()
    if not isinstance(matrix, pd.DataFrame):
        df.columns = [f"c{j + 1}" for j in range(df.shape[1])]
    df.columns = [str(c) for c in df.columns]
    if df.shape[0] < 2 or df.shape[1] < 2:
        raise DomainError(f"{what}: the indicator matrix needs at least 2 rows (alternatives/customers) and 2 columns "
                          f"(criteria); it has {df.shape[0]} × {df.shape[1]}.")
    num = df.apply(pd.to_numeric, errors="coerce").astype(float)
    bad = ~np.isfinite(num.to_numpy())
    if bad.any():
        i, j = map(int, np.argwhere(bad)[0])
        raise DomainError(f"{what}: cell (row {df.index[i]!r}, column {df.columns[j]!r}) is {df.iat[i, j]!r}, not a "
                          f"number ({int(bad.sum())} of {bad.size} cells). Fill or drop those rows.")
    return num


def _directions(directions: Any, cols: list[str]) -> pd.Series:
    if directions is None:
        return pd.Series(["benefit"] * len(cols), index=cols)
    if isinstance(directions, Mapping):
        unknown = [k for k in directions if str(k) not in cols]
        if unknown:
            raise ParameterError(f"directions names unknown column(s) {unknown}; columns are {', '.join(cols)}.")
        d = {c: directions.get(c, "benefit") for c in cols}
    else:
        d_list = [directions] * len(cols) if isinstance(directions, str) else list(directions)
        if len(d_list) != len(cols):
            raise ParameterError(f"directions has {len(d_list)} entries but the matrix has {len(cols)} columns "
                                 f"({', '.join(cols)}); give one '+' (benefit) or '-' (cost) per column, or a dict.")
        d = dict(zip(cols, d_list))
    out = {}
    for c, v in d.items():
        s = str(v).strip().lower()
        if s in _BENEFIT:
            out[c] = "benefit"
        elif s in _COST:
            out[c] = "cost"
        else:
            raise ParameterError(f"direction of column {c!r} is {v!r}; use '+'/'benefit' or '-'/'cost'.")
    return pd.Series(out)


def _minmax(x: pd.DataFrame, d: pd.Series) -> tuple[pd.DataFrame, list[str]]:
    lo, hi = x.min(), x.max()
    rng = hi - lo
    const = [c for c in x.columns if rng[c] == 0]
    z = pd.DataFrame(0.0, index=x.index, columns=x.columns)
    for c in x.columns:
        if rng[c] == 0:
            continue
        z[c] = (x[c] - lo[c]) / rng[c] if d[c] == "benefit" else (hi[c] - x[c]) / rng[c]
    return z, const


# --------------------------------------------------------------------------- entropy


@dataclass(frozen=True)
class EntropyResult(WeightsResult):
    """Entropy weights: ``e_j = −(1/ln n) Σ_i p_ij ln p_ij``, ``d_j = 1 − e_j``, ``w_j = d_j / Σ d_j``."""

    weights: pd.Series
    table: pd.DataFrame
    shares: pd.DataFrame = field(repr=False)
    normalisation: str
    directions: pd.Series
    constant: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    names: Mapping[str, Mapping[str, str]] | None = None
    title = "Entropy weights (熵权法)"
    _plot_title = "t_entropy"

    def conventions(self) -> dict[str, Any]:
        return {"normalisation": self.normalisation,
                "p_ij": "x_ij / Σ_i x_ij" if self.normalisation == "proportion"
                else "z_ij / Σ_i z_ij, z = min-max by direction (the worst row gets 0)",
                "zeros": "0 · ln 0 = 0", "k": "1 / ln(n)", "constant column": "e = 1, weight 0 (warned)",
                "directions": dict(self.directions),
                "directions used": self.normalisation == "minmax"}

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        t = pd.DataFrame({tr("direction", lang): [tr(v, lang) for v in self.table["direction"]],
                          tr("entropy", lang): self.table["e"].to_numpy(),
                          tr("divergence", lang): self.table["d"].to_numpy(),
                          tr("weight", lang): self.table["weight"].to_numpy()},
                         index=[self._name(k, lang) for k in self.table.index])
        t.index.name = tr("criterion", lang)
        return t

    def interpret(self, lang: str = "en") -> list[str]:
        check_lang(lang)
        w = self.weights
        top, low = w.idxmax(), w.idxmin()
        e = self.table["e"]
        out = [{"en": f"{self._name(top, lang)} gets the largest entropy weight ({w[top]:.3f}): its total is the most "
                      f"concentrated in a few rows (lowest entropy, e = {e[top]:.3f}). An entropy weight measures how "
                      "unevenly a criterion is spread over the rows, not how much it matters to the business.",
                "zh": f"{self._name(top, lang)}的熵权最大（{w[top]:.3f}）：它的取值最集中于少数几行（信息熵最低，"
                      f"e = {e[top]:.3f}）。熵权衡量的是指标在评价对象之间分布的不均匀程度，而不是它对业务有多重要。"}[lang]]
        if low not in self.constant:
            out.append({"en": f"{self._name(low, lang)} gets the smallest weight ({w[low]:.3f}): its values are the "
                              "most evenly spread over the rows.",
                        "zh": f"{self._name(low, lang)}的权重最小（{w[low]:.3f}）：它在各行之间分布最均匀。"}[lang])
        if self.constant:
            z = [self._name(c, lang) for c in self.constant]
            out.append({"en": f"{', '.join(z)} {'is' if len(z) == 1 else 'are'} the same in every row, so "
                              f"{'it gets' if len(z) == 1 else 'they get'} weight 0: a constant column cannot tell "
                              "rows apart, however important it is.",
                        "zh": f"{'、'.join(z)}在所有行中取值相同，因此权重为 0：取值不变的指标无法区分评价对象，"
                              "不论它本身多重要。"}[lang])
        return cap(out, lang)


def entropy(matrix: Any, *, directions: Any = None, normalisation: str = "proportion",
            names: Mapping[str, Mapping[str, str]] | None = None) -> EntropyResult:
    """Entropy weight method (熵权法): criteria whose values vary more across the rows weigh more.

    ``matrix``: rows = alternatives (customers, suppliers), columns = criteria. ``directions``: one
    ``"+"``/``"benefit"`` or ``"-"``/``"cost"`` per column (list or dict; default all benefit).
    ``normalisation="proportion"`` uses ``p_ij = x_ij / Σ_i x_ij`` on the raw values (needs x ≥ 0;
    the direction does not change a column's entropy under it and is only recorded);
    ``"minmax"`` first maps each column to 0–1 by direction (cost columns reversed), then takes shares.
    ``e_j = −(1/ln n) Σ p ln p`` (0 · ln 0 = 0), ``d_j = 1 − e_j``, ``w_j = d_j / Σ d_j``. A constant column
    gets e = 1 and weight 0, with a warning.
    """
    if normalisation not in ("proportion", "minmax"):
        raise ParameterError(f"normalisation={normalisation!r} is unknown; use 'proportion' or 'minmax'.")
    x = _matrix(matrix, "entropy")
    d = _directions(directions, list(x.columns))
    n = len(x)
    if normalisation == "proportion":
        neg = np.argwhere(x.to_numpy() < 0)
        if len(neg):
            i, j = map(int, neg[0])
            raise DomainError(f"entropy: cell (row {x.index[i]!r}, column {x.columns[j]!r}) is {x.iat[i, j]:g}, "
                              f"negative ({len(neg)} cells); shares p = x / Σx need x ≥ 0. Pass normalisation='minmax'.")
        z = x
        const = [c for c in x.columns if x[c].nunique() == 1]
    else:
        z, const = _minmax(x, d)
    p = pd.DataFrame(0.0, index=x.index, columns=x.columns)
    e = pd.Series(1.0, index=x.columns)
    for c in x.columns:
        s = z[c].sum()
        if c in const or s <= 0:
            p[c] = 1 / n
            if c not in const:
                const.append(c)
            continue
        p[c] = z[c] / s
        pv = p[c].to_numpy()
        nz = pv > 0
        e[c] = float(-(pv[nz] * np.log(pv[nz])).sum() / np.log(n))
    dv = (1 - e).clip(lower=0)
    if dv.sum() <= 0:
        raise DomainError("entropy: every column is constant (or evenly spread), so no column tells the rows apart; "
                          "entropy weights are undefined. Use subjective weights (AHP, expert rounds).")
    w = dv / dv.sum()
    warn = []
    if const:
        warn.append(f"constant column(s) {', '.join(const)}: entropy 1, weight 0.")
        warnings.warn("entropy: " + warn[-1], stacklevel=2)
    table = pd.DataFrame({"direction": d, "e": e, "d": dv, "weight": w})
    return EntropyResult(weights=w.rename("weight"), table=table, shares=p, normalisation=normalisation,
                         directions=d, constant=tuple(const), warnings=tuple(warn), names=names)


# --------------------------------------------------------------------------- CRITIC


@dataclass(frozen=True)
class CriticResult(WeightsResult):
    """CRITIC weights: ``C_j = σ_j Σ_k (1 − r_jk)``, ``w_j = C_j / Σ C_j`` (Diakoulaki et al. 1995)."""

    weights: pd.Series
    table: pd.DataFrame
    correlation: pd.DataFrame
    directions: pd.Series
    constant: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    names: Mapping[str, Mapping[str, str]] | None = None
    title = "CRITIC weights (CRITIC 法)"
    _plot_title = "t_critic"

    def conventions(self) -> dict[str, Any]:
        return {"normalisation": "min-max by direction (Diakoulaki et al. 1995)", "sigma": "sample SD (ddof=1); "
                "the ddof does not change the weights", "correlation": "Pearson on the normalised values",
                "constant column": "σ = 0, weight 0 (warned)", "directions": dict(self.directions)}

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        t = pd.DataFrame({tr("direction", lang): [tr(v, lang) for v in self.table["direction"]],
                          tr("sd", lang): self.table["sigma"].to_numpy(),
                          tr("conflict", lang): self.table["conflict"].to_numpy(),
                          tr("information", lang): self.table["C"].to_numpy(),
                          tr("weight", lang): self.table["weight"].to_numpy()},
                         index=[self._name(k, lang) for k in self.table.index])
        t.index.name = tr("criterion", lang)
        return t

    def interpret(self, lang: str = "en") -> list[str]:
        check_lang(lang)
        t = self.table
        w = self.weights
        top = w.idxmax()
        sd_top = t["sigma"].idxmax()
        out = [{"en": f"{self._name(top, lang)} gets the largest CRITIC weight ({w[top]:.3f}).",
                "zh": f"{self._name(top, lang)}的 CRITIC 权重最大（{w[top]:.3f}）。"}[lang]]
        if sd_top != top:
            out.append({"en": f"{self._name(sd_top, lang)} varies most (σ = {t.at[sd_top, 'sigma']:.3f}) but conflicts less "
                              f"with the other criteria (Σ(1 − r) = {t.at[sd_top, 'conflict']:.2f} against "
                              f"{t.at[top, 'conflict']:.2f} for {self._name(top, lang)}): more of its information is "
                              "already carried by the others, so it weighs less.",
                        "zh": f"{self._name(sd_top, lang)}的波动最大（σ = {t.at[sd_top, 'sigma']:.3f}），但与其他指标的冲突性"
                              f"较低（Σ(1 − r) = {t.at[sd_top, 'conflict']:.2f}，{self._name(top, lang)}为 "
                              f"{t.at[top, 'conflict']:.2f}）：它的信息有更多部分已由其他指标体现，因此权重较低。"}[lang])
        else:
            out.append({"en": f"It also varies most (σ = {t.at[top, 'sigma']:.3f}), and its conflict with the other "
                              f"criteria ({t.at[top, 'conflict']:.2f}) keeps it in front.",
                        "zh": f"它的波动也最大（σ = {t.at[top, 'sigma']:.3f}），与其他指标的冲突性"
                              f"（{t.at[top, 'conflict']:.2f}）也让它保持领先。"}[lang])
        red = t["conflict"].drop(list(self.constant)).idxmin()
        out.append({"en": f"{self._name(red, lang)} is the most redundant criterion (conflict "
                          f"{t.at[red, 'conflict']:.2f}): it moves most with the others.",
                    "zh": f"{self._name(red, lang)}的冗余程度最高（冲突性 {t.at[red, 'conflict']:.2f}）：它与其他指标的变动最一致。"}[lang])
        if self.constant:
            z = [self._name(c, lang) for c in self.constant]
            out.append({"en": f"{', '.join(z)} is constant and gets weight 0.",
                        "zh": f"{'、'.join(z)}取值不变，权重为 0。"}[lang])
        return cap(out, lang)


def critic(matrix: Any, *, directions: Any = None, names: Mapping[str, Mapping[str, str]] | None = None) -> CriticResult:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995): contrast × conflict.

    Each column is min-max normalised by direction (benefit ``(x − min)/(max − min)``, cost
    ``(max − x)/(max − min)``); ``σ_j`` is its standard deviation, ``r_jk`` the Pearson correlation of the
    normalised columns, ``C_j = σ_j Σ_k (1 − r_jk)`` the information of criterion j and
    ``w_j = C_j / Σ_k C_k``. A constant column has σ = 0 and weight 0 (warned).
    """
    x = _matrix(matrix, "critic")
    d = _directions(directions, list(x.columns))
    z, const = _minmax(x, d)
    sigma = z.std(ddof=1)
    varying = [c for c in x.columns if c not in const]
    r = pd.DataFrame(0.0, index=x.columns, columns=x.columns)
    if len(varying) >= 2:
        r.loc[varying, varying] = np.corrcoef(z[varying].to_numpy(), rowvar=False)
    for c in x.columns:
        r.at[c, c] = 1.0
    conflict = (1 - r).sum(axis=1)
    for c in const:
        conflict[c] = 0.0
    C = sigma * conflict
    if C.sum() <= 0:
        raise DomainError("critic: no column varies (or all are perfectly correlated), so CRITIC weights are undefined.")
    w = C / C.sum()
    warn = []
    if const:
        warn.append(f"constant column(s) {', '.join(const)}: σ = 0, weight 0.")
        warnings.warn("critic: " + warn[-1], stacklevel=2)
    table = pd.DataFrame({"direction": d, "sigma": sigma, "conflict": conflict, "C": C, "weight": w})
    return CriticResult(weights=w.rename("weight"), table=table, correlation=r, directions=d, constant=tuple(const),
                        warnings=tuple(warn), names=names)


# --------------------------------------------------------------------------- Kendall's W

#: Schmidt (1997) reading of W for Delphi panels: upper bounds and words
_W_WORDS = [(0.1, {"en": "very weak", "zh": "极弱"}), (0.3, {"en": "weak", "zh": "较弱"}),
            (0.5, {"en": "moderate", "zh": "中等"}), (0.7, {"en": "fairly strong", "zh": "较强"}),
            (0.9, {"en": "strong", "zh": "强"}), (1.01, {"en": "unusually strong", "zh": "非常强"})]


def agreement_word(w: float, lang: str = "en") -> str:
    """Schmidt's (1997) words for Kendall's W (0.1 very weak, 0.3 weak, 0.5 moderate, 0.7 strong …)."""
    for hi, words in _W_WORDS:
        if w < hi:
            return words[lang]
    return _W_WORDS[-1][1][lang]


@dataclass(frozen=True)
class KendallResult(Result):
    """Kendall's coefficient of concordance W of m raters ranking n objects (tie-corrected)."""

    W: float
    chi2: float
    df: int
    p_value: float
    S: float
    m: int
    n: int
    ties: float
    W_uncorrected: float
    ranks: pd.DataFrame
    rank_sums: pd.Series
    alpha: float = 0.05
    names: Mapping[str, Mapping[str, str]] | None = None
    title = "Kendall's coefficient of concordance W (肯德尔协调系数)"

    def conventions(self) -> dict[str, Any]:
        return {"ranks": "within each rater (row), ascending, ties as mid-ranks", "ties": "W = 12S / (m²(n³ − n) − mΣT), "
                "T = Σ(t³ − t)", "test": f"χ² = m(n − 1)W with n − 1 df, α = {self.alpha}"}

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        t = pd.DataFrame({tr("rank_sum", lang): self.rank_sums.to_numpy(),
                          tr("mean_rank", lang): (self.rank_sums / self.m).to_numpy()},
                         index=[label(k, lang, self.names) for k in self.rank_sums.index])
        t.index.name = {"en": "Object", "zh": "评价对象"}[lang]
        return t

    def plot(self, ax=None, lang: str = "en", title: str | None = None):
        return plot_rank_sums(self.rank_sums, ax=ax, lang=lang, title=title, names=self.names)

    @property
    def significant(self) -> bool:
        return bool(self.p_value < self.alpha)

    def interpret(self, lang: str = "en") -> list[str]:
        check_lang(lang)
        word = agreement_word(self.W, lang)
        sig = self.significant
        en = (f"The {self.m} raters' agreement is {word} (Kendall's W = {self.W:.3f}; χ² = {self.chi2:.2f}, "
              f"df = {self.df}, p = {self.p_value:.4f}), ")
        zh = (f"{self.m} 位评价者的意见协调程度{word}（肯德尔协调系数 W = {self.W:.3f}；χ² = {self.chi2:.2f}，"
              f"自由度 {self.df}，p = {self.p_value:.4f}），")
        if sig and self.W < 0.5:
            en += "statistically significant but weak: with many raters even small agreement is significant."
            zh += "虽然统计上显著，但协调程度不高：评价者人数多时，很小的一致性也会显著。"
        elif sig:
            en += "and significantly better than chance."
            zh += "显著高于随机水平。"
        elif self.W >= 0.5:
            en += f"yet not significant at {self.alpha:.0%}: too few raters or objects to rule out chance."
            zh += f"但在 {self.alpha:.0%} 水平下不显著：评价者或评价对象太少，不能排除偶然一致。"
        else:
            en += "not better than chance."
            zh += "与随机一致没有显著差别。"
        out = [{"en": en, "zh": zh}[lang]]
        if self.ties > 0:
            out.append({"en": f"Tied ranks were corrected for (W without correction {self.W_uncorrected:.3f}).",
                        "zh": f"已对并列的秩作校正（未校正时 W = {self.W_uncorrected:.3f}）。"}[lang])
        return cap(out, lang)


def kendall_w(ranks: Any, *, alpha: float = 0.05, names: Mapping[str, Mapping[str, str]] | None = None) -> KendallResult:
    """Kendall's coefficient of concordance W (Kendall & Babington Smith 1939; Siegel & Castellan 1988 §9.4).

    ``ranks``: raters (rows) × objects (columns). Values are ranked within each rater, ascending, ties
    as mid-ranks — ranks 1…n stay as they are, and scores work too (the direction does not matter as
    long as all raters use the same one). ``S = Σ_j (R_j − m(n + 1)/2)²``,
    ``W = 12S / (m²(n³ − n) − m Σ T)`` with ``T = Σ (t³ − t)`` over each rater's tie groups,
    ``χ² = m(n − 1)W`` with n − 1 degrees of freedom.
    """
    from scipy import stats

    x = _matrix(ranks, "kendall_w")
    m, n = x.shape
    rk = x.rank(axis=1, method="average")
    T = 0.0
    for _, row in x.iterrows():
        counts = row.value_counts().to_numpy()
        T += float(((counts ** 3) - counts).sum())
    R = rk.sum(axis=0)
    S = float(((R - m * (n + 1) / 2) ** 2).sum())
    denom = m ** 2 * (n ** 3 - n) - m * T
    if denom <= 0:
        raise DomainError("kendall_w: every rater tied every object, so agreement is undefined.")
    W = 12 * S / denom
    W0 = 12 * S / (m ** 2 * (n ** 3 - n))
    chi2 = m * (n - 1) * W
    p = float(stats.chi2.sf(chi2, n - 1))
    return KendallResult(W=float(W), chi2=float(chi2), df=n - 1, p_value=p, S=S, m=m, n=n, ties=T, W_uncorrected=float(W0),
                         ranks=rk, rank_sums=R.rename("rank_sum"), alpha=alpha, names=names)


# --------------------------------------------------------------------------- expert rounds (Delphi)


@dataclass(frozen=True)
class DelphiResult(WeightsResult):
    """Delphi-style expert rounds: per-round statistics, agreement and the stop decision."""

    weights: pd.Series
    rounds: pd.DataFrame
    factors: pd.DataFrame
    kendall: tuple[KendallResult, ...]
    stop_round: int | None
    w_limit: float
    cv_limit: float
    w_change: float
    names: Mapping[str, Mapping[str, str]] | None = None
    title = "Expert rounds (专家评价法 / 德尔菲法)"
    _plot_title = "t_delphi"

    def conventions(self) -> dict[str, Any]:
        return {"weights": "mean rating of the last round / sum of means", "cv": "SD (ddof=1) / mean per factor",
                "stop": f"W ≥ {self.w_limit}, |ΔW| < {self.w_change} from the round before, every CV < {self.cv_limit}",
                "W": "Kendall's W of the ratings (higher rating = more important), tie-corrected"}

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        last = self.factors[self.factors["round"] == self.factors["round"].max()].set_index("factor")
        t = pd.DataFrame({tr("mean", lang): last["mean"].to_numpy(), tr("median", lang): last["median"].to_numpy(),
                          tr("cv", lang): last["cv"].to_numpy(), tr("weight", lang): self.weights.to_numpy()},
                         index=[self._name(k, lang) for k in last.index])
        t.index.name = tr("criterion", lang)
        return t

    def rounds_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per round: W, χ², p, the largest CV and whether the stop rule holds."""
        check_lang(lang)
        r = self.rounds
        return pd.DataFrame({tr("round", lang): r["round"].astype(int).to_numpy(), tr("kendall_w", lang): r["W"].to_numpy(),
                             tr("chi2", lang): r["chi2"].to_numpy(), tr("p_value", lang): r["p_value"].to_numpy(),
                             tr("max_cv", lang): r["max_cv"].to_numpy(),
                             tr("stop", lang): [tr("yes" if s else "no", lang) for s in r["stop"]]})

    def plot(self, ax=None, lang: str = "en", kind: str = "weights", title: str | None = None):
        """``kind="weights"``: last-round weights; ``kind="rounds"``: W by round."""
        if kind == "rounds":
            return plot_rounds(self.rounds, ax=ax, lang=lang, title=title, w_limit=self.w_limit)
        return plot_weights(self.weights, ax=ax, lang=lang, title=title or tr("t_delphi", lang), names=self.names)

    def interpret(self, lang: str = "en") -> list[str]:
        check_lang(lang)
        r = self.rounds.iloc[-1]
        k = len(self.rounds)
        words = agreement_word(float(r["W"]), lang)
        out = []
        ws = " → ".join(f"{v:.2f}" for v in self.rounds["W"])
        out.append({"en": f"Kendall's W over {k} round(s): {ws}; agreement in the last round is {words}.",
                    "zh": f"{k} 轮的肯德尔协调系数 W：{ws}；末轮专家意见协调程度{words}。"}[lang])
        last_f = self.factors[self.factors["round"] == self.factors["round"].max()].set_index("factor")
        worst = last_f["cv"].idxmax()
        if self.stop_round is not None:
            out.append({"en": f"The stop rule holds from round {self.stop_round}: W ≥ {self.w_limit:.2f}, stable "
                              f"(change < {self.w_change:.2f}) and every factor's CV below {self.cv_limit:.2f}; "
                              "no further round is needed.",
                        "zh": f"从第 {self.stop_round} 轮起满足停止条件：W ≥ {self.w_limit:.2f} 且趋于稳定（变化小于 "
                              f"{self.w_change:.2f}），各指标变异系数均低于 {self.cv_limit:.2f}，无需再进行下一轮。"}[lang])
        else:
            why_en, why_zh = [], []
            if r["W"] < self.w_limit:
                why_en.append(f"W = {r['W']:.2f} is below {self.w_limit:.2f}")
                why_zh.append(f"W = {r['W']:.2f} 低于 {self.w_limit:.2f}")
            if k < 2 or abs(self.rounds["W"].iloc[-1] - self.rounds["W"].iloc[-2]) >= self.w_change:
                why_en.append("W is not yet stable between rounds")
                why_zh.append("W 在两轮之间尚未稳定")
            if last_f["cv"].max() >= self.cv_limit:
                why_en.append(f"the CV of {self._name(worst, 'en')} is {last_f.at[worst, 'cv']:.2f} "
                              f"(limit {self.cv_limit:.2f})")
                why_zh.append(f"{self._name(worst, 'zh')}的变异系数为 {last_f.at[worst, 'cv']:.2f}"
                              f"（上限 {self.cv_limit:.2f}）")
            out.append({"en": "Do not stop yet: " + "; ".join(why_en) + ". Send the group's medians back for another round.",
                        "zh": "尚不能结束：" + "；".join(why_zh) + "。应把本轮的中位数反馈给专家，再进行一轮。"}[lang])
        top = self.weights.idxmax()
        out.append({"en": f"Weights from the last round's mean ratings put {self._name(top, lang)} first "
                          f"({self.weights[top]:.3f}).",
                    "zh": f"按末轮平均评分计算的权重中，{self._name(top, lang)}最大（{self.weights[top]:.3f}）。"}[lang])
        return cap(out, lang)


def expert_rounds(ratings_by_round: Any, *, w_limit: float = 0.7, cv_limit: float = 0.25, w_change: float = 0.05,
                  names: Mapping[str, Mapping[str, str]] | None = None) -> DelphiResult:
    """Expert evaluation in Delphi rounds (专家评价法): agreement, spread and when to stop.

    ``ratings_by_round``: a list (or dict round → table) of experts × factors importance ratings (higher =
    more important; e.g. 1–10), or one long DataFrame with columns ``round``, ``expert`` and one per factor.
    Per round and factor: mean, median, coefficient of variation CV = SD / mean; per round Kendall's W of
    the ratings with its χ² test (:func:`kendall_w`). Stop when W ≥ ``w_limit`` (Schmidt 1997: 0.7 strong),
    W changed by less than ``w_change`` since the round before, and every CV < ``cv_limit`` (0.25 is the usual
    Chinese Delphi rule). Weights: the last round's mean ratings, normalised.
    """
    if isinstance(ratings_by_round, pd.DataFrame) and "round" in ratings_by_round.columns:
        df = ratings_by_round
        rounds = {int(k): g.drop(columns=[c for c in ("round", "expert") if c in g.columns]).set_index(
            g["expert"] if "expert" in g.columns else g.index) for k, g in df.groupby("round", sort=True)}
    elif isinstance(ratings_by_round, Mapping):
        rounds = {int(k): pd.DataFrame(v) for k, v in ratings_by_round.items()}
    else:
        rounds = {i + 1: pd.DataFrame(v) for i, v in enumerate(ratings_by_round)}
    if not rounds:
        raise ParameterError("expert_rounds: give at least one round of ratings.")
    cols = None
    rows, frows, kres = [], [], []
    prev_w = None
    stop_round = None
    for k in sorted(rounds):
        x = _matrix(rounds[k], f"expert_rounds (round {k})")
        if cols is None:
            cols = list(x.columns)
        elif list(x.columns) != cols:
            raise ParameterError(f"expert_rounds: round {k} rates {list(x.columns)}, round 1 rated {cols}; "
                                 "every round must rate the same factors.")
        if (x.to_numpy() < 0).any():
            i, j = map(int, np.argwhere(x.to_numpy() < 0)[0])
            raise DomainError(f"expert_rounds: round {k}, expert {x.index[i]!r}, factor {x.columns[j]!r} rated "
                              f"{x.iat[i, j]:g}; ratings must be ≥ 0.")
        kw = kendall_w(x, names=names)
        kres.append(kw)
        mean, sd = x.mean(), x.std(ddof=1)
        cv = (sd / mean.replace(0, np.nan)).fillna(0.0)
        for c in cols:
            frows.append({"round": k, "factor": c, "mean": mean[c], "median": x[c].median(), "sd": sd[c], "cv": cv[c]})
        stable = prev_w is not None and abs(kw.W - prev_w) < w_change
        ok = bool(kw.W >= w_limit and stable and cv.max() < cv_limit)
        if ok and stop_round is None:
            stop_round = k
        rows.append({"round": k, "experts": len(x), "W": kw.W, "chi2": kw.chi2, "p_value": kw.p_value,
                     "max_cv": float(cv.max()), "stop": ok})
        prev_w = kw.W
    factors = pd.DataFrame(frows)
    last = factors[factors["round"] == max(rounds)].set_index("factor")["mean"]
    if last.sum() <= 0:
        raise DomainError("expert_rounds: every mean rating of the last round is 0; weights are undefined.")
    w = (last / last.sum()).rename("weight")
    w.index.name = None
    return DelphiResult(weights=w, rounds=pd.DataFrame(rows), factors=factors, kendall=tuple(kres),
                        stop_round=stop_round, w_limit=w_limit, cv_limit=cv_limit, w_change=w_change, names=names)


# --------------------------------------------------------------------------- combine and compare


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


def _named_weights(x: Any, what: str) -> pd.Series:
    return as_weights(x, what=what, normalise=True)


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
