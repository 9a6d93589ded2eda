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
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd
from scipy import optimize, special

from crmcore.errors import DataError, DomainError, ParameterError
from crmcore.labels import check_lang
from crmcore.results import Result

MODELS = ("bgnbd", "pareto_nbd", "gamma_gamma", "sbg")
PARAMS = {"bgnbd": ("r", "alpha", "a", "b"), "pareto_nbd": ("r", "alpha", "s", "beta"),
          "gamma_gamma": ("p", "q", "gamma"), "sbg": ("alpha", "beta")}
HARDIE = {"frequency": "x", "recency": "t_x", "T": "T", "monetary_value": "zbar"}
UNITS = {"days": 365.25, "weeks": 365.25 / 7, "months": 12.0}

#: the module's words (en, zh): units, parameter meanings, table headers
TEXT: dict[str, dict[str, str]] = {
    "days": {"en": "days", "zh": "天"}, "weeks": {"en": "weeks", "zh": "周"}, "months": {"en": "months", "zh": "月"},
    "day": {"en": "day", "zh": "天"}, "week": {"en": "week", "zh": "周"}, "month": {"en": "month", "zh": "月"},
    "bgnbd": {"en": "BG/NBD", "zh": "BG/NBD"}, "pareto_nbd": {"en": "Pareto/NBD", "zh": "Pareto/NBD"},
    "gamma_gamma": {"en": "Gamma-Gamma", "zh": "Gamma-Gamma"}, "sbg": {"en": "shifted beta-geometric (sBG)",
                                                                  "zh": "移位贝塔几何模型（sBG）"},
}
MEANING = {
    ("bgnbd", "r"): ("shape of the purchase rates (Gamma)", "购买率分布（伽马分布）的形状参数"),
    ("bgnbd", "alpha"): ("scale of the purchase rates (Gamma)", "购买率分布（伽马分布）的尺度参数"),
    ("bgnbd", "a"): ("dropout probability, Beta a", "流失概率分布（贝塔分布）参数 a"),
    ("bgnbd", "b"): ("dropout probability, Beta b", "流失概率分布（贝塔分布）参数 b"),
    ("pareto_nbd", "r"): ("shape of the purchase rates (Gamma)", "购买率分布（伽马分布）的形状参数"),
    ("pareto_nbd", "alpha"): ("scale of the purchase rates (Gamma)", "购买率分布（伽马分布）的尺度参数"),
    ("pareto_nbd", "s"): ("shape of the dropout rates (Gamma)", "流失率分布（伽马分布）的形状参数"),
    ("pareto_nbd", "beta"): ("scale of the dropout rates (Gamma)", "流失率分布（伽马分布）的尺度参数"),
    ("gamma_gamma", "p"): ("shape of the spend per purchase", "单次消费金额分布的形状参数"),
    ("gamma_gamma", "q"): ("shape of the customers' spend scales", "客户消费水平分布的形状参数"),
    ("gamma_gamma", "gamma"): ("scale of the customers' spend scales", "客户消费水平分布的尺度参数"),
    ("sbg", "alpha"): ("churn probability, Beta alpha", "流失概率分布（贝塔分布）参数 α"),
    ("sbg", "beta"): ("churn probability, Beta beta", "流失概率分布（贝塔分布）参数 β"),
}
COLUMNS: dict[str, dict[str, str]] = {
    "parameter": {"en": "Parameter", "zh": "参数"}, "estimate": {"en": "Estimate", "zh": "估计值"},
    "se": {"en": "Standard error", "zh": "标准误"}, "meaning": {"en": "Meaning", "zh": "含义"},
    "frequency": {"en": "Repeat purchases", "zh": "重复购买次数"}, "recency": {"en": "Recency (first→last)",
                                                                          "zh": "首末购间隔"},
    "T": {"en": "Age (first→asof)", "zh": "客龄"}, "monetary_value": {"en": "Mean repeat spend",
                                                                   "zh": "重复购买平均金额"},
    "p_alive": {"en": "P(alive)", "zh": "存活概率"},
    "expected_purchases": {"en": "Expected purchases", "zh": "预期购买次数"},
    "expected_spend": {"en": "Expected spend per purchase", "zh": "预期单次消费金额"},
    "clv": {"en": "CLV", "zh": "客户终身价值"}, "clv_low": {"en": "CLV low", "zh": "客户终身价值下限"},
    "clv_high": {"en": "CLV high", "zh": "客户终身价值上限"},
    "historical_value": {"en": "Historical value", "zh": "历史价值"},
    "current_value": {"en": "Current value", "zh": "当前价值"}, "future_value": {"en": "Future value", "zh": "未来价值"},
    "value_segment": {"en": "Value segment", "zh": "价值分群"}, "action": {"en": "Action", "zh": "建议措施"},
    "predicted": {"en": "Predicted", "zh": "预测"}, "actual": {"en": "Actual", "zh": "实际"},
    "calibration_frequency": {"en": "Repeat purchases (calibration)", "zh": "校准期重复购买次数"},
    "customers": {"en": "Customers", "zh": "客户数"}, "week": {"en": "Week", "zh": "周"},
    "survival": {"en": "Survival", "zh": "留存比例"}, "retention": {"en": "Retention rate", "zh": "续约率"},
    "period": {"en": "Period", "zh": "期"}, "true_type": {"en": "True type", "zh": "真实类型"},
    "share_of_future_value": {"en": "Share of future value", "zh": "未来价值占比"},
    "share_of_historical_value": {"en": "Share of historical value", "zh": "历史价值占比"},
}

#: future × historical value segments (客户资产) and their actions
SEGMENTS = {
    "star": ("keep: high historical and high future value", "重点保持：历史价值高、未来价值高",
             "Protect: VIP service, early access, personal contact", "重点维护：VIP 服务、新品优先、专人联系"),
    "rising": ("develop: low historical but high future value", "潜力发展：历史价值低、未来价值高",
               "Grow: cross-sell, membership upgrade, second-purchase offers", "培养发展：交叉销售、会员升级、复购激励"),
    "fading": ("win back: high historical but low future value", "流失挽回：历史价值高、未来价值低",
               "Win back now: call, tailored offer, ask why they left", "及时挽回：电话回访、定向优惠、了解流失原因"),
    "low": ("maintain: low historical and low future value", "低成本维持：历史价值低、未来价值低",
            "Low-cost: automated mailings only", "低成本维护：只做自动化营销"),
}
SEGMENT_ORDER = ("star", "rising", "fading", "low")


def _t(key: str, lang: str) -> str:
    return TEXT[key][lang]


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
    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        i = 0 if lang == "en" else 1
        names = PARAMS[self.model]
        df = pd.DataFrame({"parameter": names, "estimate": [self.params[k] for k in names],
                           "se": [self.se[k] for k in names],
                           "meaning": [MEANING[(self.model, k)][i] for k in names]})
        return df.rename(columns={c: COLUMNS[c][lang] for c in df.columns})

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


def _spend_of(spend, summary):
    if isinstance(spend, Fit):
        return spend.expected_spend(summary)
    arr = np.asarray(spend, dtype=float)
    if np.any(~np.isfinite(arr)) or np.any(arr < 0):
        raise ParameterError("spend must be a Gamma-Gamma fit or non-negative finite amount(s).")
    return arr


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


def _with_spend(s, spend):
    """The transaction summary's rows with the spend model's monetary values (same customers, same order)."""
    m = spend.summary.reindex(s.index)
    if m["monetary_value"].isna().any():
        raise DataError("the spend model was fitted on other customers; pass summary= explicitly.")
    return pd.DataFrame({"frequency": s["frequency"], "monetary_value": m["monetary_value"]})


# ---------------------------------------------------------------- customer assets
@dataclass(frozen=True)
class CustomerValue(Result):
    """Historical, current and future value per customer (客户资产), value segment and action."""

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
        lang = check_lang(lang or self.lang)
        i = 0 if lang == "en" else 1
        df = self.table.copy()
        df["value_segment"] = df["segment"].map(lambda k: SEGMENTS[k][i])
        df["action"] = df["segment"].map(lambda k: SEGMENTS[k][2 + i])
        return df.drop(columns=["segment"])

    def segment_table(self, lang: str | None = None) -> pd.DataFrame:
        """Per value segment: customers, share of historical and future value, action."""
        lang = check_lang(lang or self.lang)
        i = 0 if lang == "en" else 1
        t = self.table
        g = t.groupby("segment")
        out = pd.DataFrame({"customers": g.size(), "historical_value": g["historical_value"].sum(),
                            "future_value": g["future_value"].sum()}).reindex(list(SEGMENT_ORDER)).fillna(0)
        out["customers"] = out["customers"].astype("int64")
        out["share_of_historical_value"] = out["historical_value"] / max(t["historical_value"].sum(), 1e-12)
        out["share_of_future_value"] = out["future_value"] / max(t["future_value"].sum(), 1e-12)
        out.insert(0, "value_segment", [SEGMENTS[k][i] for k in out.index])
        out["action"] = [SEGMENTS[k][2 + i] for k in out.index]
        return out.reset_index(drop=True)

    def interpret(self, lang: str | None = None) -> list[str]:
        from crmcore.customer import clv_text

        return clv_text.interpret_value(self, check_lang(lang or self.lang))

    def plot(self, ax=None, lang: str | None = None, kind: str = "segments", **kw):
        from crmcore.customer import clv_plots

        return clv_plots.plot_value(self, ax=ax, lang=check_lang(lang or self.lang), kind=kind,
                                    segments=SEGMENTS, order=SEGMENT_ORDER, **kw)


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


def _spend_model(summ):
    """Gamma-Gamma on the summary, or the mean repeat spend when too few repeat customers (with a warning)."""
    rep = summ[summ["frequency"] > 0]
    try:
        return fit(summ, model="gamma_gamma")
    except DomainError as e:
        mean = float(rep["monetary_value"].clip(lower=0).mean()) if len(rep) else 0.0
        warnings.warn(f"{e} Using the mean repeat spend {mean:,.2f} for everyone instead.", UserWarning, stacklevel=3)
        return mean


# ---------------------------------------------------------------- holdout validation
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

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        check_lang(lang)
        return self.by_frequency.rename(columns={c: COLUMNS[c][lang] for c in self.by_frequency.columns
                                                 if c in COLUMNS})

    def interpret(self, lang: str = "en") -> list[str]:
        from crmcore.customer import clv_text

        return clv_text.interpret_holdout(self, check_lang(lang))

    def plot(self, ax=None, lang: str = "en", kind: str = "tracking", **kw):
        from crmcore.customer import clv_plots

        return clv_plots.plot_holdout(self, ax=ax, lang=check_lang(lang), kind=kind, **kw)


def holdout(tx: Any, *, calibration_end: Any, holdout_end: Any, model: str = "bgnbd",
            freq_multiplier: float = 7, max_frequency: int = 7) -> Holdout:
    """Fit on purchases before ``calibration_end``, predict each customer's repeat purchases (purchase days)
    in [calibration_end, holdout_end) and compare: MAE and correlation per customer, the weekly cumulative
    tracking curve (population model vs actual) and the conditional expectation by calibration frequency
    (``max_frequency`` and more pooled), as in Fader, Hardie & Lee (2005a), figures 2–4."""
    from crmcore import engine
    from crmcore.customer import rfm

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
    zh = lang == "zh"
    f = summary["frequency"]
    rows = [
        ("snapshot (asof, exclusive)", "分析时点（asof，不含当天）", b.get("asof", "")),
        ("customers", "客户数", f"{len(summary):,}"),
        ("customers with a repeat purchase", "有重复购买的客户", f"{int((f > 0).sum()):,} ({(f > 0).mean():.1%})"),
        ("repeat purchase days in all", "重复购买天数合计", f"{int(f.sum()):,}"),
        (f"median age T ({u})", f"客龄 T 中位数（{TEXT[u]['zh']}）", f"{summary['T'].median():,.1f}"),
        ("time unit of recency and T", "首末购间隔与客龄的时间单位", TEXT[u][lang]),
    ]
    return pd.DataFrame({("项目" if zh else "measure"): [r[1] if zh else r[0] for r in rows],
                         ("数值" if zh else "value"): [r[2] for r in rows]})


#: the demo data's latent customer types (crmcore.datasets.customers(...)["true_type"]) in en / zh
DEMO_TYPES = {"champion": ("champions", "冠军客户"), "loyal": ("loyal", "忠诚客户"), "new": ("new", "新客户"),
              "occasional": ("occasional", "偶尔购买"), "at_risk": ("at risk", "有流失风险"), "lost": ("lost", "已流失"),
              "bargain": ("one-off bargain hunters", "特价一次性客户")}
GROUP_COLUMNS = {"repeat_buyers": {"en": "Repeat buyers", "zh": "重复购买客户"},
                 "p_alive_all": {"en": "P(alive), all", "zh": "存活概率（全部客户）"},
                 "p_alive_repeat": {"en": "P(alive), repeat buyers", "zh": "存活概率（重复购买客户）"}}


def p_alive_by_group(fit: Fit, groups: Any, *, lang: str = "en", labels: Mapping[str, tuple[str, str]] | None = None
                     ) -> pd.DataFrame:
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
    out.index = [labels[k][lang == "zh"] if k in labels else k for k in out.index]
    return out.sort_values(["p_alive_repeat", "p_alive_all"])
