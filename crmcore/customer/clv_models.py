"""The four CLV models' mathematics: input checks, likelihoods, the optimiser, and the prediction formulas.

Pure functions on arrays (natural parameters ``theta`` in the published order of :data:`PARAMS`); the
public face — :func:`crmcore.clv.fit`, :class:`crmcore.clv.Fit` — is in :mod:`crmcore.clv`, which cites
the papers behind each formula.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy import optimize, special

from crmcore.errors import DataError, DomainError, ParameterError

MODELS = ("bgnbd", "pareto_nbd", "gamma_gamma", "sbg")
PARAMS = {"bgnbd": ("r", "alpha", "a", "b"), "pareto_nbd": ("r", "alpha", "s", "beta"),
          "gamma_gamma": ("p", "q", "gamma"), "sbg": ("alpha", "beta")}
HARDIE = {"frequency": "x", "recency": "t_x", "T": "T", "monetary_value": "zbar"}
UNITS = {"days": 365.25, "weeks": 365.25 / 7, "months": 12.0}


# ---------------------------------------------------------------- input
def _prepare(summary: Any, need: tuple[str, ...], columns: Mapping[str, str] | None, model: str) -> pd.DataFrame:
    """The summary's columns under crmcore names (floats), checked once at the door."""
    if not isinstance(summary, pd.DataFrame):
        raise DataError(f"clv.fit(model={model!r}) needs a DataFrame summary (crmcore.rfm.btyd_summary(...)), "
                        f"not a {type(summary).__name__}.")
    mapping = dict(columns or {})
    for ours in need:
        if ours not in mapping:
            if ours in summary.columns:
                mapping[ours] = ours
            elif HARDIE[ours] in summary.columns:
                mapping[ours] = HARDIE[ours]
    missing = [c for c in need if mapping.get(c) not in summary.columns]
    if missing:
        raise DataError(f"clv.fit(model={model!r}) needs column(s) {', '.join(missing)}; columns found: "
                        f"{', '.join(map(str, summary.columns))}. Use crmcore.rfm.btyd_summary(tx, asof=...) or name "
                        "yours with columns={'frequency': 'x', 'recency': 't_x', 'T': 'T', 'monetary_value': 'zbar'}.")
    if summary.empty:
        raise DataError(f"clv.fit(model={model!r}): the summary has no rows.")
    out = pd.DataFrame(index=summary.index)
    for ours in need:
        col = summary[mapping[ours]]
        num = pd.to_numeric(col, errors="coerce").astype(float)
        bad = ~np.isfinite(num.to_numpy())
        if bad.any():
            i = np.flatnonzero(bad)[:3]
            raise DataError(f"column {mapping[ours]!r} in the summary: {int(bad.sum()):,} of {len(num):,} values are "
                            f"not finite numbers ({', '.join(f'row {summary.index[k]}: {col.iloc[k]!r}' for k in i)}). "
                            "Drop or fix those customers.")
        out[ours] = num
    if "frequency" in out:
        f = out["frequency"].to_numpy()
        bad = (f < 0) | (f != np.round(f))
        if bad.any():
            raise DataError(f"column {mapping['frequency']!r}: {int(bad.sum()):,} of {len(f):,} values are not counts "
                            f"of repeat purchases (e.g. {f[bad][:3].tolist()}). frequency = purchase periods − 1.")
    if "recency" in out:
        r, T = out["recency"].to_numpy(), out["T"].to_numpy()
        bad = (r < 0) | (r > T + 1e-9) | ((out["frequency"].to_numpy() == 0) & (r > 0))
        if bad.any():
            k = np.flatnonzero(bad)[:3]
            raise DataError(f"columns recency/T: {int(bad.sum()):,} of {len(r):,} customers break 0 ≤ recency ≤ T "
                            f"(recency 0 when frequency 0) (e.g. rows {', '.join(str(summary.index[i]) for i in k)}). "
                            "recency runs from the first to the last purchase, T from the first purchase to asof.")
    out.attrs = dict(summary.attrs)
    return out


def _unit(summary: pd.DataFrame, unit: str | None) -> str:
    if unit is not None:
        if unit not in UNITS:
            raise ParameterError(f"unit={unit!r}: use one of {', '.join(UNITS)} (the time unit of recency and T).")
        return unit
    b = summary.attrs.get("crmcore", {}).get("btyd", {})
    if b:
        freq, mult = b.get("freq"), float(b.get("freq_multiplier", 1))
        days = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}.get(freq, 1.0) * mult
        return min(UNITS, key=lambda u: abs(math.log(365.25 / UNITS[u] / days)))
    return "weeks"


# ---------------------------------------------------------------- likelihoods (per row, natural parameters)
def _bgnbd_ll(theta, x, tx, T, grad=False):
    """BG/NBD log-likelihood per customer (Fader, Hardie & Lee 2005a, eq. 6) and its gradient."""
    r, alpha, a, b = theta
    A = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    B = special.betaln(a, b + x) - special.betaln(a, b)
    t1 = -(r + x) * np.log(alpha + T)
    pos = x > 0
    t2 = np.where(pos, np.log(a) - np.log(np.where(pos, b + x - 1, 1.0)) - (r + x) * np.log(alpha + tx), -np.inf)
    ll = A + B + np.logaddexp(t1, t2)
    if not grad:
        return ll
    w = np.where(pos, special.expit(t2 - t1), 0.0)
    g = np.empty((4, len(x)))
    g[0] = special.digamma(r + x) - special.digamma(r) + np.log(alpha) - (1 - w) * np.log(alpha + T) \
        - w * np.log(alpha + tx)
    g[1] = r / alpha - (r + x) * ((1 - w) / (alpha + T) + w / (alpha + tx))
    dab = special.digamma(a + b) - special.digamma(a + b + x)
    g[2] = dab + w / a
    g[3] = dab + special.digamma(b + x) - special.digamma(b) - w / np.where(pos, b + x - 1, 1.0)
    return ll, g


def _dot(a, b) -> float:
    """Σ a·b without BLAS: OpenBLAS's threaded ddot is slow on a busy machine (10 ms for 20k values)."""
    return float(np.einsum("i,i->", np.asarray(a, dtype=float), np.asarray(b, dtype=float)))


def _unique_rows(keys):
    """Distinct rows of a float matrix, the index of each row's distinct row, and the counts (a lexsort:
    much faster than ``np.unique(axis=0)``, which sorts the rows as raw bytes)."""
    order = np.lexsort(keys.T[::-1])
    k = keys[order]
    new = np.empty(len(k), dtype=bool)
    new[0] = True
    new[1:] = np.any(k[1:] != k[:-1], axis=1)
    grp = np.cumsum(new) - 1
    inv = np.empty(len(k), dtype=np.int64)
    inv[order] = grp
    return k[new], inv, np.bincount(grp)


def _bgnbd_objective(x, tx, T, w):
    """Mean negative BG/NBD log-likelihood and gradient over log-parameters, for weighted unique rows.

    The gamma and beta functions depend on x only, so they are computed once per distinct x (a few
    hundred values) and the per-row work is a handful of logs — the point of this function's speed."""
    ux, ix = np.unique(x, return_inverse=True)
    wx = np.bincount(ix, weights=w)
    pos = x > 0
    N = w.sum()
    xm1 = np.where(pos, x - 1, 0.0)

    def fg(z):
        r, alpha, a, b = th = np.exp(z)
        la_T, la_t = np.log(alpha + T), np.log(alpha + tx)
        rx = r + x
        t1 = -rx * la_T
        bx1 = b + xm1
        t2 = np.where(pos, np.log(a) - np.log(np.where(pos, bx1, 1.0)) - rx * la_t, -np.inf)
        lse = np.logaddexp(t1, t2)
        if not np.all(np.isfinite(lse)):
            return np.inf, np.zeros(4)
        q = special.expit(t2 - t1)
        gx = (special.gammaln(r + ux) - special.gammaln(r) + r * np.log(alpha)
              + special.betaln(a, b + ux) - special.betaln(a, b))
        ll = _dot(gx, wx) + _dot(lse, w)
        dab = special.digamma(a + b) - special.digamma(a + b + ux)
        g = np.empty(4)
        g[0] = _dot((special.digamma(r + ux) - special.digamma(r) + np.log(alpha)), wx) \
            - _dot(((1 - q) * la_T + q * la_t), w)
        g[1] = r / alpha * N - _dot(rx * ((1 - q) / (alpha + T) + q / (alpha + tx)), w)
        g[2] = _dot(dab, wx) + _dot(q, w) / a
        g[3] = _dot((dab + special.digamma(b + ux) - special.digamma(b)), wx) - _dot((q / np.where(pos, bx1, 1.0)), w)
        return -ll / N, -g * th / N
    return fg


def _gg_objective(x, m):
    """Mean negative Gamma-Gamma log-likelihood and gradient over log-parameters: the gamma functions per
    distinct x, the terms in log m as constant sums, one log per customer per evaluation."""
    ux, ix = np.unique(x, return_inverse=True)
    nx = np.bincount(ix).astype(float)
    N = float(len(x))
    xm = x * m
    c_p = float(_dot(x, np.log(m) + np.log(x)))   # Σ x (log m + log x), multiplies p
    c_0 = float(np.sum(np.log(m)))

    def fg(z):
        p, q, g_ = th = np.exp(z)
        lg = np.log(g_ + xm)
        pux = p * ux
        ll = (_dot((special.gammaln(pux + q) - special.gammaln(pux)), nx) - N * special.gammaln(q) + N * q * np.log(g_)
              + p * c_p - c_0 - _dot((p * x + q), lg))
        if not np.isfinite(ll):
            return np.inf, np.zeros(3)
        dq = special.digamma(pux + q)
        gr = np.empty(3)
        gr[0] = _dot(ux * (dq - special.digamma(pux)), nx) + c_p - _dot(x, lg)
        gr[1] = _dot(dq, nx) - N * special.digamma(q) + N * np.log(g_) - lg.sum()
        gr[2] = N * q / g_ - ((p * x + q) / (g_ + xm)).sum()
        return -ll / N, -gr * th / N
    return fg


def _log_hyp2f1(a, b, c, z):
    return np.log(special.hyp2f1(a, b, c, z))


def _pnbd_a0(theta, x, tx, T):
    """log of A0 in Fader & Hardie's (2005) Pareto/NBD likelihood (the hypergeometric part)."""
    r, alpha, s, beta = theta
    rsx = r + s + x
    if alpha >= beta:
        big, b1 = alpha, s + 1
        z1, z2 = (alpha - beta) / (alpha + tx), (alpha - beta) / (alpha + T)
    else:
        big, b1 = beta, r + x
        z1, z2 = (beta - alpha) / (beta + tx), (beta - alpha) / (beta + T)
    with np.errstate(divide="ignore"):
        l1 = _log_hyp2f1(rsx, b1, rsx + 1, z1) - rsx * np.log(big + tx)
        l2 = _log_hyp2f1(rsx, b1, rsx + 1, z2) - rsx * np.log(big + T)
        return l1 + np.log1p(-np.exp(np.minimum(l2 - l1, 0.0)))  # −inf when t_x = T (A0 = 0)


def _pnbd_ll(theta, x, tx, T, grad=False):
    """Pareto/NBD log-likelihood per customer (Fader & Hardie 2005, eq. 22)."""
    r, alpha, s, beta = theta
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    t1 = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    t2 = np.log(s / (r + s + x)) + _pnbd_a0(theta, x, tx, T)
    return head + np.logaddexp(t1, t2)


def _gg_ll(theta, x, m, grad=False):
    """Gamma-Gamma log-likelihood of a customer's mean repeat spend m over x purchases (Fader, Hardie & Lee
    2005b, eq. 3; Fader & Hardie 2013, eq. 4)."""
    p, q, g_ = theta
    px = p * x
    lgx = np.log(g_ + x * m)
    ll = (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(g_)
          + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * lgx)
    if not grad:
        return ll
    dq = special.digamma(px + q)
    g = np.empty((3, len(x)))
    g[0] = x * (dq - special.digamma(px) + np.log(m) + np.log(x) - lgx)
    g[1] = dq - special.digamma(q) + np.log(g_) - lgx
    g[2] = q / g_ - (px + q) / (g_ + x * m)
    return ll, g


def _sbg_probs(alpha, beta, n):
    """P(T = t), t = 1..n, and S(t), t = 0..n, of the sBG (Fader & Hardie 2007, eqs. 1–2, by recursion)."""
    P = np.empty(n)
    P[0] = alpha / (alpha + beta)
    for t in range(2, n + 1):
        P[t - 1] = P[t - 2] * (beta + t - 2) / (alpha + beta + t - 1)
    S = 1 - np.concatenate([[0.0], np.cumsum(P)])
    return P, S


def _sbg_ll_total(theta, lost, alive_end):
    alpha, beta = theta
    n = len(lost)
    lnP = np.log(alpha) - np.log(alpha + beta) + np.concatenate(
        [[0.0], np.cumsum(np.log(beta + np.arange(n - 1)) - np.log(alpha + beta + 1 + np.arange(n - 1)))])
    lnS = special.betaln(alpha, beta + n) - special.betaln(alpha, beta)
    return float(_dot(lost, lnP) + alive_end * lnS)


# ---------------------------------------------------------------- optimiser
def _maximise(f_and_g, starts, n_weight, model, hint):
    """Minimise the mean negative log-likelihood over log-parameters from several starts; keep the best."""
    best = None
    for x0 in starts:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                # BFGS: scipy's L-BFGS-B spends more time in its own bookkeeping than in our likelihood
                res = optimize.minimize(f_and_g, np.log(x0), jac=True, method="BFGS",
                                        options={"maxiter": 2000, "gtol": 1e-8})
            except (FloatingPointError, ValueError):
                continue
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
        if best is not None and best.success and np.all(np.abs(best.x) < 19.5):
            break  # the first start that converges is kept; the others are fallbacks
    if best is None or not np.isfinite(best.fun):
        raise DomainError(f"clv.fit(model={model!r}) did not converge: the log-likelihood is not finite at any of "
                          f"{len(starts)} start values. {hint}")
    gnorm = float(np.max(np.abs(best.jac))) if best.jac is not None else 0.0
    if np.any(np.abs(best.x) > 19.5) or gnorm > 1e-3:
        raise DomainError(f"clv.fit(model={model!r}) did not converge ({best.message!s}; largest gradient "
                          f"{gnorm:.2g}; log-parameters {np.round(best.x, 2).tolist()}). {hint}")
    return best


def _num_grad(f, z, h=1e-5):
    g = np.empty_like(z)
    for i in range(len(z)):
        e = np.zeros_like(z)
        e[i] = h
        g[i] = (f(z + e) - f(z - e)) / (2 * h)
    return g


def _hessian(grad, z, h=1e-4):
    """Central-difference Hessian of a function whose gradient is ``grad`` (symmetrised)."""
    k = len(z)
    H = np.empty((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = h
        H[i] = (grad(z + e) - grad(z - e)) / (2 * h)
    return (H + H.T) / 2


def _cov(H_total, model):
    try:
        cov = np.linalg.inv(H_total)
    except np.linalg.LinAlgError:
        return np.full_like(H_total, np.nan)
    if np.any(np.diag(cov) < 0):
        warnings.warn(f"clv.fit(model={model!r}): the Hessian is not positive definite at the optimum; standard "
                      "errors are not available (NaN).", UserWarning, stacklevel=3)
        return np.full_like(H_total, np.nan)
    return cov



# ---------------------------------------------------------------- predictions
def _by_unique(fn, s):
    """``fn(x, t_x, T)`` evaluated once per distinct (frequency, recency, T) row and spread back."""
    keys = s[["frequency", "recency", "T"]].to_numpy()
    if len(keys) < 5000:
        return fn(*keys.T)
    uniq, inv, _ = _unique_rows(keys)
    return fn(*uniq.T)[inv]


def _check_value_params(horizon, discount_rate, margin):
    if not (isinstance(horizon, (int, float)) and horizon > 0):
        raise ParameterError(f"horizon={horizon!r} must be a positive number of periods (in the model's time unit).")
    if not (isinstance(discount_rate, (int, float)) and 0 <= discount_rate < 1):
        raise ParameterError(f"discount_rate={discount_rate!r} is a yearly rate in [0, 1), e.g. 0.10.")
    if not (isinstance(margin, (int, float)) and 0 < margin <= 1):
        raise ParameterError(f"margin={margin!r} is the profit margin on sales, in (0, 1] (1 = value in sales).")


def _p_alive(model, theta, x, tx, T):
    if model == "bgnbd":
        r, alpha, a, b = theta
        pos = x > 0
        lr = np.log(a) - np.log(np.where(pos, b + x - 1, 1.0)) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
        return np.where(pos, special.expit(-lr), 1.0)
    r, alpha, s, beta = theta
    l = np.log(s / (r + s + x)) + (r + x) * np.log(alpha + T) + s * np.log(beta + T) + _pnbd_a0(theta, x, tx, T)
    return special.expit(-l)


def _cond_exp(model, theta, t, x, tx, T):
    if model == "bgnbd":
        r, alpha, a, b = theta
        z = t / (alpha + T + t)
        f = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        head = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * f)
        return head * _p_alive(model, theta, x, tx, T)
    r, alpha, s, beta = theta
    head = (r + x) * (beta + T) / ((alpha + T) * (s - 1)) * (1 - ((beta + T) / (beta + T + t)) ** (s - 1))
    return head * _p_alive(model, theta, x, tx, T)


def _uncond_exp(model, theta, t):
    if model == "bgnbd":
        r, alpha, a, b = theta
        return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, t / (alpha + t)))
    r, alpha, s, beta = theta
    return r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + t)) ** (s - 1))


def _steps(horizon, unit):
    per_year = UNITS[unit]
    step = per_year / 12
    k = int(math.ceil(horizon / step - 1e-9))
    return np.minimum(np.arange(1, k + 1) * step, horizon), per_year


def _discounted_transactions(model, theta, s, horizon, discount_rate, unit):
    ts, per_year = _steps(horizon, unit)
    keys = s[["frequency", "recency", "T"]].to_numpy()
    uniq, inv, _ = _unique_rows(keys)
    x, tx, T = uniq.T
    prev = np.zeros(len(uniq))
    det = np.zeros(len(uniq))
    for t in ts:
        cur = _cond_exp(model, theta, float(t), x, tx, T)
        det += (cur - prev) / (1 + discount_rate) ** (t / per_year)
        prev = cur
    return det[inv]


def _gg_expected(theta, x, m):
    p, q, g = theta
    pop = p * g / (q - 1) if q > 1 else np.nan
    own = p * (g + x * m) / (p * x + q - 1)
    return np.where(x > 0, own, pop)
