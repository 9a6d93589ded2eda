"""Calibration / holdout validation of a CLV transaction model (Fader, Hardie & Lee 2005a, section 4)."""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crmcore.customer import clv_text
from crmcore.customer.clv_models import UNITS
from crmcore.customer.clv_text import COLUMNS
from crmcore.errors import ParameterError
from crmcore.labels import check_lang
from crmcore.results import Result

if TYPE_CHECKING:
    from crmcore.customer.clv_fit import Fit


def holdout(tx: Any, *, calibration_end: Any, holdout_end: Any, model: str = "bgnbd",
            freq_multiplier: float = 7, max_frequency: int = 7) -> Holdout:
    """Fit on purchases before ``calibration_end``, predict each customer's repeat purchases (purchase days)
    in [calibration_end, holdout_end) and compare: MAE and correlation per customer, the weekly cumulative
    tracking curve (population model vs actual) and the conditional expectation by calibration frequency
    (``max_frequency`` and more pooled), as in Fader, Hardie & Lee (2005a), figures 2–4."""
    from crmcore import engine
    from crmcore.customer import rfm
    from crmcore.customer.clv_fit import fit

    if model not in ("bgnbd", "pareto_nbd"):
        raise ParameterError(f"model={model!r}: holdout validates 'bgnbd' or 'pareto_nbd'.")
    c_end, h_end = engine.check_asof(calibration_end, "calibration_end"), engine.check_asof(holdout_end, "holdout_end")
    if h_end <= c_end:
        raise ParameterError(f"holdout_end={h_end:%Y-%m-%d} must be later than calibration_end={c_end:%Y-%m-%d}.")
    summ = rfm.btyd_summary(tx, asof=c_end, freq="D", freq_multiplier=freq_multiplier).set_index("customer_id")
    with warnings.catch_warnings():  # standard errors play no part in the validation
        warnings.filterwarnings("ignore", message=r"clv\.fit\(model=.*Hessian")
        m = fit(summ, model=model)
    days_per_unit = 365.25 / UNITS[m.unit]
    length = (h_end - c_end).days / days_per_unit
    # purchase days per customer (returns dropped, as in btyd_summary)
    t = engine.table(tx)
    keep = (t.order_date < h_end) & (t.amount >= 0)
    if "is_return" in t.columns:
        keep = keep & ~t.is_return
    t2 = t.filter(keep)
    expr = t2.group_by(["customer_id", t2.order_date.date().name("day")]).aggregate(n=t2.count())
    days = engine.execute(expr, tx)
    days["day"] = pd.to_datetime(days["day"])
    days = days[days["customer_id"].isin(summ.index)]
    first = days.groupby("customer_id")["day"].transform("min")
    repeat = days[days["day"] > first]
    actual = repeat[repeat["day"] >= c_end].groupby("customer_id").size().reindex(summ.index).fillna(0)
    pred = m.expected_purchases(length)
    table = pd.DataFrame({"customer_id": summ.index, "frequency": summ["frequency"].to_numpy(),
                          "predicted": pred, "actual": actual.to_numpy().astype(float)})
    mae = float(np.mean(np.abs(table["predicted"] - table["actual"])))
    corr = float(np.corrcoef(table["predicted"], table["actual"])[0, 1]) if table["actual"].std() > 0 else float("nan")
    cap = table["frequency"].clip(upper=max_frequency).astype(int)
    byf = table.groupby(cap).agg(customers=("actual", "size"), predicted=("predicted", "mean"),
                                 actual=("actual", "mean")).rename_axis("calibration_frequency").reset_index()
    byf["calibration_frequency"] = [f"{k}+" if k == max_frequency and (table["frequency"] > max_frequency).any()
                                    else str(k) for k in byf["calibration_frequency"]]
    # weekly cumulative tracking: actual repeat purchase days vs Σ_cohorts n_c · E[X(t − s_c)]
    firsts = days.groupby("customer_id")["day"].min()
    start = firsts.min()
    n_weeks = int(math.ceil((h_end - start).days / 7))
    grid = start + pd.to_timedelta(7 * np.arange(1, n_weeks + 1), unit="D")
    grid = grid.where(grid <= h_end, h_end)
    rep_days = np.sort(repeat["day"].to_numpy())
    act_cum = np.searchsorted(rep_days, grid.to_numpy(), side="left")
    cohorts = firsts.value_counts()
    age = (grid.to_numpy()[:, None] - cohorts.index.to_numpy()[None, :]) / np.timedelta64(1, "D") / days_per_unit
    exp_cum = (m.expected_cumulative(np.clip(age, 0, None)) * (age > 0)) @ cohorts.to_numpy()
    tracking = pd.DataFrame({"week": np.arange(1, n_weeks + 1), "date": grid, "actual": act_cum.astype(float),
                             "predicted": exp_cum})
    return Holdout(table=table, tracking=tracking, by_frequency=byf, fitted=m, calibration_end=f"{c_end:%Y-%m-%d}",
                   holdout_end=f"{h_end:%Y-%m-%d}", holdout_length=float(length), model=model, mae=mae,
                   correlation=corr, predicted_total=float(table["predicted"].sum()),
                   actual_total=float(table["actual"].sum()))


# ---------------------------------------------------------------- result
@dataclass(frozen=True)
class Holdout(Result):
    """Calibration / holdout validation of a transaction model (Fader, Hardie & Lee 2005a, section 4)."""

    table: pd.DataFrame = field(repr=False)
    tracking: pd.DataFrame = field(repr=False)
    by_frequency: pd.DataFrame = field(repr=False)
    fitted: Fit = field(repr=False)
    calibration_end: str
    holdout_end: str
    holdout_length: float
    model: str
    mae: float
    correlation: float
    predicted_total: float
    actual_total: float
    _conventions = ("model", "calibration_end", "holdout_end", "holdout_length")
    title = "Holdout validation"

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """Predicted and actual holdout purchases by calibration frequency; ``lang`` gives readable headers."""
        if lang is None:
            return self.by_frequency.copy()
        check_lang(lang)
        return self.by_frequency.rename(columns={c: COLUMNS[c][lang] for c in self.by_frequency.columns
                                                 if c in COLUMNS})

    def interpret(self, lang: str = "en") -> list[str]:
        return clv_text.interpret_holdout(self, check_lang(lang))

    def plot(self, ax=None, lang: str = "en", kind: str = "tracking", **kw):
        from crmcore.customer import clv_plots

        return clv_plots.plot_holdout(self, ax=ax, lang=check_lang(lang), kind=kind, **kw)

