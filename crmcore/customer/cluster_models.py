"""The clustering models (聚类模型) and one fitted clustering, :class:`Clustering`.

Scikit-learn estimators for k-means, mini-batch k-means, Gaussian mixture, agglomerative (Ward) and DBSCAN
with fixed restarts; the canonical relabelling (cluster 0 = highest mean of the monetary column); the
centres each model assigns by and the inertia around them (one definition everywhere, see
:mod:`crmcore.cluster`). The fitting functions of :mod:`crmcore.cluster` (``fit``, ``choose_k``,
``stability``, ``compare_models``) all go through :func:`_fit_matrix` and :func:`_centres_inertia` here.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from crmcore.customer import cluster_plots, cluster_text
from crmcore.customer.cluster_features import Features, prepare_features
from crmcore.customer.cluster_text import COLUMNS, LABELS  # noqa: F401  (headers for to_frame(lang))
from crmcore.errors import DataError, ParameterError
from crmcore.results import Result

MODELS = ("kmeans", "minibatch", "gmm", "ward", "dbscan")
#: default restarts per model (fixed, so results do not depend on sklearn's "auto")
N_INIT = {"kmeans": 10, "minibatch": 3, "gmm": 3}


@dataclass(frozen=True, eq=False, repr=False)
class Clustering(Result):
    """One fitted clustering: labels per customer (canonical: 0 = highest mean ``order_by``)."""

    labels: pd.Series
    features: Features
    model: str
    k: int
    seed: int
    order_by: str
    centers: pd.DataFrame   # the centres the model assigns by (module docstring), canonical labels
    inertia: float          # Σ squared distance to those centres (= scikit-learn's inertia_ for k-means)
    runtime: float          # wall-clock seconds: varies between runs, never shown in a report
    mapping: Mapping[int, int]
    estimator: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    title: str = "Customer clustering (客户聚类)"
    _conventions = ("model", "k", "seed", "order_by", "params")

    @property
    def n_clusters(self) -> int:
        return int((self.labels.unique() >= 0).sum())

    def sizes(self) -> pd.Series:
        return self.labels.value_counts().sort_index().rename("customers")

    def interpret(self, lang: str = "en") -> list[str]:
        """How many clusters, and the largest and smallest by share of customers."""
        return cluster_text.clustering_sentences(self, lang)

    def to_frame(self) -> pd.DataFrame:
        """The customer-to-cluster table with the raw feature values."""
        return self.features.raw.assign(cluster=self.labels).reset_index()[
            [self.labels.index.name or "customer_id", "cluster", *self.features.columns]]

    def predict(self, table: Any, *, id_col: str = "customer_id") -> pd.Series:
        """Clusters of new customers (k-means, mini-batch, Gaussian mixture only), same canonical labels."""
        if self.model not in ("kmeans", "minibatch", "gmm"):
            raise ParameterError(f"a {self.model} clustering cannot assign new customers; refit with model='kmeans'.")
        Z = self.features.transform(table, id_col=id_col)
        with _threads(1):
            raw = self.estimator.predict(Z.to_numpy())
        return pd.Series(_relabel(raw, self.mapping), index=Z.index, name="cluster")

    def plot(self, ax=None, lang: str = "en", kind: str = "pca", names: Mapping[int, str] | None = None):
        """``kind`` = "pca" (2-D PCA scatter), "silhouette" or "snake"."""
        fn = {"pca": cluster_plots.plot_pca, "silhouette": cluster_plots.plot_silhouette,
              "snake": cluster_plots.plot_snake}.get(kind)
        if fn is None:
            raise ParameterError(f"kind={kind!r}: use 'pca', 'silhouette' or 'snake'.")
        return fn(self, ax=ax, lang=lang, names=names)


# ---------------------------------------------------------------- helpers
def _as_features(X: Any) -> Features:
    """A Features as is; a DataFrame or array is prepared with :func:`prepare_features` defaults."""
    if isinstance(X, Features):
        return X
    if isinstance(X, Clustering):
        return X.features
    return prepare_features(X)


def _labels_of(labels: Any) -> pd.Series:
    if isinstance(labels, Clustering):
        return labels.labels
    if isinstance(labels, pd.Series):
        return labels
    raise DataError(f"labels must be a Clustering or a Series indexed by customer id; got {type(labels).__name__}.")


def _check_k(k: Any, n: int, what: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise ParameterError(f"{what}={k!r} must be a whole number ≥ 2.")
    if k < 2:
        raise ParameterError(f"{what}={k} must be at least 2 (one cluster is no segmentation).")
    if k >= n:
        raise ParameterError(f"{what}={k} is not below the number of customers ({n:,}): "
                             f"use k ≤ {max(n - 1, 1)} (silhouette needs at least one cluster with two members), "
                             "or add customers.")
    return int(k)


def _check_model(model: str) -> str:
    if model not in MODELS:
        raise ParameterError(f"model={model!r} is not supported; use one of {', '.join(map(repr, MODELS))}.")
    return model


def _estimator(model: str, k: int, *, seed: int, n_init: int | None, batch_size: int,
               eps: float | None, min_samples: int):
    from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans, MiniBatchKMeans
    from sklearn.mixture import GaussianMixture

    ni = n_init if n_init is not None else N_INIT.get(model)
    if model == "kmeans":
        return KMeans(n_clusters=k, n_init=ni, random_state=seed)
    if model == "minibatch":
        return MiniBatchKMeans(n_clusters=k, n_init=ni, random_state=seed, batch_size=batch_size)
    if model == "gmm":
        return GaussianMixture(n_components=k, n_init=ni, random_state=seed, covariance_type="full")
    if model == "ward":
        return AgglomerativeClustering(n_clusters=k, linkage="ward")
    return DBSCAN(eps=eps, min_samples=min_samples)


def _dbscan_eps(Z: np.ndarray, min_samples: int, seed: int) -> float:
    """Default DBSCAN radius: the 90th percentile of the distance to the min_samples-th neighbour
    (on a seeded sample of at most 5,000 customers) — the 'k-distance' heuristic of Ester et al. 1996."""
    from sklearn.neighbors import NearestNeighbors

    rng = np.random.default_rng(seed)
    S = Z[rng.choice(len(Z), size=min(len(Z), 5000), replace=False)]
    d, _ = NearestNeighbors(n_neighbors=min(min_samples, len(S) - 1) + 1).fit(S).kneighbors(S)
    return float(np.quantile(d[:, -1], 0.90))


def _canonical(raw_labels: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, dict[int, int]]:
    """Relabel so cluster 0 has the highest mean ``key`` (ties: larger first, then first seen)."""
    ids = [u for u in pd.unique(raw_labels) if u >= 0]
    stats = []
    for u in ids:
        m = raw_labels == u
        stats.append((-float(key[m].mean()), -int(m.sum()), int(np.argmax(m)), int(u)))
    mapping = {u: new for new, (*_, u) in enumerate(sorted(stats))}
    mapping[-1] = -1
    return _relabel(raw_labels, mapping), mapping


def _relabel(raw_labels: np.ndarray, mapping: Mapping[int, int]) -> np.ndarray:
    lut = np.full(max(mapping) + 2, -1, dtype=int)  # slot 0 holds noise (−1)
    for old, new in mapping.items():
        lut[old + 1] = new
    return lut[np.asarray(raw_labels, dtype=int) + 1]


def _threads(n: int):
    """Cap OpenMP/BLAS threads: k-means on a shared machine slows down by 50× when its threads spin
    against other processes (measured: 80 s vs 1.3 s for k = 2..10 on 2,000 customers)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=n)


def _fit_matrix(Z: np.ndarray, k: int, model: str, *, seed: int, n_init: int | None, batch_size: int,
                eps: float | None, min_samples: int, threads: int = 1):
    est = _estimator(model, k, seed=seed, n_init=n_init, batch_size=batch_size, eps=eps, min_samples=min_samples)
    t0 = time.perf_counter()
    with _threads(threads):
        if model == "gmm":
            est.fit(Z)
            lab = est.predict(Z)
        else:
            lab = est.fit_predict(Z)
    return est, np.asarray(lab, dtype=int), time.perf_counter() - t0


def _centres_inertia(est: Any, model: str, Z: np.ndarray, raw: np.ndarray) -> tuple[dict[int, np.ndarray], float]:
    """Centre of each raw label and the inertia around those centres (see the module docstring)."""
    ids = sorted(int(u) for u in np.unique(raw) if u >= 0)
    if model in ("kmeans", "minibatch"):
        cen = {u: np.asarray(est.cluster_centers_[u], dtype=float) for u in ids}
    elif model == "gmm":
        cen = {u: np.asarray(est.means_[u], dtype=float) for u in ids}
    else:
        cen = {u: Z[raw == u].mean(axis=0) for u in ids}
    inertia = float(sum(((Z[raw == u] - cen[u]) ** 2).sum() for u in ids))
    return cen, inertia
