"""Labels and plots for the weighting methods of :mod:`crmcore.weights` (熵权法、CRITIC 法、模糊综合评价、
模糊层次分析法、专家评价法).

Seaborn-style functions: take a result, draw on ``ax`` (a new figure only if ``ax`` is None), return the
Axes; every word in ``lang``. This module imports no weights module: results arrive as arguments, so
``weights_fuzzy`` and ``weights`` import it one way only. It also holds the en/zh catalogue the
result objects use for their tables and the small base class that gives every weights result
``weights_dict()`` (what ``rfm.weighted_score`` and ``customer_value.key_account_scores`` take).
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from crmcore.labels import check_lang, column
from crmcore.plotting import new_ax
from crmcore.results import Result

#: table headers and plot words of the weights modules (en/zh)
TEXT: dict[str, dict[str, str]] = {
    "criterion": {"en": "Criterion", "zh": "指标"},
    "weight": {"en": "Weight", "zh": "权重"},
    "entropy": {"en": "Entropy e_j", "zh": "信息熵 e_j"},
    "divergence": {"en": "Divergence d_j = 1 − e_j", "zh": "差异系数 d_j = 1 − e_j"},
    "direction": {"en": "Direction", "zh": "方向"},
    "benefit": {"en": "benefit (higher is better)", "zh": "正向（越大越好）"},
    "cost": {"en": "cost (lower is better)", "zh": "负向（越小越好）"},
    "sd": {"en": "Contrast σ_j", "zh": "对比强度 σ_j"},
    "conflict": {"en": "Conflict Σ(1 − r_jk)", "zh": "冲突性 Σ(1 − r_jk)"},
    "information": {"en": "Information C_j", "zh": "信息量 C_j"},
    "grade": {"en": "Grade", "zh": "评价等级"},
    "membership": {"en": "Membership b_j", "zh": "隶属度 b_j"},
    "membership_norm": {"en": "Normalised membership", "zh": "归一化隶属度"},
    "grade_score": {"en": "Grade score", "zh": "等级分值"},
    "lower": {"en": "Lower l", "zh": "下限 l"},
    "middle": {"en": "Middle m", "zh": "中值 m"},
    "upper": {"en": "Upper u", "zh": "上限 u"},
    "possibility": {"en": "Degree of possibility d", "zh": "可能度 d"},
    "crisp": {"en": "Defuzzified", "zh": "去模糊值"},
    "rank_sum": {"en": "Rank sum R_j", "zh": "秩和 R_j"},
    "mean_rank": {"en": "Mean rank", "zh": "平均秩"},
    "round": {"en": "Round", "zh": "轮次"},
    "mean": {"en": "Mean", "zh": "均值"},
    "median": {"en": "Median", "zh": "中位数"},
    "cv": {"en": "CV", "zh": "变异系数"},
    "max_cv": {"en": "Largest CV", "zh": "最大变异系数"},
    "kendall_w": {"en": "Kendall's W", "zh": "肯德尔协调系数 W"},
    "chi2": {"en": "Chi-square χ²", "zh": "卡方 χ²"},
    "p_value": {"en": "p-value", "zh": "p 值"},
    "stop": {"en": "Stop here", "zh": "可以停止"},
    "subjective": {"en": "Subjective", "zh": "主观权重"},
    "objective": {"en": "Objective", "zh": "客观权重"},
    "combined": {"en": "Combined", "zh": "组合权重"},
    "spread": {"en": "Spread (max − min)", "zh": "极差（最大 − 最小）"},
    "rank_range": {"en": "Ranks", "zh": "各方法排名"},
    "disagree": {"en": "Methods disagree", "zh": "方法间分歧"},
    "method_a": {"en": "Method A", "zh": "方法 A"},
    "method_b": {"en": "Method B", "zh": "方法 B"},
    "spearman": {"en": "Spearman ρ", "zh": "Spearman 秩相关 ρ"},
    "kendall_tau": {"en": "Kendall τ", "zh": "Kendall τ"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    "equal_weight": {"en": "equal weights", "zh": "等权重"},
    # plot titles
    "t_entropy": {"en": "Entropy weights", "zh": "熵权法权重"},
    "t_critic": {"en": "CRITIC weights", "zh": "CRITIC 法权重"},
    "t_fahp": {"en": "Fuzzy AHP weights", "zh": "模糊层次分析法权重"},
    "t_delphi": {"en": "Expert rounds: weights from the last round", "zh": "专家评价法：末轮权重"},
    "t_delphi_w": {"en": "Expert agreement by round", "zh": "各轮专家意见协调程度"},
    "t_combined": {"en": "Subjective, objective and combined weights", "zh": "主观、客观与组合权重"},
    "t_compare": {"en": "The same criteria weighted by several methods", "zh": "同一组指标在不同方法下的权重"},
    "t_fuzzy": {"en": "Fuzzy comprehensive evaluation", "zh": "模糊综合评价结果"},
    "t_survey": {"en": "Customer satisfaction: overall evaluation vector B", "zh": "客户满意度：总体综合评价向量 B"},
    "t_kendall": {"en": "Rank sums of the objects", "zh": "各评价对象的秩和"},
}


def tr(key: str, lang: str) -> str:
    """A word of :data:`TEXT` in ``lang``."""
    return TEXT[key][lang]


def label(name: Any, lang: str, names: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """A criterion or grade name in ``lang``: ``names`` first, then the shared column catalogue."""
    s = str(name)
    if names and s in names:
        return names[s][lang]
    if lang == "zh":
        return column(s, "zh")
    return s


def cap(sentences: list[str], lang: str) -> list[str]:
    """English sentences start with a capital letter even when they open with a criterion name."""
    if lang != "en":
        return sentences
    return [x[:1].upper() + x[1:] if x else x for x in sentences]


def fmt(x: float, nd: int = 3) -> str:
    """A number as a manager reads it (fixed decimals, never scientific notation)."""
    return f"{x:,.{nd}f}"


class WeightsResult(Result):
    """Shared protocol of every result that carries ``weights`` (a Series named after the criteria)."""

    title = "weights (权重)"
    names: Mapping[str, Mapping[str, str]] | None = None

    def weights_dict(self) -> dict[str, float]:
        """``{criterion: weight}`` for ``rfm.weighted_score`` or ``customer_value.key_account_scores``."""
        return {str(k): float(v) for k, v in self.weights.items()}

    def _name(self, x: Any, lang: str) -> str:
        return label(x, lang, self.names)

    def plot(self, ax=None, lang: str = "en", title: str | None = None):
        """Horizontal bars of the weights, largest on top, with the equal-weight line."""
        return plot_weights(self.weights, ax=ax, lang=lang, title=title or tr(self._plot_title, lang),
                            names=self.names)

    _plot_title = "t_entropy"


def plot_weights(weights: pd.Series, ax=None, lang: str = "en", title: str | None = None,
                 names: Mapping[str, Mapping[str, str]] | None = None):
    """Bars of one weight vector (a Series); the dashed line marks equal weights 1/n."""
    check_lang(lang)
    w = weights.sort_values()
    ax = new_ax(ax, (6, 0.9 + 0.45 * len(w)), layout="constrained")
    ylab = [label(k, lang, names) for k in w.index]
    ax.barh(ylab, w.to_numpy(), color="#4c72b0")
    for y, v in enumerate(w.to_numpy()):
        ax.text(v, y, f" {v:.3f}", va="center", fontsize=9)
    ax.axvline(1 / len(w), color="grey", ls="--", lw=1, label=tr("equal_weight", lang))
    ax.set_xlim(0, max(w.max() * 1.25, 1 / len(w) * 1.2))
    ax.set_xlabel(tr("weight", lang))
    ax.set_title(title or tr("weight", lang))
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_grouped(frame: pd.DataFrame, ax=None, lang: str = "en", title: str | None = None,
                 names: Mapping[str, Mapping[str, str]] | None = None,
                 series_names: Mapping[str, str] | None = None):
    """Grouped bars: one group per criterion (rows), one bar per method (columns)."""
    check_lang(lang)
    k = frame.shape[1]
    ax = new_ax(ax, (max(6.0, 2.0 + (0.9 + 0.25 * k) * len(frame)), 4.2), layout="constrained")
    x = np.arange(len(frame))
    width = 0.8 / max(k, 1)
    for i, col in enumerate(frame.columns):
        ax.bar(x + (i - (k - 1) / 2) * width, frame[col].to_numpy(), width,
               label=(series_names or {}).get(col, str(col)))
    ax.set_xticks(x, [label(c, lang, names) for c in frame.index], rotation=0 if len(frame) <= 5 else 30,
                  ha="center" if len(frame) <= 5 else "right")
    ax.set_ylabel(tr("weight", lang))
    ax.set_ylim(0, float(np.nanmax(frame.to_numpy())) * 1.15)
    ax.set_title(title or tr("t_compare", lang))
    ax.legend(fontsize=8, ncol=min(k, 5), loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
    return ax


def plot_membership(vector: pd.Series, best: Any, ax=None, lang: str = "en", title: str | None = None,
                    names: Mapping[str, Mapping[str, str]] | None = None):
    """Bars of the normalised evaluation vector B over the grades; the grade by maximum membership in red."""
    check_lang(lang)
    ax = new_ax(ax, (1.5 + 0.9 * len(vector), 3.2), layout="constrained")
    labs = [label(g, lang, names) for g in vector.index]
    colors = ["#c44e52" if g == best else "#4c72b0" for g in vector.index]
    ax.bar(labs, vector.to_numpy(), color=colors)
    for i, v in enumerate(vector.to_numpy()):
        ax.text(i, v, f"{v:.3f}", ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, max(vector.max() * 1.2, 0.1))
    ax.set_ylabel(tr("membership_norm", lang))
    ax.set_title(title or tr("t_fuzzy", lang))
    return ax


def plot_rank_sums(rank_sums: pd.Series, ax=None, lang: str = "en", title: str | None = None,
                   names: Mapping[str, Mapping[str, str]] | None = None):
    """Bars of the rank sums R_j (Kendall's W); the dashed line is their mean m(n + 1)/2."""
    check_lang(lang)
    ax = new_ax(ax, (1.5 + 0.6 * len(rank_sums), 3.2), layout="constrained")
    ax.bar([label(k, lang, names) for k in rank_sums.index], rank_sums.to_numpy(), color="#4c72b0")
    ax.axhline(rank_sums.mean(), color="grey", ls="--", lw=1)
    ax.set_ylabel(tr("rank_sum", lang))
    ax.set_title(title or tr("t_kendall", lang))
    if len(rank_sums) > 6:
        ax.tick_params(axis="x", rotation=30)
    return ax


def plot_rounds(rounds: pd.DataFrame, ax=None, lang: str = "en", title: str | None = None,
                w_limit: float = 0.7):
    """Kendall's W by round (line) with the stop threshold (dashed)."""
    check_lang(lang)
    ax = new_ax(ax, (5, 3.2), layout="constrained")
    r = rounds["round"].to_numpy()
    ax.plot(r, rounds["W"].to_numpy(), marker="o", color="#4c72b0", label=tr("kendall_w", lang))
    ax.axhline(w_limit, color="grey", ls="--", lw=1, label=f"W = {w_limit:.2f}")
    ax.set_xticks(r, [str(int(x)) for x in r])
    ax.set_ylim(0, 1)
    ax.set_xlabel(tr("round", lang))
    ax.set_ylabel(tr("kendall_w", lang))
    ax.set_title(title or tr("t_delphi_w", lang))
    ax.legend(fontsize=8, loc="lower right")
    return ax


def as_weights(weights: Any, *, what: str = "weights", normalise: bool = False) -> pd.Series:
    """A weight vector from a Series, a dict, a list or any result with ``weights``/``weights_dict()``
    (crmcore.weights results, ``ahp.AHPResult``): non-negative, finite, summing to 1 (or normalised)."""
    from crmcore.errors import DomainError, ParameterError

    w = weights
    if hasattr(w, "weights_dict"):
        w = w.weights_dict() if callable(w.weights_dict) else w.weights_dict
    elif hasattr(w, "weights") and not isinstance(w, (pd.Series, Mapping)):
        w = w.weights
    if isinstance(w, Mapping):
        w = pd.Series({str(k): v for k, v in w.items()}, dtype=object)
    elif not isinstance(w, pd.Series):
        try:
            arr = np.asarray(w, dtype=object).ravel()
        except Exception as e:  # pragma: no cover - defensive
            raise ParameterError(f"{what} must be a dict, a Series or a list of numbers (got {type(weights).__name__}).") from e
        w = pd.Series(arr, index=[f"u{i + 1}" for i in range(len(arr))], dtype=object)
    num = pd.to_numeric(w, errors="coerce").astype(float)
    bad = num.isna() | ~np.isfinite(num)
    if bad.any():
        k = num.index[bad.to_numpy()][0]
        raise DomainError(f"{what}: weight of {k!r} is {w[k]!r}, not a number ({int(bad.sum())} of {len(w)}). "
                          "Give every criterion a numeric weight.")
    if (num < 0).any():
        k = num.index[(num < 0).to_numpy()][0]
        raise DomainError(f"{what}: weight of {k!r} is {num[k]:g}, which is negative. Weights must be ≥ 0.")
    if len(num) == 0 or num.sum() <= 0:
        raise DomainError(f"{what}: the weights sum to 0; give at least one positive weight.")
    total = float(num.sum())
    if abs(total - 1) > 1e-6:
        if not normalise:
            raise DomainError(f"{what} must sum to 1 (they sum to {total:.6g}: "
                              f"{', '.join(f'{k}={v:g}' for k, v in num.items())}). Divide each by {total:.6g}.")
        num = num / total
    num.index = [str(i) for i in num.index]
    num.name = "weight"
    return num
