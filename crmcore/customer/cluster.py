"""Customer clustering (客户聚类): prepare features, choose k, compare models, profile and name clusters.

Clustering finds customer groups without fixing value thresholds or weights in advance: the
input is unclassified per-customer records (an RFM table, ``engine.customer_summary`` or any
numeric per-customer table) and the algorithm groups them so that similarity inside a group is
high and between groups low.

The pipeline:

1. :func:`prepare_features` — ``log1p`` for skewed money and counts, then standard / robust /
   min-max scaling; the transform is recorded in the result.
2. :func:`choose_k` — inertia with knee detection (Kneedle: the point farthest from the chord,
   Satopää et al. 2011), silhouette (Rousseeuw 1987; sampled for large n), Calinski–Harabasz
   (1974), Davies–Bouldin (1979) in one table, and a recommended k with the reason
   (:func:`recommend_k`: the k most criteria choose; a tie goes to the best mean rank).
   :func:`stability` — bootstrap stability: mean adjusted Rand index (Hubert & Arabie 1985)
   between the full-data clustering and clusterings fitted on resamples (Hennig 2007).
3. :func:`fit` / :func:`compare_models` — k-means (default), mini-batch k-means (large n),
   Gaussian mixture, agglomerative (Ward) and DBSCAN on the same features.
4. :func:`profile` — size, share, revenue share, mean and median of each feature against the
   overall mean, and automatic names from the 8-class RFM rule (:func:`naming_rule`).

**Centres and inertia — one definition everywhere.** A cluster's centre is the point the model
assigns customers by: the final centres of (mini-batch) k-means (``cluster_centers_``, what
``predict`` uses), the component means of a Gaussian mixture (``means_``), and the label means for
Ward and DBSCAN (which cannot assign new customers). Inertia is the sum of squared distances of the
customers to their own cluster's centre, ``W = Σ_i ‖z_i − μ_c(i)‖²`` (noise left out) — for k-means
exactly scikit-learn's ``inertia_``. :func:`fit`, :func:`choose_k` and ``Clustering.centers`` all use
it (:func:`_centres_inertia`).

**Stable labels.** Every fit sorts the customers by id before fitting (so a shuffled input gives
the same fit) and then relabels the clusters canonically: **cluster 0 has the highest mean of the
monetary column** (``order_by``; the first of monetary / revenue / amount / sales found, else the
first feature), cluster 1 the next highest, and so on (ties by size, larger first). DBSCAN's noise
stays ``-1``.

**Where the code is.** This module holds the functions that fit models — :func:`fit`, :func:`choose_k`,
:func:`stability`, :func:`compare_models`, :func:`scaling_effect` — and re-exports every public name of the
files that hold one idea each: :mod:`~crmcore.customer.cluster_features` (preparing features, the scaling
effect), :mod:`~crmcore.customer.cluster_models` (the estimators, canonical labels, centres and inertia,
:class:`Clustering`), :mod:`~crmcore.customer.cluster_k` (the criteria, the recommended k, stability),
:mod:`~crmcore.customer.cluster_profile` (profiles, names, cross-tabs); the words are in
:mod:`~crmcore.customer.cluster_text` and the charts in :mod:`~crmcore.customer.cluster_plots`.
``cluster.fit``, ``cluster.profile``, ``cluster.LABELS`` … work as before.

References: Satopää, Albrecht, Irwin & Raghavan (2011), "Finding a 'Kneedle' in a haystack",
ICDCS workshops; Rousseeuw (1987), J. Comput. Appl. Math. 20:53–65; Caliński & Harabasz (1974),
Commun. Stat. 3:1–27; Davies & Bouldin (1979), IEEE PAMI 1:224–227; Hubert & Arabie (1985),
J. Classification 2:193–218; Hennig (2007), Comput. Stat. Data Anal. 52:258–271. The 8-class
RFM names (重要价值客户 … 一般挽留客户) follow the usual Chinese CRM teaching scheme, e.g.
黄成明《数据化管理》(2014).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from crmcore.customer import cluster_text
from crmcore.customer.cluster_features import (FREQUENCY_NAMES, MONETARY_NAMES, RECENCY_NAMES,  # noqa: F401
                                               SCALINGS, Features, ScalingEffect, _find, prepare_features)
from crmcore.customer.cluster_k import (RULES, KChoice, Stability, _check_k_range, _n_distinct,  # noqa: F401
                                        _scores_limited, check_k_param, knee, recommend_k, scores, silhouette)
from crmcore.customer.cluster_models import (MODELS, N_INIT, Clustering, _as_features, _canonical,  # noqa: F401
                                             _centres_inertia, _check_k, _check_model, _dbscan_eps, _fit_matrix,
                                             _threads)
from crmcore.customer.cluster_plots import (plot_choose_k, plot_pca, plot_profile_heatmap,  # noqa: F401
                                            plot_scaling_effect, plot_silhouette, plot_snake, plot_stability)
from crmcore.customer.cluster_profile import (ACTIONS, NAMES, RULE, CrossTab, Profile, assignments,  # noqa: F401
                                              crosstab, name_clusters, naming_rule, profile)
from crmcore.customer.cluster_text import (COLUMNS, DOMINANT_SHARE, LABELS, _t, naming_rule_text,  # noqa: F401
                                           rfm_notes)
from crmcore.errors import ParameterError
from crmcore.labels import check_lang
from crmcore.results import Result

#: above this many customers ``model="auto"`` uses mini-batch k-means
LARGE_N = 50_000
#: Ward needs O(n²) memory; above this many customers it is refused
WARD_MAX = 20_000


def fit(
    X: Any,
    k: int = 4,
    *,
    model: str = "auto",
    seed: int = 0,
    order_by: str | None = None,
    n_init: int | None = None,
    batch_size: int = 4096,
    eps: float | None = None,
    min_samples: int = 10,
    threads: int = 1,
) -> Clustering:
    """Cluster customers with one model and relabel canonically.

    Parameters
    ----------
    X : Features from :func:`prepare_features` (a DataFrame is prepared with its defaults).
    k : number of clusters (ignored by DBSCAN, which finds its own).
    model : "auto" (default: k-means, or mini-batch k-means above 50,000 customers), "kmeans",
        "minibatch", "gmm", "ward" or "dbscan".
    seed : random_state of the model; fixed restarts ``n_init`` (k-means 10, mini-batch 3, GMM 3).
    order_by : raw column whose cluster mean orders the labels (cluster 0 = highest); default the
        monetary column (monetary / revenue / amount / sales), else the first feature.
    eps, min_samples : DBSCAN radius (default: 90th percentile of the min_samples-th-neighbour
        distance) and core size.
    threads : OpenMP/BLAS threads (default 1: fastest on a shared machine; raise it on an idle one).
    """
    F = _as_features(X)
    model = _resolve_model(model, F.n)
    if model != "dbscan":
        k = _check_k(k, F.n)
    if model == "ward" and F.n > WARD_MAX:
        raise ParameterError(f"Ward clustering of {F.n:,} customers needs O(n²) memory; it is limited to "
                             f"{WARD_MAX:,}. Use model='kmeans' or 'minibatch', or cluster a sample.")
    if order_by is None:
        order_by = _find(F.raw.columns, MONETARY_NAMES) or F.columns[0]
    elif order_by not in F.raw.columns:
        raise ParameterError(f"order_by={order_by!r} is not a feature; features: {', '.join(F.columns)}.")
    Z = F.data.to_numpy()  # rows are sorted by customer id, so row order of the input does not matter
    params: dict[str, Any] = {}
    if model == "dbscan":
        if eps is None:
            with _threads(threads):
                eps = _dbscan_eps(Z, min_samples, seed)
        params = {"eps": round(float(eps), 6), "min_samples": min_samples}
    elif model in N_INIT:
        params = {"n_init": n_init if n_init is not None else N_INIT[model]}
        if model == "minibatch":
            params["batch_size"] = batch_size
    est, lab, runtime = _fit_matrix(Z, k, model, seed=seed, n_init=n_init, batch_size=batch_size,
                                    eps=eps, min_samples=min_samples, threads=threads)
    labels, mapping = _canonical(lab, F.raw[order_by].to_numpy())
    s = pd.Series(labels, index=F.data.index, name="cluster")
    cen, inertia = _centres_inertia(est, model, Z, lab)
    centers = pd.DataFrame([cen[u] for u in sorted(cen, key=lambda u: mapping[u])],
                           index=pd.Index(sorted(mapping[u] for u in cen), name="cluster"), columns=F.data.columns)
    return Clustering(labels=s, features=F, model=model, k=len(centers), seed=seed, order_by=order_by,
                      centers=centers, inertia=inertia, runtime=runtime, mapping=mapping, estimator=est,
                      params=params)


def choose_k(
    X: Any,
    k_range: Iterable[int] = range(2, 11),
    *,
    model: str = "auto",
    seed: int = 0,
    sample_size: int = 10_000,
    rule: str = "vote",
    n_init: int | None = None,
    batch_size: int = 4096,
    threads: int = 1,
) -> KChoice:
    """Fit each k and score it: inertia (with the knee), silhouette, Calinski–Harabasz, Davies–Bouldin.

    ``rule="vote"`` (default) recommends the k chosen by most of the four criteria — knee of the
    inertia curve, highest silhouette, highest CH, lowest DB — a tie broken by the best mean rank
    of the tied k over the four criteria (distance below the chord for the inertia; the smaller k
    if still tied); ``rule`` may also name one criterion. Silhouette is computed on a seeded sample of
    ``sample_size`` customers when there are more (its cost is quadratic in n). ``model="auto"``
    uses k-means, or mini-batch k-means above 50,000 customers; only k-means-type models and GMM
    are allowed here.
    """
    F = _as_features(X)
    if rule not in RULES:
        raise ParameterError(f"rule={rule!r} is not supported; use one of {', '.join(map(repr, RULES))}.")
    model = _resolve_model(model, F.n)
    if model not in ("kmeans", "minibatch", "gmm"):
        raise ParameterError(f"choose_k fits k-means, mini-batch k-means or gmm; got model={model!r}.")
    ks = _check_k_range(k_range, F.n)
    Z = F.data.to_numpy()
    n_distinct = _n_distinct(Z, ks)
    rows = []
    for k in ks:
        if k > n_distinct:  # more clusters than distinct customers: k-means would return empty/duplicate centres
            rows.append({"k": k, "inertia": np.nan, "silhouette": np.nan, "calinski_harabasz": np.nan,
                         "davies_bouldin": np.nan, "smallest_share": np.nan, "runtime_s": np.nan,
                         "supported": False})
            continue
        est, lab, rt = _fit_matrix(Z, k, model, seed=seed, n_init=n_init, batch_size=batch_size,
                                   eps=None, min_samples=0, threads=threads)
        inertia = _centres_inertia(est, model, Z, lab)[1]
        with _threads(threads):
            sc = scores(Z, lab, sample_size=sample_size, seed=seed)
        rows.append({"k": k, "inertia": inertia, **sc,
                     "smallest_share": float(np.bincount(lab).min() / len(lab)), "runtime_s": rt,
                     "supported": True})
    table = pd.DataFrame(rows)
    rec, kn, choices = recommend_k(table, rule=rule)
    table["knee"] = table["k"] == kn
    table["recommended"] = table["k"] == rec
    return KChoice(table=table, knee=kn, choices=choices, recommended=rec, rule=rule, model=model, seed=seed,
                   sample_size=sample_size, sampled=F.n > sample_size, features=F,
                   n_distinct=n_distinct if n_distinct < ks[-1] else None)


def stability(
    X: Any,
    k_range: Iterable[int] = range(2, 9),
    *,
    n_boot: int = 10,
    model: str = "kmeans",
    seed: int = 0,
    n_init: int | None = None,
    threads: int = 1,
) -> Stability:
    """Bootstrap stability per k (Hennig 2007; Lange et al. 2004 use the same idea).

    For each k: fit on all customers (reference); then ``n_boot`` times draw n customers with
    replacement (seeded), fit on the resample, assign every customer with the resample's model and
    compute the adjusted Rand index against the reference. ARI is 1 for identical partitions
    (labels may differ) and ≈ 0 for chance agreement.
    """
    from sklearn.metrics import adjusted_rand_score

    F = _as_features(X)
    model = _resolve_model(model, F.n)
    if model not in ("kmeans", "minibatch", "gmm"):
        raise ParameterError(f"stability needs a model that assigns new customers (kmeans, minibatch, gmm); got {model!r}.")
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 2:
        raise ParameterError(f"n_boot={n_boot!r} must be a whole number ≥ 2.")
    ks = _check_k_range(k_range, F.n)
    Z = F.data.to_numpy()
    n_distinct = _n_distinct(Z, ks)
    rng = np.random.default_rng(seed)
    draws = [rng.integers(0, F.n, size=F.n) for _ in range(n_boot)]
    rows = []
    for k in ks:
        if k > n_distinct:  # not supported by the data (see choose_k)
            rows.append({"k": k, "mean_ari": np.nan, "sd_ari": np.nan, "min_ari": np.nan})
            continue
        _, ref, _ = _fit_matrix(Z, k, model, seed=seed, n_init=n_init, batch_size=4096, eps=None, min_samples=0,
                                threads=threads)
        aris = []
        for b, idx in enumerate(draws):
            est, _, _ = _fit_matrix(Z[idx], k, model, seed=seed + b + 1, n_init=n_init, batch_size=4096,
                                    eps=None, min_samples=0, threads=threads)
            with _threads(threads):
                aris.append(adjusted_rand_score(ref, est.predict(Z)))
        a = np.array(aris)
        rows.append({"k": k, "mean_ari": a.mean(), "sd_ari": a.std(ddof=1), "min_ari": a.min()})
    return Stability(table=pd.DataFrame(rows), n_boot=int(n_boot), model=model, seed=seed)


def compare_models(
    X: Any,
    k: int = 4,
    *,
    models: Sequence[str] = ("kmeans", "minibatch", "gmm", "ward"),
    seed: int = 0,
    sample_size: int = 10_000,
    eps: float | None = None,
    min_samples: int = 10,
    lang: str = "en",
    threads: int = 1,
) -> ModelComparison:
    """Fit each model with the same k and seed; one table and an ARI agreement matrix.

    Table columns: model, clusters found, sizes (cluster 0 first, canonical order), smallest
    cluster share, noise share (DBSCAN), silhouette, Calinski–Harabasz, Davies–Bouldin, runtime in
    seconds and ARI against the first model. Ward is skipped (with a note) above 20,000 customers.
    """
    from sklearn.metrics import adjusted_rand_score

    check_lang(lang)
    F = _as_features(X)
    k = _check_k(k, F.n)
    models = [_check_model(m) for m in models]
    if not models:
        raise ParameterError("models is empty; pass e.g. ('kmeans', 'gmm', 'ward').")
    fits: dict[str, Clustering] = {}
    notes = []
    for m in models:
        if m == "ward" and F.n > WARD_MAX:
            notes.append(f"ward skipped: {F.n:,} customers > {WARD_MAX:,} (O(n²) memory)")
            continue
        fits[m] = fit(F, k, model=m, seed=seed, eps=eps, min_samples=min_samples, threads=threads)
    Z = F.data.to_numpy()
    first = next(iter(fits.values()))
    rows = []
    for m, c in fits.items():
        lab = c.labels.to_numpy()
        sizes = c.sizes()
        sz = sizes[sizes.index >= 0]
        rows.append({
            "model": _t(m, lang), "clusters": c.n_clusters,
            "sizes": " / ".join(f"{v:,}" for v in sz.to_numpy()),
            "smallest_share": float(sz.min() / F.n), "noise_share": float((lab < 0).mean()),
            **_scores_limited(Z, lab, sample_size, seed, threads),
            "runtime_s": c.runtime,
            "ari_vs_first": float(adjusted_rand_score(first.labels.to_numpy(), lab)),
        })
    names = [_t(m, lang) for m in fits]
    agree = pd.DataFrame([[adjusted_rand_score(a.labels.to_numpy(), b.labels.to_numpy()) for b in fits.values()]
                          for a in fits.values()], index=names, columns=names)
    return ModelComparison(table=pd.DataFrame(rows), agreement=agree, fits=fits, k=k, seed=seed, notes=tuple(notes))


def scaling_effect(
    table: Any,
    k: int = 4,
    *,
    columns: Sequence[str] | None = None,
    id_col: str = "customer_id",
    seed: int = 0,
) -> ScalingEffect:
    """Cluster the same customers three ways — raw, standardised, log1p + standardised — and show
    how much of each feature's variation the clusters capture.

    η² (eta squared) of feature j = between-cluster sum of squares ÷ total sum of squares, measured
    on the log1p+standardised values so the three clusterings are judged in the same units. Raw
    features let the largest-unit column (money) decide the clusters alone.
    """
    variants = {"raw": dict(log=None, scaling="none"), "standard": dict(log=None, scaling="standard"),
                "log1p + standard": dict(log="auto", scaling="standard")}
    ref = prepare_features(table, columns=columns, id_col=id_col, log="auto", scaling="standard").data
    rows = {}
    for name, kw in variants.items():
        F = prepare_features(table, columns=columns, id_col=id_col, **kw)
        lab = fit(F, k, seed=seed).labels.to_numpy()
        tot = ((ref - ref.mean()) ** 2).sum()
        between = ref.groupby(lab).apply(lambda d: len(d) * (d.mean() - ref.mean()) ** 2).sum()
        rows[name] = between / tot
    raw_sd = prepare_features(table, columns=columns, id_col=id_col, log=None, scaling="none").raw.std(ddof=0)
    return ScalingEffect(table=pd.DataFrame(rows).T.rename_axis("preparation"), k=k, seed=seed, raw_sd=raw_sd)


@dataclass(frozen=True, eq=False, repr=False)
class ModelComparison(Result):
    """Several models on the same features: sizes, scores, runtime and pairwise agreement (ARI)."""

    table: pd.DataFrame
    agreement: pd.DataFrame
    fits: Mapping[str, Clustering]
    k: int
    seed: int
    notes: tuple[str, ...] = ()
    title: str = "Clustering models compared (常见的聚类模型比较)"
    _conventions = ("k", "seed")

    def interpret(self, lang: str = "en") -> list[str]:
        """Which two models agree most and which least (adjusted Rand index between their clusterings)."""
        return cluster_text.comparison_sentences(self, lang)


# ---------------------------------------------------------------- helpers
def _resolve_model(model: str, n: int) -> str:
    if model == "auto":
        return "minibatch" if n > LARGE_N else "kmeans"
    return _check_model(model)
