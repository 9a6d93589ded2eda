"""Customer assets (客户资产): historical, current and future value per customer, value segments and actions.

Future value is the CLV of :mod:`crmcore.clv` (BG/NBD × Gamma-Gamma); this module adds the historical and
current value from the transactions and the four segments of future × historical value.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crmcore.customer import clv_text
from crmcore.customer.clv_models import _check_value_params
from crmcore.customer.clv_text import COLUMNS, SEGMENT_ACTIONS, SEGMENTS  # noqa: F401  (COLUMNS: the headers)
from crmcore.errors import DomainError
from crmcore.labels import check_lang
from crmcore.results import Result, readable

if TYPE_CHECKING:
    from crmcore.customer.clv_fit import Fit

SEGMENT_ORDER = ("star", "rising", "fading", "low")


def customer_value(tx: Any, *, asof: Any, horizon: float = 52, discount_rate: float = 0.10, margin: float = 0.30,
                   current_days: int = 90, freq_multiplier: float = 7, interval: bool = False, draws: int = 100,
                   lang: str = "en") -> CustomerValue:
    """Historical, current and future value of every customer (客户资产：历史价值、当前价值、未来价值).

    * historical value = margin × net spend before ``asof``;
    * current value = margin × net spend in the ``current_days`` days before ``asof`` (what the customer brings now);
    * future value = CLV over ``horizon`` periods of the summary's unit (weeks with the default
      ``freq_multiplier=7``): BG/NBD × Gamma-Gamma, discounted at the yearly ``discount_rate``, × margin
      (customers without a positive repeat spend get the population mean spend);
    * segment: high/low future × high/low historical value, split at each median; an action per segment.
    ``interval=True`` adds a 90 % parametric-bootstrap interval of the future value (``draws`` draws).
    """
    from crmcore import engine
    from crmcore.customer import rfm
    from crmcore.customer.clv_fit import Fit, clv_interval, fit

    check_lang(lang)
    _check_value_params(horizon, discount_rate, margin)
    asof_ts = engine.check_asof(asof)
    summ = rfm.btyd_summary(tx, asof=asof_ts, freq="D", freq_multiplier=freq_multiplier)
    summ = summ.set_index("customer_id")
    bg = fit(summ, model="bgnbd")
    gg = _spend_model(summ)
    hist = _spend_by_customer(tx, start=None, end=asof_ts).reindex(summ.index).fillna(0.0)
    gross = _spend_by_customer(tx, start=None, end=asof_ts, purchases_only=True).reindex(summ.index).fillna(0.0)
    # the spend model sees purchases only (returns dropped); a customer's future spend is kept net of the share
    # of purchases they returned so far (a customer who returned everything gets no future spend)
    kept = np.clip(np.divide(hist.to_numpy(), gross.to_numpy(), out=np.zeros(len(hist)), where=gross.to_numpy() > 0),
                   0.0, 1.0)
    fut = bg.clv(gg, horizon=horizon, discount_rate=discount_rate, margin=margin) * kept
    lo = hi = None
    if interval:
        if np.all(np.isfinite(bg.cov_log)) and (not isinstance(gg, Fit) or np.all(np.isfinite(gg.cov_log))):
            ci = clv_interval(bg, gg, horizon=horizon, discount_rate=discount_rate, margin=margin, draws=draws)
            lo, hi = ci["clv_low"].to_numpy() * kept, ci["clv_high"].to_numpy() * kept
        else:
            warnings.warn("customer_value: a model has no standard errors (the optimum is on a boundary), so the "
                          "future value has no interval (NaN).", UserWarning, stacklevel=2)
            lo = hi = np.full(len(fut), np.nan)
    cur = _spend_by_customer(tx, start=asof_ts - pd.Timedelta(days=int(current_days)), end=asof_ts) \
        .reindex(summ.index).fillna(0.0)
    out = pd.DataFrame({"customer_id": summ.index, "frequency": summ["frequency"].to_numpy(),
                        "recency": summ["recency"].to_numpy(), "T": summ["T"].to_numpy(),
                        "p_alive": bg.p_alive(), "expected_purchases": bg.expected_purchases(horizon),
                        "historical_value": margin * hist.to_numpy(), "current_value": margin * cur.to_numpy(),
                        "future_value": fut})
    if interval:
        out["future_value_low"], out["future_value_high"] = lo, hi
    hi_f = out["future_value"] > out["future_value"].median()
    hi_h = out["historical_value"] > out["historical_value"].median()
    out["segment"] = np.select([hi_f & hi_h, hi_f & ~hi_h, ~hi_f & hi_h], ["star", "rising", "fading"], "low")
    out = out.sort_values("future_value", ascending=False, kind="mergesort").reset_index(drop=True)
    return CustomerValue(table=out, asof=str(asof_ts.date()), horizon=float(horizon), unit=bg.unit,
                         discount_rate=float(discount_rate), margin=float(margin), current_days=int(current_days),
                         transactions_model=bg, spend_model=gg, lang=lang)


# ---------------------------------------------------------------- result
@dataclass(frozen=True)
class CustomerValue(Result):
    """Historical, current and future value per customer (客户资产), value segment and action."""

    _columns = COLUMNS
    table: pd.DataFrame = field(repr=False)
    asof: str
    horizon: float
    unit: str
    discount_rate: float
    margin: float
    current_days: int
    transactions_model: Fit = field(repr=False)
    spend_model: Any = field(repr=False)
    lang: str = "en"
    _conventions = ("asof", "horizon", "unit", "discount_rate", "margin", "current_days")
    title = "Customer value: historical, current, future"

    def conventions(self) -> dict[str, Any]:
        c = super().conventions()
        c.update({"historical_value": "margin × net spend before asof",
                  "current_value": f"margin × net spend in the last {self.current_days} days before asof",
                  "future_value": "BG/NBD × Gamma-Gamma CLV over the horizon (discounted, × margin), × the share "
                                  "of the customer's purchases not returned so far",
                  "segments": "high/low split at the median of future and of historical value"})
        return c

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """One row per customer. ``lang`` gives readable headers and the segment words in that language;
        None keeps the code's column names (``frequency``, ``T``, ``value_segment`` …) and the result's language."""
        words = check_lang(lang or self.lang)
        df = self.table.copy()
        df["value_segment"] = df["segment"].map(lambda k: SEGMENTS[k][words])
        df["action"] = df["segment"].map(lambda k: SEGMENT_ACTIONS[k][words])
        return readable(df.drop(columns=["segment"]), lang, type(self))

    def segment_table(self, lang: str | None = None) -> pd.DataFrame:
        """Per value segment: customers, share of historical and future value, action."""
        lang = check_lang(lang or self.lang)
        t = self.table
        g = t.groupby("segment")
        out = pd.DataFrame({"customers": g.size(), "historical_value": g["historical_value"].sum(),
                            "future_value": g["future_value"].sum()}).reindex(list(SEGMENT_ORDER)).fillna(0)
        out["customers"] = out["customers"].astype("int64")
        out["share_of_historical_value"] = out["historical_value"] / max(t["historical_value"].sum(), 1e-12)
        out["share_of_future_value"] = out["future_value"] / max(t["future_value"].sum(), 1e-12)
        out.insert(0, "value_segment", [SEGMENTS[k][lang] for k in out.index])
        out["action"] = [SEGMENT_ACTIONS[k][lang] for k in out.index]
        return out.reset_index(drop=True)

    def interpret(self, lang: str | None = None) -> list[str]:
        return clv_text.interpret_value(self, check_lang(lang or self.lang))

    def plot(self, ax=None, lang: str | None = None, kind: str = "segments", **kw):
        from crmcore.customer import clv_plots

        return clv_plots.plot_value(self, ax=ax, lang=check_lang(lang or self.lang), kind=kind,
                                    segments=SEGMENTS, order=SEGMENT_ORDER, **kw)


# ---------------------------------------------------------------- private helpers
def _spend_by_customer(tx, *, start, end, purchases_only=False):
    """Net spend per customer with start ≤ order_date < end (start None: from the beginning); with
    ``purchases_only`` the purchases alone (returns dropped, as in btyd_summary)."""
    from crmcore import engine

    t = engine.table(tx)
    engine._check_cols(t, ["customer_id", "order_date", "amount"], "clv.customer_value")
    cond = t.order_date < end
    if purchases_only:
        cond = cond & (t.amount >= 0)
        if "is_return" in t.columns:
            cond = cond & ~t.is_return
    if start is not None:
        cond = cond & (t.order_date >= start)
    expr = t.filter(cond).group_by("customer_id").aggregate(v=t.amount.sum())
    df = engine.execute(expr, tx)
    return df.set_index("customer_id")["v"]


def _spend_model(summ):
    """Gamma-Gamma on the summary, or the mean repeat spend when too few repeat customers (with a warning)."""
    from crmcore.customer.clv_fit import fit

    rep = summ[summ["frequency"] > 0]
    try:
        return fit(summ, model="gamma_gamma")
    except DomainError as e:
        mean = float(rep["monetary_value"].clip(lower=0).mean()) if len(rep) else 0.0
        warnings.warn(f"{e} Using the mean repeat spend {mean:,.2f} for everyone instead.", UserWarning, stacklevel=3)
        return mean

