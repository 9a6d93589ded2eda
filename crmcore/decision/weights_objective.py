"""Objective weights read from the data's own variation: entropy weights (熵权法, Shannon 1948) and CRITIC
(Diakoulaki, Mavrotas & Papayannakis 1995); see :mod:`crmcore.weights` for the references."""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from crmcore.decision.weights_base import WeightsResult, _matrix
from crmcore.decision.weights_text import cap, tr
from crmcore.errors import DomainError, ParameterError
from crmcore.labels import check_lang

_BENEFIT = {"+", "benefit", "max", "positive", "higher", "正向", "1", "up"}
_COST = {"-", "cost", "min", "negative", "lower", "负向", "-1", "down"}


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


# --------------------------------------------------------------------------- results
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


# --------------------------------------------------------------------------- input checks
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
