"""What every weights result shares: a weight vector read from any input (:func:`as_weights`) and the base
class :class:`WeightsResult` (``weights_dict()``, the bar chart), and the check of a data matrix. Imported by ``weights_fuzzy``,
``weights_objective``, ``weights_experts`` and ``weights``; imports none of them.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from crmcore.decision.weights_text import label, tr
from crmcore.errors import DomainError, ParameterError
from crmcore.results import Result


def as_weights(weights: Any, *, what: str = "weights", normalise: bool = False) -> pd.Series:
    """A weight vector from a Series, a dict, a list or any result with ``weights``/``weights_dict()``
    (crmcore.weights results, ``ahp.AHPResult``): non-negative, finite, summing to 1 (or normalised)."""
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
        from crmcore.decision.weights_plots import plot_weights

        return plot_weights(self.weights, ax=ax, lang=lang, title=title or tr(self._plot_title, lang),
                            names=self.names)

    _plot_title = "t_entropy"


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
