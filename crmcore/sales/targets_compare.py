"""Comparison analysis (对比分析) in its four kinds — time, space, plan and standard — as one tidy table.

:func:`compare` returns a :class:`Comparison` (item, basis, value, reference, difference, pct_difference);
the sentences and the leads that say what was compared are in :mod:`crmcore.sales.targets_text`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from crmcore.errors import DataError, ParameterError, data_error
from crmcore.labels import check_lang
from crmcore.labels import value as _value
from crmcore.results import Result
from crmcore.sales import targets_plots
from crmcore.sales.targets_checks import check_amount
from crmcore.sales.targets_text import COLUMNS, LABELS, basis_label, comparison_sentences

__all__ = ["COLUMNS", "KINDS", "LABELS", "Comparison", "compare"]

KINDS = ("time", "space", "plan", "standard")


def compare(data: Any, *, kind: str, value: str = "revenue", by: str | None = None, freq: str = "M",
            reference: str | None = None, target: Any = None, benchmark: Any = None,
            as_share: bool = False) -> Comparison:
    """Comparison analysis (对比分析) in its four kinds, as one tidy table.

    kind="time"     — ``data`` per period (Series with a date index, or ``engine.periodic_sales``
                      output); bases: previous period (环比, MoM) and same period last year (同比, YoY)
                      for ``freq`` "M" or "Q"; only YoY for "Y". Periods without a match get NaN.
    kind="space"    — ``data`` per unit (region, channel...; Series or a frame with ``by``);
                      basis: the mean of the units, or the unit ``reference``.
    kind="plan"     — ``data`` actual per item, ``target`` per item (Series/dict) or one number.
    kind="standard" — ``data`` per item against ``benchmark`` (one number or per item).

    Columns: item, basis, value, reference, difference (= value − reference),
    pct_difference (= difference ÷ |reference|, NaN when the reference is 0).
    ``as_share``: the values are shares (0.45 = 45%), so sentences write the standard as a percentage.
    """
    if kind not in KINDS:
        raise ParameterError(f"kind={kind!r}: use one of {', '.join(map(repr, KINDS))}.")
    if kind == "time":
        if freq not in ("M", "Q", "Y"):
            raise ParameterError(f"freq={freq!r}: time comparison works on 'M', 'Q' or 'Y' periods.")
        s = _as_items(data, value=value, by=by, name="data")
        try:
            idx = pd.PeriodIndex(pd.DatetimeIndex(pd.to_datetime(s.index)), freq=freq)
        except (TypeError, ValueError):
            raise DataError("data: kind='time' needs periods as dates (period start), e.g. '2025-06-01'.") from None
        ser = pd.Series(s.to_numpy(), index=idx).groupby(level=0).sum().sort_index()
        lag = {"M": 12, "Q": 4, "Y": 1}[freq]
        parts = []
        if freq != "Y":
            prev = ser.reindex(ser.index - 1).to_numpy()
            parts.append(_rows(ser.index.astype(str), ser, prev, "mom"))
        yoy = ser.reindex(ser.index - lag).to_numpy()
        parts.append(_rows(ser.index.astype(str), ser, yoy, "yoy"))
        return Comparison(table=pd.concat(parts, ignore_index=True), kind=kind, freq=freq)
    if kind == "space":
        s = _as_items(data, value=value, by=by, name="data").sort_index()
        if reference is None:
            ref, basis = np.full(len(s), s.mean()), "mean"
        else:
            if reference not in s.index:
                raise ParameterError(f"reference={reference!r} is not one of the units: {', '.join(map(str, s.index))}.")
            ref, basis = np.full(len(s), s[reference]), f"vs {reference}"
        t = _rows(s.index.astype(str), s, ref, basis)
        t["share"] = s.to_numpy() / s.sum()
        t["rank"] = t["value"].rank(ascending=False, method="min").astype(int)
        return Comparison(table=t, kind=kind)
    s = _as_items(data, value=value, by=by, name="data").sort_index()
    given, what, basis = (target, "target", "target") if kind == "plan" else (benchmark, "benchmark", "benchmark")
    if given is None:
        raise ParameterError(f"kind={kind!r} needs {what}=: one number or one per item.")
    if np.isscalar(given):
        ref = np.full(len(s), check_amount(given, what) if kind == "plan" else float(given))
    else:
        g = _as_items(given, value=value, by=by, name=what)
        miss = [i for i in s.index if i not in g.index]
        if miss:
            raise DataError(f"{what}: no value for {len(miss)} item(s) ({', '.join(map(str, miss[:3]))}); "
                            f"give a {what} for every item.")
        ref = g.reindex(s.index).to_numpy()
    t = _rows(s.index.astype(str), s, ref, basis)
    if kind == "plan":
        with np.errstate(divide="ignore", invalid="ignore"):
            t["achievement"] = np.where(t["reference"] != 0, t["value"] / t["reference"], np.nan)
    return Comparison(table=t, kind=kind, as_share=bool(as_share))


@dataclass(frozen=True, eq=False, repr=False)
class Comparison(Result):
    """Comparison analysis: one tidy table item, basis, value, reference, difference, pct_difference."""

    table: pd.DataFrame
    kind: str
    freq: str | None = None
    as_share: bool = False
    title: str = "Comparison analysis (对比分析)"
    _conventions = ("kind", "freq")

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """The tidy table; with ``lang``, the basis as words and the demo data's items in that language
        (headers: ``crm.show(frame, lang, columns=targets.COLUMNS)``)."""
        out = self.table.copy()
        if lang is not None:
            check_lang(lang)
            out["item"] = out["item"].map(lambda v: _value(v, lang))
            out["basis"] = out["basis"].map(lambda b: basis_label(b, lang))
        return out

    def plot(self, ax=None, lang: str = "en", title: str | None = None):
        return targets_plots.plot_comparison(self, ax=ax, lang=lang, title=title)

    def interpret(self, lang: str = "en") -> list[str]:
        """One sentence per basis; the demo data's unit names (store, East …) in ``lang``."""
        return comparison_sentences(self, lang)


def _as_items(data: Any, *, value: str, by: str | None, name: str) -> pd.Series:
    """A Series item → value from a Series or a DataFrame with ``by`` and ``value`` columns."""
    if isinstance(data, pd.DataFrame):
        key = by if by is not None else ("period" if "period" in data.columns else None)
        if key is None or key not in data.columns or value not in data.columns:
            raise data_error(f"needs the item column ({by or 'period'!r}) and the value column {value!r}",
                             source=name, columns=list(data.columns), fix="name them with by= and value=")
        s = pd.to_numeric(data[value], errors="coerce").groupby(data[key].to_numpy()).sum(min_count=1)
    elif isinstance(data, pd.Series):
        s = pd.to_numeric(data, errors="coerce")
    elif isinstance(data, Mapping):
        s = pd.to_numeric(pd.Series(data), errors="coerce")
    else:
        raise DataError(f"{name}: expected a Series, a dict or a DataFrame, got {type(data).__name__}.")
    if s.empty:
        raise DataError(f"{name} is empty; there is nothing to compare.")
    bad = np.flatnonzero(s.isna().to_numpy())
    if len(bad):
        raise data_error("are not numbers", source=name, column=value, n_bad=len(bad), n_total=len(s),
                         examples=[(s.index[i], data.iloc[i] if isinstance(data, pd.Series) else None) for i in bad[:3]])
    return s.astype(float)


def _rows(items, values, refs, basis) -> pd.DataFrame:
    v = np.asarray(values, dtype=float)
    ref = np.asarray(refs, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(ref != 0, (v - ref) / np.abs(ref), np.nan)
    return pd.DataFrame({"item": list(items), "basis": basis, "value": v, "reference": ref,
                         "difference": v - ref, "pct_difference": pct})
