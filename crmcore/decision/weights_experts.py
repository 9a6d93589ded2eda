"""Subjective weights from a panel: Kendall's coefficient of concordance W (Kendall & Babington Smith 1939)
and expert rounds (专家评价法 / Delphi, read by Schmidt 1997); see :mod:`crmcore.weights` for the references."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from crmcore.decision.weights_base import WeightsResult, _matrix
from crmcore.decision.weights_plots import plot_rank_sums, plot_rounds, plot_weights
from crmcore.decision.weights_text import agreement_word, cap, label, tr
from crmcore.errors import DomainError, ParameterError
from crmcore.labels import check_lang
from crmcore.results import Result


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


# --------------------------------------------------------------------------- results
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
        t.index.name = tr("object", lang)
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
