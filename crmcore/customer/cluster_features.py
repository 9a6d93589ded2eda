"""Clustering features (聚类特征): one numeric row per customer → the matrix the models cluster.

:func:`prepare_features` validates the per-customer table at the door (one row per customer, numeric,
finite, not constant), applies ``log1p`` to skewed money and counts, then standard / robust / min-max
scaling, and records the transform in :class:`Features` so it can be applied to new customers.
:class:`ScalingEffect` (made by :func:`crmcore.cluster.scaling_effect`) shows why scaling matters.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from crmcore.customer import cluster_plots, cluster_text
from crmcore.customer.cluster_text import COLUMNS, LABELS  # noqa: F401  (headers for to_frame(lang))
from crmcore.errors import DataError, DomainError, ParameterError, data_error
from crmcore.results import ParagraphResult, Result

SCALINGS = ("standard", "robust", "minmax", "none")

#: column names recognised as R, F and M (case-insensitive, first match wins)
RECENCY_NAMES = ("recency", "recency_days", "r")
FREQUENCY_NAMES = ("frequency", "orders", "invoices", "f", "purchase_days")
MONETARY_NAMES = ("monetary", "revenue", "monetary_value", "m", "amount", "sales")


def prepare_features(
    table: Any,
    *,
    columns: Sequence[str] | None = None,
    id_col: str = "customer_id",
    log: str | Sequence[str] | None = "auto",
    scaling: str = "standard",
) -> Features:
    """Turn a per-customer numeric table into clustering features.

    Parameters
    ----------
    table : DataFrame (or 2-D array)
        One row per customer; the id is column ``id_col`` if present, else the index.
    columns : default all numeric (non-boolean) columns except the id.
    log : "auto" (default) applies ``log1p`` to columns that are never negative and have skewness
        > 1 — money and counts; a list names the columns; None applies none.
    scaling : "standard" (z = (x − mean)/sd), "robust" ((x − median)/IQR), "minmax"
        ((x − min)/(max − min)) or "none".

    Raises DataError naming the column for NaN/inf values, constant columns, non-numeric columns
    and duplicated customer ids.
    """
    if scaling not in SCALINGS:
        raise ParameterError(f"scaling={scaling!r} is not supported; use one of {', '.join(map(repr, SCALINGS))}.")
    raw = _numeric_table(table, columns, id_col=id_col, what="prepare_features").sort_index(kind="stable")
    const = [c for c in raw.columns if raw[c].nunique() <= 1]
    if const:
        c = const[0]
        raise data_error(f"is constant ({raw[c].iloc[0]!r} for all {len(raw):,} customers) and cannot separate clusters",
                         column=c, fix=f"Leave it out with columns=[...] (constant: {', '.join(map(repr, const))})")
    if log == "auto":
        log_cols = _auto_log(raw)
    elif log is None:
        log_cols = []
    else:
        log_cols = [log] if isinstance(log, str) else list(log)
        unknown = [c for c in log_cols if c not in raw.columns]
        if unknown:
            raise ParameterError(f"log= names column(s) {', '.join(map(repr, unknown))} that are not features; "
                                 f"features: {', '.join(raw.columns)}.")
    g = raw.copy()
    for c in log_cols:
        neg = g[c] < 0
        if neg.any():
            raise data_error("are negative, so log1p is undefined", column=c, n_bad=int(neg.sum()), n_total=len(g),
                             examples=list(zip(map(repr, g.index[neg][:3]), g[c][neg][:3])), cls=DomainError,
                             fix="Net returns out first, or drop the column from log=")
        g[c] = np.log1p(g[c])
    notes: list[str] = []
    if scaling == "standard":
        center, scale = g.mean(), g.std(ddof=0)
    elif scaling == "robust":
        center = g.median()
        scale = g.quantile(0.75) - g.quantile(0.25)
        zero = scale[scale <= 0].index.tolist()
        if zero:
            # an IQR of 0 (most customers share one value) would divide by zero: fall back to the sd
            scale[zero] = g[zero].std(ddof=0)
            notes.append(f"IQR is 0 for {', '.join(zero)}; scaled by the standard deviation instead")
    elif scaling == "minmax":
        center, scale = g.min(), g.max() - g.min()
    else:
        center = pd.Series(0.0, index=g.columns)
        scale = pd.Series(1.0, index=g.columns)
    data = (g - center) / scale
    return Features(data=data, raw=raw, log_columns=tuple(log_cols), scaling=scaling,
                    center=center, scale=scale, notes=tuple(notes))


@dataclass(frozen=True, eq=False, repr=False)
class Features(Result):
    """Clustering features: the transformed matrix, the raw values and the recorded transform.

    ``data`` (transformed) and ``raw`` (original units) are indexed by customer id, sorted.
    Transform of column j: ``z = (g(x) - center_j) / scale_j`` with ``g = log1p`` for the columns
    in ``log_columns`` and the identity otherwise.
    """

    data: pd.DataFrame
    raw: pd.DataFrame
    log_columns: tuple[str, ...]
    scaling: str
    center: pd.Series
    scale: pd.Series
    notes: tuple[str, ...] = ()
    title: str = "Clustering features (聚类特征)"
    _conventions = ("scaling", "log_columns")

    @property
    def columns(self) -> list[str]:
        return list(self.data.columns)

    def interpret(self, lang: str = "en") -> list[str]:
        """How many customers, which features, and the transform applied to them."""
        return cluster_text.features_sentences(self, lang)

    @property
    def n(self) -> int:
        return len(self.data)

    def to_frame(self) -> pd.DataFrame:
        """The transform, one row per feature: log1p?, center, scale, raw mean/sd/skewness."""
        return pd.DataFrame({
            "feature": self.columns,
            "log1p": [c in self.log_columns for c in self.columns],
            "center": self.center.to_numpy(),
            "scale": self.scale.to_numpy(),
            "raw_mean": self.raw.mean().to_numpy(),
            "raw_sd": self.raw.std(ddof=0).to_numpy(),
            "raw_skew": self.raw.skew().to_numpy(),
        })

    def transform(self, table: Any, *, id_col: str = "customer_id") -> pd.DataFrame:
        """Apply the recorded transform to another per-customer table with the same columns."""
        raw = _numeric_table(table, self.columns, id_col=id_col, what="transform")
        g = raw.astype(float).copy()
        for c in self.log_columns:
            g[c] = np.log1p(g[c])
        return (g - self.center) / self.scale


@dataclass(frozen=True, eq=False, repr=False)
class ScalingEffect(ParagraphResult):
    """η² of each feature under clusterings made with different feature preparations.

    ``summary`` says a feature dominates the raw distances only when it carries at least
    ``DOMINANT_SHARE`` (80 %) of the total raw variance (squared Euclidean distances add up the features' squared differences); η² is
    measured after log1p + standardising, so the feature the raw clusters capture best need not be it.
    """

    table: pd.DataFrame     # variant × feature
    k: int
    seed: int
    raw_sd: pd.Series       # standard deviation of each raw feature (its "units")
    title: str = "Why scaling matters (为什么要标准化)"
    _conventions = ("k", "seed")

    def _summary_text(self, lang: str = "en") -> str:
        """What the raw clustering misses, in one sentence generated from the η² table."""
        return cluster_text.scaling_text(self, lang)

    def plot(self, ax=None, lang: str = "en"):
        return cluster_plots.plot_scaling_effect(self, ax=ax, lang=lang)


# ---------------------------------------------------------------- helpers
def _id_index(table: pd.DataFrame, id_col: str) -> pd.DataFrame:
    if id_col in table.columns:
        df = table.set_index(id_col)
    else:
        df = table
        if df.index.name is None:
            df = df.rename_axis(id_col)
    dup = df.index.duplicated(keep=False)
    if dup.any():
        ex = [(i, v) for i, v in enumerate(df.index) if dup[i]][:3]
        raise data_error("are duplicated: clustering needs one row per customer", column=df.index.name,
                         n_bad=int(dup.sum()), n_total=len(df), examples=ex,
                         fix="Aggregate to one row per customer first (e.g. rfm_table or engine.customer_summary)")
    return df


def _numeric_table(table: Any, columns: Sequence[str] | None, *, id_col: str, what: str) -> pd.DataFrame:
    """Validate at the door: a DataFrame (or array) → numeric columns, indexed by customer id."""
    if isinstance(table, np.ndarray):
        if table.ndim != 2:
            raise DataError(f"{what}: an array must be 2-D (customers × features); got shape {table.shape}.")
        table = pd.DataFrame(table, columns=[f"x{j}" for j in range(table.shape[1])])
    if not isinstance(table, pd.DataFrame):
        raise DataError(f"{what}: expected a per-customer DataFrame (or 2-D array), got {type(table).__name__}.")
    df = _id_index(table, id_col)
    if columns is None:
        columns = [c for c in df.columns
                   if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
        if not columns:
            raise DataError(f"{what}: the table has no numeric columns. Columns found: {', '.join(map(str, df.columns))}.")
    else:
        columns = [columns] if isinstance(columns, str) else list(columns)
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise data_error(f"{what}: column(s) {', '.join(map(repr, missing))} not found",
                             columns=df.columns, fix="Pass columns= with names from the table")
        for c in columns:
            if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
                bad = df[c].head(3)
                raise data_error("is not numeric", column=c, examples=list(zip(map(repr, bad.index), bad.to_numpy())),
                                 fix="Cluster on numeric columns only; encode categories first or leave them out")
    if len(df) == 0:
        raise DataError(f"{what}: the table has no rows.")
    out = df[list(columns)].astype(float)
    for c in out.columns:
        v = out[c].to_numpy()
        bad = ~np.isfinite(v)
        if bad.any():
            idx = np.flatnonzero(bad)[:3]
            raise data_error("are missing (NaN) or infinite", column=c, n_bad=int(bad.sum()), n_total=len(v),
                             examples=[(repr(out.index[i]), v[i]) for i in idx],
                             fix="Fill or drop these customers first (e.g. table.dropna(subset=[...])), "
                                 "or leave the column out with columns=[...]")
    return out


def _auto_log(raw: pd.DataFrame) -> list[str]:
    """Columns that are never negative and right-skewed (skewness > 1): money and counts."""
    skew = raw.skew()
    return [c for c in raw.columns if raw[c].min() >= 0 and skew[c] > 1.0]


def _find(columns: Iterable[str], names: Sequence[str]) -> str | None:
    lower = {str(c).lower(): c for c in columns}
    for n in names:
        if n in lower:
            return lower[n]
    return None
