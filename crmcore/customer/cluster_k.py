"""Choosing the number of clusters (选择聚类数): the criteria, the recommended k and bootstrap stability.

Inertia with knee detection (Kneedle, Satopää et al. 2011), silhouette (Rousseeuw 1987; sampled for large
n), Calinski–Harabasz (1974) and Davies–Bouldin (1979); :func:`recommend_k` takes the k most criteria
choose (a tie goes to the best mean rank). :class:`KChoice` and :class:`Stability` are the results of
:func:`crmcore.cluster.choose_k` and :func:`crmcore.cluster.stability`, which fit the models.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.customer import cluster_plots, cluster_text
from crmcore.customer.cluster_features import Features
from crmcore.customer.cluster_models import _check_k, _threads
from crmcore.customer.cluster_text import COLUMNS, LABELS, _t  # noqa: F401  (COLUMNS, LABELS: headers)
from crmcore.errors import DomainError, ParameterError
from crmcore.results import Result, deprecated, split_sentences

RULES = ("vote", "silhouette", "knee", "calinski_harabasz", "davies_bouldin")


def recommend_k(table: pd.DataFrame, *, rule: str = "vote") -> tuple[int, int | None, dict[str, int | None]]:
    """The recommended k from a scores table (columns k, inertia, silhouette, calinski_harabasz,
    davies_bouldin): ``(recommended, knee, each criterion's choice)``. See :func:`choose_k` for the rule.
    """
    if rule not in RULES:
        raise ParameterError(f"rule={rule!r} is not supported; use one of {', '.join(map(repr, RULES))}.")
    t = table.set_index("k").sort_index()
    if "supported" in t.columns:
        t = t[t["supported"]]
    kn = knee(t.index, t["inertia"])
    choices: dict[str, int | None] = {
        "knee": kn,
        "silhouette": int(t["silhouette"].idxmax()),
        "calinski_harabasz": int(t["calinski_harabasz"].idxmax()),
        "davies_bouldin": int(t["davies_bouldin"].idxmin()),
    }
    if rule == "vote":
        votes = pd.Series([v for v in choices.values() if v is not None]).value_counts()
        tied = list(votes[votes == votes.max()].index)
        # a tie: the best mean rank over the four criteria (silhouette alone tends to favour k = 2)
        ranks = pd.DataFrame({
            "knee": pd.Series(_chord_distance(t.index, t["inertia"]), index=t.index).rank(ascending=False),
            "silhouette": t["silhouette"].rank(ascending=False),
            "calinski_harabasz": t["calinski_harabasz"].rank(ascending=False),
            "davies_bouldin": t["davies_bouldin"].rank(ascending=True),
        }).mean(axis=1)
        rec = int(min(tied, key=lambda k: (ranks[k], k)))
    elif rule == "knee" and kn is None:
        raise DomainError("the inertia curve has no knee over this k_range; widen k_range or use rule='vote'.")
    else:
        rec = int(choices[rule])
    return rec, kn, choices


def check_k_param(k: int, k_min: int, k_max: int) -> int:
    """Check a notebook's ``k`` against its ``k_min..k_max`` before anything is fitted (0 = recommended k).

    ``crm report 07 -p k 500`` used to fail with ``KeyError: 500`` deep inside; this names the range.
    """
    for name, v in (("k", k), ("k_min", k_min), ("k_max", k_max)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ParameterError(f"{name}={v!r} must be a whole number.")
    if not 2 <= k_min <= k_max:
        raise ParameterError(f"k_min..k_max = {k_min}..{k_max}: give 2 ≤ k_min ≤ k_max, e.g. 2..8.")
    if k != 0 and not k_min <= k <= k_max:
        raise ParameterError(_t("say_k_outside", "en").format(k=k, lo=k_min, hi=k_max, rec="chosen by choose_k"))
    return int(k)


def scores(Z: np.ndarray, labels: np.ndarray, *, sample_size: int = 10_000, seed: int = 0) -> dict[str, float]:
    """Silhouette (on a seeded sample of ``sample_size`` when n is larger), Calinski–Harabasz and
    Davies–Bouldin; noise points (label −1) are left out; NaN when fewer than two clusters remain."""
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score

    m = labels >= 0
    Z, labels = Z[m], labels[m]
    if len(np.unique(labels)) < 2 or len(np.unique(labels)) >= len(labels):
        return {"silhouette": np.nan, "calinski_harabasz": np.nan, "davies_bouldin": np.nan}
    if len(Z) > sample_size:
        idx = np.sort(np.random.default_rng(seed).choice(len(Z), size=sample_size, replace=False))
        sil = silhouette(Z[idx], labels[idx])
    else:
        sil = silhouette(Z, labels)
    return {"silhouette": float(sil), "calinski_harabasz": float(calinski_harabasz_score(Z, labels)),
            "davies_bouldin": float(davies_bouldin_score(Z, labels))}


def silhouette(Z: np.ndarray, labels: np.ndarray, *, chunk: int = 1024) -> float:
    """Mean silhouette s_i = (b_i − a_i) / max(a_i, b_i) (Rousseeuw 1987), Euclidean distances.

    a_i = mean distance to the other members of i's cluster, b_i = smallest mean distance to another
    cluster; s_i = 0 for a singleton. Same value as ``sklearn.metrics.silhouette_score`` but with the
    per-cluster sums done as one matrix product per chunk of rows (several times faster on a
    10,000-customer sample).
    """
    Z = np.asarray(Z, dtype=float)
    _, lab = np.unique(labels, return_inverse=True)
    n, k = len(Z), lab.max() + 1
    onehot = np.zeros((n, k))
    onehot[np.arange(n), lab] = 1.0
    counts = onehot.sum(axis=0)
    sq = np.einsum("ij,ij->i", Z, Z)
    s = np.empty(n)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        rows = np.arange(stop - start)
        D = sq[start:stop, None] + sq[None, :] - 2.0 * (Z[start:stop] @ Z.T)
        np.maximum(D, 0.0, out=D)
        np.sqrt(D, out=D)
        D[rows, np.arange(start, stop)] = 0.0  # exact zero self-distance
        S = D @ onehot
        own = lab[start:stop]
        n_own = counts[own]
        a = S[rows, own] / np.maximum(n_own - 1, 1)
        S[rows, own] = np.inf
        b = (S / counts).min(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            si = (b - a) / np.maximum(a, b)
        s[start:stop] = np.where(n_own > 1, np.nan_to_num(si), 0.0)
    return float(s.mean())


def knee(x: Sequence[float], y: Sequence[float]) -> int | None:
    """Knee of a decreasing convex curve: the point farthest below the chord (Kneedle).

    Both axes are scaled to [0, 1]; the chord joins the first and last points, ``y_n = 1 − x_n``;
    the knee maximises ``(1 − x_n) − y_n`` (Satopää et al. 2011). Returns the knee's x, or None when
    no point lies below the chord (a straight or concave curve) or there are fewer than 3 points.
    """
    x = np.asarray(x, float)
    if len(x) < 3:
        return None
    d = _chord_distance(x, y)
    i = int(np.argmax(d))
    if d[i] <= 1e-12:
        return None
    return int(x[i]) if float(x[i]).is_integer() else x[i]


@dataclass(frozen=True, eq=False, repr=False)
class KChoice(Result):
    """Scores per k, the knee, each criterion's choice and the recommended k with the reason."""

    table: pd.DataFrame
    knee: int | None
    choices: Mapping[str, int | None]
    recommended: int
    rule: str
    model: str
    seed: int
    sample_size: int
    sampled: bool
    features: Features
    n_distinct: int | None = None   # distinct feature vectors when fewer than the largest k tried
    title: str = "Choosing k (选择聚类数)"
    _conventions = ("model", "rule", "seed", "sample_size", "sampled")
    _columns = cluster_text.RESULT_COLUMNS

    def resolve(self, k: int = 0) -> int:
        """The k to use: the recommended k when ``k == 0``, else ``k`` if it lies in the range tried
        (and the data support it); anything else is refused with the range in the message."""
        ks = [int(x) for x in self.table.loc[self.table["supported"], "k"]]
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise ParameterError(f"k={k!r} must be a whole number (0 = the recommended k).")
        if k == 0:
            return self.recommended
        lo, hi = int(self.table["k"].min()), int(self.table["k"].max())
        if k not in ks:
            msg = _t("say_k_outside", "en").format(k=k, lo=lo, hi=hi, rec=self.recommended)
            if lo <= k <= hi:
                msg = (f"k={k}: " + _t("say_distinct", "en").format(n=self.n_distinct, ks=k)
                       + f" Use k ≤ {self.n_distinct} or k = 0.")
            raise ParameterError(msg)
        return int(k)

    def interpret(self, lang: str = "en") -> list[str]:
        """The findings as a list of sentences (the result protocol of :mod:`crmcore.results`)."""
        return split_sentences(self._reason_text(lang))

    @deprecated("interpret")
    def reason(self, lang: str = "en") -> str:
        """Deprecated old name of interpret(), returning what it returned before."""
        return self._reason_text(lang)

    def _reason_text(self, lang: str = "en") -> str:
        """Why this k, generated from the numbers."""
        return cluster_text.k_reason(self, lang)

    def plot(self, ax=None, lang: str = "en", *, axes=None):
        """The 2×2 panel of the four criteria; ``ax`` (or its older name ``axes``) = four Axes to draw on."""
        return cluster_plots.plot_choose_k(self, axes=ax if ax is not None else axes, lang=lang)


@dataclass(frozen=True, eq=False, repr=False)
class Stability(Result):
    """Mean adjusted Rand index between the full-data clustering and resample fits, per k."""

    table: pd.DataFrame
    n_boot: int
    model: str
    seed: int
    title: str = "Bootstrap stability (自助法稳定性)"
    _conventions = ("model", "n_boot", "seed")

    def interpret(self, lang: str = "en", *, k: int | None = None) -> list[str]:
        """The findings as a list of sentences (the result protocol of :mod:`crmcore.results`).

        ``k`` is the number of clusters in use (compared with the most stable k); None: the most stable k."""
        return split_sentences(self._summary_text(self._best_k() if k is None else k, lang))

    @deprecated("interpret")
    def summary(self, k: int, lang: str = "en") -> str:
        """Deprecated old name of interpret(), returning what it returned before."""
        return self._summary_text(k, lang)

    def _best_k(self) -> int:
        """The k with the highest mean adjusted Rand index."""
        return int(self.table.set_index("k")["mean_ari"].idxmax())

    def _summary_text(self, k: int, lang: str = "en") -> str:
        return cluster_text.stability_text(self, k, lang)

    def plot(self, ax=None, lang: str = "en"):
        return cluster_plots.plot_stability(self, ax=ax, lang=lang)


# ---------------------------------------------------------------- helpers
def _check_k_range(k_range: Any, n: int) -> list[int]:
    try:
        ks = sorted({int(k) for k in k_range})
    except (TypeError, ValueError) as e:
        raise ParameterError(f"k_range={k_range!r} must be whole numbers such as range(2, 11).") from e
    if not ks:
        raise ParameterError("k_range is empty; pass e.g. range(2, 11).")
    for k in (ks[0], ks[-1]):  # the smallest and the largest name the problem best
        _check_k(k, n, what="k in k_range")
    return ks


def _n_distinct(Z: np.ndarray, ks: Sequence[int]) -> int:
    """Number of distinct feature vectors; refuses data that support none of the k tried."""
    n = len(np.unique(np.round(Z, 12), axis=0))
    if n < 2:
        raise DomainError("all customers have the same feature values: there is nothing to cluster.")
    if n < ks[0]:
        raise DomainError(f"the customers have only {n} distinct combinations of feature values, so the data "
                          f"support at most {n} clusters; set k_min ≤ {n}.")
    return n


def _scores_limited(Z, lab, sample_size, seed, threads):
    with _threads(threads):
        return scores(Z, lab, sample_size=sample_size, seed=seed)


def _chord_distance(x: Sequence[float], y: Sequence[float]) -> np.ndarray:
    """(1 − x_n) − y_n on axes scaled to [0, 1]: how far each point lies below the chord."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return np.zeros(len(x))
    return (1 - (x - x.min()) / np.ptp(x)) - (y - y.min()) / np.ptp(y)
