"""Customer lifetime value: buy-till-you-die models fitted by maximum likelihood, CLV, customer assets.

Models (``fit(summary, model=...)``), each named and parameterised as published:

* ``"bgnbd"`` — BG/NBD, Fader, Hardie & Lee (2005a), "Counting your customers the easy way",
  *Marketing Science* 24(2): while alive a customer buys at Poisson rate λ ~ Gamma(r, α); after every
  repeat purchase she drops out with probability p ~ Beta(a, b). Parameters ``r, alpha, a, b``.
* ``"pareto_nbd"`` — Pareto/NBD, Schmittlein, Morrison & Colombo (1987), *Management Science* 33(1);
  likelihood as in Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and related
  expressions": purchases at rate λ ~ Gamma(r, α), an exponential lifetime with rate μ ~ Gamma(s, β).
* ``"gamma_gamma"`` — the spend model of Fader, Hardie & Lee (2005b), "RFM and CLV: using iso-value
  curves", *Journal of Marketing Research* 42(4) (Fader & Hardie's note "The Gamma-Gamma model of
  monetary value", 2013): the mean of a customer's x repeat purchases, with ``p, q, gamma``; it assumes
  spend is independent of frequency, so the fit reports their correlation.
* ``"sbg"`` — shifted beta-geometric, Fader & Hardie (2007), "How to project customer retention",
  *Journal of Interactive Marketing* 21(1): a contract renews each period with probability 1 − θ,
  θ ~ Beta(alpha, beta); fitted to a survival curve.

Input: the columns of :func:`crmcore.rfm.btyd_summary` (``frequency`` = repeat purchase periods — the
first purchase is not counted, it only starts the clock —, ``recency`` = last − first purchase,
``T`` = asof − first purchase, ``monetary_value`` = mean spend of the repeat purchases). Hardie's names
``x, t_x, T, zbar`` are recognised, or pass ``columns={"frequency": "x", ...}``. The likelihood runs on
the unique (frequency, recency, T) rows weighted by their counts; parameters are optimised on the log
scale with analytic gradients (BG/NBD, Gamma-Gamma, sBG; numeric for Pareto/NBD); standard errors
come from the Hessian of the log-likelihood (delta method from the log scale).

CLV (:meth:`Fit.clv`) is **discounted expected transactions × expected spend × margin**: with monthly
steps t_k = k·Δ (Δ = one twelfth of a year in the model's time unit, the last step cut at the horizon),

    CLV_i = margin × E[Z_i] × Σ_k (E[Y_i(t_k)] − E[Y_i(t_{k−1})]) / (1 + d)^(t_k / periods per year),

d the yearly discount rate; not the closed-form DERT of Fader, Hardie & Lee (2005b).

The module is the public face; one idea per file behind it: the models' mathematics in
:mod:`~crmcore.customer.clv_models`, fitting and the fitted model in :mod:`~crmcore.customer.clv_fit`, customer
assets in :mod:`~crmcore.customer.clv_value`, holdout validation in :mod:`~crmcore.customer.clv_holdout`, the
words and sentences in :mod:`~crmcore.customer.clv_text`, the charts in :mod:`~crmcore.customer.clv_plots`.
Everything is reachable as ``clv.X``.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from crmcore.customer.clv_fit import Fit, _label, clv_interval, fit  # noqa: F401  (re-exported: clv.fit)
from crmcore.customer.clv_holdout import Holdout, holdout  # noqa: F401  (re-exported: clv.holdout)
from crmcore.customer.clv_models import (  # noqa: F401  (the private ones re-exported for the tests)
    HARDIE, MODELS, PARAMS, UNITS, _bgnbd_ll, _bgnbd_objective, _by_unique, _check_value_params, _cond_exp, _cov,
    _discounted_transactions, _dot, _gg_expected, _gg_ll, _gg_objective, _hessian, _maximise, _num_grad, _p_alive,
    _pnbd_ll, _prepare, _sbg_ll_total, _uncond_exp, _unique_rows, _unit)
from crmcore.customer.clv_text import (  # noqa: F401  (re-exported: results.py reads clv.COLUMNS)
    COLUMNS, DATA_SOURCE, DEMO_TYPES, GROUP_COLUMNS, MEANING, SEGMENT_ACTIONS, SEGMENTS, TEXT)
from crmcore.customer.clv_value import SEGMENT_ORDER, CustomerValue, customer_value  # noqa: F401
from crmcore.errors import DataError, ParameterError
from crmcore.labels import check_lang


# ---------------------------------------------------------------- small public helpers for the lesson and report
def loglik(params: Mapping[str, float], summary: Any, *, model: str = "bgnbd",
           columns: Mapping[str, str] | None = None) -> np.ndarray:
    """The log-likelihood of each row of ``summary`` under ``params`` (published names), for checking a hand
    calculation: BG/NBD (FHL 2005a eq. 6), Pareto/NBD (Fader & Hardie 2005) or Gamma-Gamma (FHL 2005b)."""
    if model not in ("bgnbd", "pareto_nbd", "gamma_gamma"):
        raise ParameterError(f"model={model!r}: use 'bgnbd', 'pareto_nbd' or 'gamma_gamma'.")
    missing = [k for k in PARAMS[model] if k not in params]
    if missing:
        raise ParameterError(f"params lacks {', '.join(missing)}; {model} needs {', '.join(PARAMS[model])}.")
    th = tuple(float(params[k]) for k in PARAMS[model])
    if model == "gamma_gamma":
        s = _prepare(summary, ("frequency", "monetary_value"), columns, model)
        return _gg_ll(th, s["frequency"].to_numpy(), s["monetary_value"].to_numpy())
    s = _prepare(summary, ("frequency", "recency", "T"), columns, model)
    fn = _bgnbd_ll if model == "bgnbd" else _pnbd_ll
    return fn(th, *(s[c].to_numpy() for c in ("frequency", "recency", "T")))


def data_source(summary: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """What the models see: customers, repeat buyers, repeat purchases, ages — as a two-column table."""
    check_lang(lang)
    b = summary.attrs.get("crmcore", {}).get("btyd", {})
    u = _unit(summary, None)
    f = summary["frequency"]
    rows = [
        (DATA_SOURCE("asof", lang), b.get("asof", "")),
        (DATA_SOURCE("customers", lang), f"{len(summary):,}"),
        (DATA_SOURCE("repeat", lang), f"{int((f > 0).sum()):,} ({(f > 0).mean():.1%})"),
        (DATA_SOURCE("repeat_days", lang), f"{int(f.sum()):,}"),
        (DATA_SOURCE("median_age", lang, u=TEXT(u, lang)), f"{summary['T'].median():,.1f}"),
        (DATA_SOURCE("unit", lang), TEXT(u, lang)),
    ]
    return pd.DataFrame({DATA_SOURCE("measure", lang): [r[0] for r in rows],
                         DATA_SOURCE("value", lang): [r[1] for r in rows]})


def p_alive_by_group(fit: Fit, groups: Any, *, lang: str = "en",
                     labels: Mapping[str, Mapping[str, str] | tuple[str, str]] | None = None) -> pd.DataFrame:
    """Mean P(alive) per group (e.g. the demo's true types), over all customers and over repeat buyers only —
    BG/NBD gives every one-time buyer P(alive) = 1, so the second column is the fair comparison."""
    check_lang(lang)
    fit._need("bgnbd", "pareto_nbd")
    g = np.asarray(groups)
    if len(g) != fit.n:
        raise DataError(f"groups has {len(g):,} values for {fit.n:,} fitted customers; give one per summary row.")
    frame = pd.DataFrame({"group": g, "p": fit.p_alive(), "rep": fit.summary["frequency"].to_numpy() > 0})
    frame["p_rep"] = frame["p"].where(frame["rep"])
    out = frame.groupby("group").agg(customers=("p", "size"), repeat_buyers=("p_rep", "count"),
                                     p_alive_all=("p", "mean"), p_alive_repeat=("p_rep", "mean"))
    labels = labels if labels is not None else DEMO_TYPES
    out.index = [_label(labels[k], lang) if k in labels else k for k in out.index]
    return out.sort_values(["p_alive_repeat", "p_alive_all"])


