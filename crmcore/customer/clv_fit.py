"""Fitting the CLV models (BG/NBD, Pareto/NBD, Gamma-Gamma, sBG) and the fitted model with its predictions
(:class:`Fit`); :func:`clv_interval` combines a transaction model and a spend model into CLV.

The public face is :mod:`crmcore.customer.clv`, which re-exports everything here; customer assets
(:mod:`~crmcore.customer.clv_value`) and holdout validation (:mod:`~crmcore.customer.clv_holdout`) build on
this module.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy import optimize, special

from crmcore.customer.clv_models import (  # noqa: F401  (the private ones re-exported for the tests)
    HARDIE, MODELS, PARAMS, UNITS, _bgnbd_ll, _bgnbd_objective, _by_unique, _check_value_params, _cond_exp, _cov,
    _discounted_transactions, _dot, _gg_expected, _gg_ll, _gg_objective, _hessian, _maximise, _num_grad, _p_alive,
    _pnbd_ll, _prepare, _sbg_ll_total, _uncond_exp, _unique_rows, _unit)
from crmcore.customer.clv_text import (  # noqa: F401  (re-exported: results.py reads clv.COLUMNS)
    COLUMNS, DATA_SOURCE, DEMO_TYPES, GROUP_COLUMNS, MEANING, SEGMENT_ACTIONS, SEGMENTS, TEXT)
from crmcore.errors import DataError, DomainError, ParameterError
from crmcore.labels import check_lang
from crmcore.results import Result


# ---------------------------------------------------------------- fit
def fit(data: Any, *, model: str, columns: Mapping[str, str] | None = None, unit: str | None = None,
        cohort_size: float | None = None) -> Fit:
    """Fit a CLV model by maximum likelihood.

    Parameters
    ----------
    data : the summary of :func:`crmcore.rfm.btyd_summary` (``bgnbd``, ``pareto_nbd``, ``gamma_gamma``), or for
        ``sbg`` a survival curve: the share (or number) still active at t = 0, 1, 2, … (first value 1, or the
        cohort size).
    model : ``"bgnbd"``, ``"pareto_nbd"``, ``"gamma_gamma"`` or ``"sbg"``.
    columns : our name → your column, e.g. ``{"frequency": "x", "recency": "t_x", "monetary_value": "zbar"}``
        (Hardie's names are recognised without it).
    unit : time unit of recency and T (``days``, ``weeks``, ``months``); read from a btyd_summary, else weeks.
    cohort_size : sBG only: the number of customers behind a survival curve given as shares (standard
        errors need it; default 1,000 as in Fader & Hardie's example, or the first value of a count curve).
    """
    if model not in MODELS:
        raise ParameterError(f"model={model!r}: use one of {', '.join(MODELS)}.")
    if model == "sbg":
        return _fit_sbg(data, cohort_size)
    if model == "gamma_gamma":
        return _fit_gg(data, columns, unit)
    s = _prepare(data, ("frequency", "recency", "T"), columns, model)
    u = _unit(data, unit)
    keys = s[["frequency", "recency", "T"]].to_numpy()
    uniq, _, counts = _unique_rows(keys)
    x, tx, T = uniq.T
    w = counts.astype(float)
    N = w.sum()
    if (x > 0).sum() == 0:
        raise DomainError(f"clv.fit(model={model!r}): none of the {int(N):,} customers made a repeat purchase, so "
                          "nothing can be learned about purchase rates. Use a longer period or an earlier first-purchase cohort.")
    rate = _dot(x, w) / max(_dot(T, w), 1e-9)
    a0 = 1.0 / max(rate, 1e-6)
    hint = ("Check the time unit (weeks usually suit daily data: btyd_summary(..., freq_multiplier=7)) and that "
            "the summary has enough repeat customers; a model that fits the data badly may not have an optimum.")
    if model == "bgnbd":
        fg = _bgnbd_objective(x, tx, T, w)
        starts = [(1.0, a0, 1.0, 1.0), (0.5, a0 / 2, 0.5, 2.0), (2.0, 2 * a0, 2.0, 5.0)]
        best = _maximise(fg, starts, N, model, hint)
        grad_fn = lambda z: fg(z)[1] * N  # noqa: E731
    else:
        def f(z):
            with np.errstate(all="ignore"):
                ll = _pnbd_ll(np.exp(z), x, tx, T)
            return -_dot(ll, w) / N if np.all(np.isfinite(ll)) else np.inf

        def fg(z):
            v = f(z)
            return v, (_num_grad(f, z, 1e-6) if np.isfinite(v) else np.zeros(4))
        starts = [(1.0, a0, 1.0, a0), (0.5, a0 / 2, 0.5, 2 * a0)]
        best = _maximise(fg, starts, N, model, hint)
        best = _polish(f, best)
        grad_fn = lambda z: _num_grad(f, z, 1e-5) * N  # noqa: E731
    z = best.x
    th = np.exp(z)
    cov = _cov(_hessian(grad_fn, z), model)
    names = PARAMS[model]
    se = dict(zip(names, (th * np.sqrt(np.diag(cov))).tolist()))
    return Fit(model=model, params=dict(zip(names, th.tolist())), se=se, loglik=float(-best.fun * N), n=int(N),
               unit=u, summary=s, cov_log=cov, extra={"unique_rows": int(len(uniq)),
                                                      "columns": dict(columns or {})})


# ---------------------------------------------------------------- uncertainty
def clv_interval(transactions: Fit, spend: Fit | float, *, horizon: float, discount_rate: float = 0.10,
                 margin: float = 1.0, summary: Any = None, draws: int = 200, level: float = 0.90,
                 seed: int = 0) -> pd.DataFrame:
    """Per customer: CLV and a ``level`` interval by parametric bootstrap — parameter sets drawn from the
    asymptotic normal distribution of the log-parameters (inverse Hessian) of both models, CLV recomputed
    per draw, the interval read from the draws' quantiles. Reflects parameter uncertainty only (not the
    customer's own randomness)."""
    transactions._need("bgnbd", "pareto_nbd")
    _check_value_params(horizon, discount_rate, margin)
    if not 0 < level < 1:
        raise ParameterError(f"level={level!r} must be between 0 and 1, e.g. 0.90.")
    s = transactions._rows(summary, ("frequency", "recency", "T"))
    point = transactions.clv(spend, horizon=horizon, discount_rate=discount_rate, margin=margin, summary=summary)
    rng = np.random.default_rng(seed)
    cov_t = transactions.cov_log
    if not np.all(np.isfinite(cov_t)):
        raise DomainError("the transaction model has no standard errors (singular Hessian), so no interval can be drawn.")
    zt = rng.multivariate_normal(np.log(transactions._theta()), cov_t, size=draws)
    if isinstance(spend, Fit):
        spend._need("gamma_gamma")
        sp_sum = (_prepare(summary, ("frequency", "monetary_value"), spend.extra.get("columns"), "gamma_gamma")
                  if summary is not None else _with_spend(s, spend))
        zs = rng.multivariate_normal(np.log(spend._theta()), spend.cov_log, size=draws)
    out = np.empty((draws, len(s)))
    for d in range(draws):
        th = tuple(np.exp(zt[d]))
        det = _discounted_transactions(transactions.model, th, s, horizon, discount_rate, transactions.unit)
        if isinstance(spend, Fit):
            z = _gg_expected(tuple(np.exp(zs[d])), sp_sum["frequency"].to_numpy(), sp_sum["monetary_value"].to_numpy())
        else:
            z = _spend_of(spend, s)
        out[d] = np.maximum(margin * det * z, 0.0)
    lo, hi = np.nanquantile(out, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return pd.DataFrame({"clv": point, "clv_low": np.minimum(lo, point), "clv_high": np.maximum(hi, point)},
                        index=s.index)


# ---------------------------------------------------------------- result
@dataclass(frozen=True)
class Fit(Result):
    """A fitted CLV model: ``params`` (published names), ``se``, ``loglik`` and the predictions."""

    model: str
    params: dict
    se: dict
    loglik: float
    n: int
    unit: str
    summary: pd.DataFrame = field(repr=False)
    cov_log: np.ndarray = field(repr=False)
    extra: dict = field(default_factory=dict)
    _conventions = ("model", "unit", "n")

    @property
    def title(self) -> str:  # type: ignore[override]
        return f"{TEXT[self.model]['en']} fit"

    def conventions(self) -> dict[str, Any]:
        c = {"model": self.model, "unit": self.unit, "customers": self.n,
             "estimation": "maximum likelihood on unique rows with counts; log-parameters; SE from the Hessian"}
        if self.model in ("bgnbd", "pareto_nbd"):
            c["frequency"] = "repeat purchase periods (the first purchase starts the clock and is not counted)"
            c["clv"] = "discounted expected transactions × expected spend × margin, monthly steps"
        c.update({k: v for k, v in self.extra.items() if not isinstance(v, (np.ndarray, pd.DataFrame))})
        return c

    # -- tables and sentences
    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """The parameters, standard errors and their meaning; ``lang`` gives readable headers (None: code names)."""
        words = check_lang(lang) if lang is not None else "en"
        names = PARAMS[self.model]
        df = pd.DataFrame({"parameter": names, "estimate": [self.params[k] for k in names],
                           "se": [self.se[k] for k in names],
                           "meaning": [MEANING(f"{self.model}:{k}", words) for k in names]})
        return df if lang is None else df.rename(columns={c: COLUMNS[c][lang] for c in df.columns})

    def interpret(self, lang: str = "en") -> list[str]:
        from crmcore.customer import clv_text

        return clv_text.interpret_fit(self, lang)

    def plot(self, ax=None, lang: str = "en", kind: str | None = None, **kw):
        from crmcore.customer import clv_plots

        return clv_plots.plot_fit(self, ax=ax, lang=lang, kind=kind, **kw)

    # -- predictions
    def _need(self, *models):
        if self.model not in models:
            raise DomainError(f"this is a {TEXT[self.model]['en']} fit; the method needs "
                              f"{' or '.join(TEXT[m]['en'] for m in models)}.")

    def _rows(self, summary, need):
        if summary is None:
            return self.summary
        return _prepare(summary, need, self.extra.get("columns"), self.model)

    def p_alive(self, summary: Any = None) -> np.ndarray:
        """P(alive | x, t_x, T) per row: BG/NBD (FHL 2005a eq. 13) or Pareto/NBD (Fader & Hardie 2005 eq. 18)."""
        self._need("bgnbd", "pareto_nbd")
        s = self._rows(summary, ("frequency", "recency", "T"))
        return _by_unique(lambda x, tx, T: _p_alive(self.model, self._theta(), x, tx, T), s)

    def expected_purchases(self, t: float, summary: Any = None) -> np.ndarray:
        """E[Y(t) | x, t_x, T]: expected repeat purchases in the next ``t`` periods, per row of ``summary``."""
        self._need("bgnbd", "pareto_nbd")
        s = self._rows(summary, ("frequency", "recency", "T"))
        return _by_unique(lambda x, tx, T: _cond_exp(self.model, self._theta(), float(t), x, tx, T), s)

    def expected_cumulative(self, t: Any) -> np.ndarray:
        """The population's E[X(t)]: expected repeat purchases of one new customer by time(s) ``t``
        (BG/NBD: FHL 2005a eq. 9; Pareto/NBD: Schmittlein et al. 1987)."""
        self._need("bgnbd", "pareto_nbd")
        return _uncond_exp(self.model, self._theta(), np.asarray(t, dtype=float))

    def expected_spend(self, summary: Any = None) -> np.ndarray:
        """E[Z | zbar, x] per row (Gamma-Gamma, FHL 2005b eq. 5): a weighted mean of the customer's own mean
        repeat spend and the population mean p·γ/(q − 1); customers with no repeat purchase get the latter."""
        self._need("gamma_gamma")
        s = self._rows(summary, ("frequency", "monetary_value"))
        return _gg_expected(self._theta(), s["frequency"].to_numpy(), s["monetary_value"].to_numpy())

    def population_spend(self) -> float:
        self._need("gamma_gamma")
        p, q, g = self._theta()
        return p * g / (q - 1) if q > 1 else math.inf

    def survival(self, t: Any) -> np.ndarray:
        """sBG share still active at period(s) ``t`` (S(0) = 1): B(α, β + t) / B(α, β)."""
        self._need("sbg")
        a, b = self._theta()
        t = np.asarray(t, dtype=float)
        return np.exp(special.betaln(a, b + t) - special.betaln(a, b))

    def retention(self, t: Any) -> np.ndarray:
        """sBG retention rate from period t − 1 to t: (β + t − 1) / (α + β + t − 1) — it rises with t."""
        self._need("sbg")
        a, b = self._theta()
        t = np.asarray(t, dtype=float)
        return (b + t - 1) / (a + b + t - 1)

    def clv(self, spend: Any, *, horizon: float, discount_rate: float = 0.10, margin: float = 1.0,
            summary: Any = None) -> np.ndarray:
        """Per customer: margin × E[spend] × discounted expected repeat purchases over ``horizon`` periods
        (module docstring). ``spend``: a Gamma-Gamma fit (its expected spend per row), a number or an array."""
        self._need("bgnbd", "pareto_nbd")
        _check_value_params(horizon, discount_rate, margin)
        s = self._rows(summary, ("frequency", "recency", "T"))
        det = _discounted_transactions(self.model, self._theta(), s, horizon, discount_rate, self.unit)
        if isinstance(spend, Fit) and summary is None:
            z = spend.expected_spend(_with_spend(s, spend))
        else:
            z = _spend_of(spend, summary if summary is not None else s)
        return np.maximum(margin * det * z, 0.0)

    def _theta(self):
        return tuple(self.params[k] for k in PARAMS[self.model])


# ---------------------------------------------------------------- private helpers
def _polish(f, best):
    """A Nelder-Mead pass after L-BFGS-B on a numeric gradient (the Pareto/NBD surface is flat in β, s)."""
    with np.errstate(all="ignore"):
        res = optimize.minimize(f, best.x, method="Nelder-Mead",
                                options={"xatol": 1e-7, "fatol": 1e-12, "maxiter": 600, "maxfev": 600})
    if np.isfinite(res.fun) and res.fun <= best.fun:
        best.x, best.fun = res.x, res.fun
    return best


def _fit_gg(data, columns, unit):
    s = _prepare(data, ("frequency", "monetary_value"), columns, "gamma_gamma")
    rep = s[s["frequency"] > 0]
    if len(rep) < 5:
        raise DomainError(f"clv.fit(model='gamma_gamma'): only {len(rep)} customer(s) made a repeat purchase; the "
                          "spend model needs at least 5 (it is fitted on repeat customers' mean repeat spend).")
    m = rep["monetary_value"].to_numpy()
    if np.any(m <= 0):
        bad = rep.index[m <= 0][:3].tolist()
        raise DomainError(f"column monetary_value: {int((m <= 0).sum()):,} of {len(m):,} repeat customers have a zero "
                          f"or negative mean spend (e.g. rows {bad}); the Gamma-Gamma model needs positive spend. "
                          "Build the summary with btyd_summary(..., returns='drop'), or drop those customers.")
    x = rep["frequency"].to_numpy()
    N = float(len(x))

    fg = _gg_objective(x, m)
    mean = float(np.mean(m))
    cv2 = float(np.var(m) / mean**2) if len(m) > 1 else 1.0
    q0 = max(2.5, 2 + 1 / max(cv2, 1e-3))
    starts = [(1.0, q0, mean * (q0 - 1)), (5.0, 3.0, mean * 2 / 5), (10.0, 10.0, mean)]
    best = _maximise(fg, starts, N, "gamma_gamma", "Look at the spend distribution: a few extreme means can "
                     "stop the fit; consider capping them.")
    z = best.x
    th = np.exp(z)
    cov = _cov(_hessian(lambda zz: fg(zz)[1] * N, z), "gamma_gamma")
    corr = float(np.corrcoef(x, m)[0, 1]) if len(x) > 2 and np.std(x) > 0 else float("nan")
    names = PARAMS["gamma_gamma"]
    return Fit(model="gamma_gamma", params=dict(zip(names, th.tolist())),
               se=dict(zip(names, (th * np.sqrt(np.diag(cov))).tolist())), loglik=float(-best.fun * N),
               n=int(N), unit=_unit(data, unit), summary=s, cov_log=cov,
               extra={"frequency_spend_correlation": corr, "repeat_customers": int(N),
                      "columns": dict(columns or {})})


def _fit_sbg(data, cohort_size):
    v = np.asarray(pd.Series(data).to_numpy(), dtype=float) if not isinstance(data, np.ndarray) else data.astype(float)
    if v.ndim != 1 or len(v) < 3 or not np.all(np.isfinite(v)):
        raise DataError("clv.fit(model='sbg') needs a survival curve: the share (or number) still active at "
                        "t = 0, 1, 2, … with at least 3 finite values, e.g. [1.0, 0.631, 0.468, 0.382].")
    if np.any(np.diff(v) > 0) or v[-1] < 0:
        k = int(np.flatnonzero(np.diff(v) > 0)[0]) + 1 if np.any(np.diff(v) > 0) else len(v) - 1
        raise DataError(f"clv.fit(model='sbg'): a survival curve cannot rise (value at t={k} is {v[k]!r} after "
                        f"{v[k - 1]!r}). Give the share of the starting cohort still active each period.")
    if v[0] > 1 + 1e-9:
        size = float(v[0]) if cohort_size is None else float(cohort_size)
        shares = v / v[0]
    else:
        if abs(v[0] - 1) > 1e-9:
            raise DataError(f"clv.fit(model='sbg'): a survival curve of shares starts at 1 (got {v[0]!r}).")
        size = 1000.0 if cohort_size is None else float(cohort_size)
        shares = v
    lost = -np.diff(shares) * size
    alive_end = shares[-1] * size

    def f(z):
        th = np.exp(z)
        return -_sbg_ll_total(th, lost, alive_end) / size

    def fg(z):
        return f(z), _num_grad(f, z, 1e-7)
    best = _maximise(fg, [(1.0, 1.0), (0.5, 3.0), (2.0, 0.5)], size, "sbg",
                     "The curve may be too short or too flat; give more periods.")
    best = _polish(f, best)
    z = best.x
    th = np.exp(z)
    cov = _cov(_hessian(lambda zz: _num_grad(f, zz, 1e-5) * size, z), "sbg")
    return Fit(model="sbg", params={"alpha": float(th[0]), "beta": float(th[1])},
               se=dict(zip(("alpha", "beta"), (th * np.sqrt(np.diag(cov))).tolist())),
               loglik=float(-best.fun * size), n=int(round(size)), unit="periods", summary=pd.DataFrame(
                   {"period": np.arange(len(shares)), "survival": shares}), cov_log=cov,
               extra={"cohort_size": size, "periods": len(shares) - 1})


def _spend_of(spend, summary):
    if isinstance(spend, Fit):
        return spend.expected_spend(summary)
    arr = np.asarray(spend, dtype=float)
    if np.any(~np.isfinite(arr)) or np.any(arr < 0):
        raise ParameterError("spend must be a Gamma-Gamma fit or non-negative finite amount(s).")
    return arr


def _label(entry, lang):
    """A group label in ``lang``: a catalogue entry ``{"en": …, "zh": …}`` or a pair ``(en, zh)``."""
    if isinstance(entry, Mapping):
        return entry[lang]
    return entry[lang == "zh"]


def _with_spend(s, spend):
    """The transaction summary's rows with the spend model's monetary values (same customers, same order)."""
    m = spend.summary.reindex(s.index)
    if m["monetary_value"].isna().any():
        raise DataError("the spend model was fitted on other customers; pass summary= explicitly.")
    return pd.DataFrame({"frequency": s["frequency"], "monetary_value": m["monetary_value"]})
