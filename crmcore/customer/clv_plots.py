"""Plots of crmcore.clv results: seaborn-style (``ax=None`` → new Axes, returns the Axes), every word in ``lang``."""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import FuncFormatter

from crmcore.customer.clv_text import PLOT_WORDS, TEXT
from crmcore.errors import ParameterError
from crmcore.labels import check_lang
from crmcore.plotting import new_ax, use_style

MODEL_NAME = {"bgnbd": "BG/NBD", "pareto_nbd": "Pareto/NBD", "gamma_gamma": "Gamma-Gamma", "sbg": "sBG"}


def _w(key, lang, **kw):
    return PLOT_WORDS(key, "zh" if lang == "zh" else "en", **kw)


def _thousands(ax, axis="y", decimals=0):
    fmt = FuncFormatter(lambda v, _: f"{v:,.{decimals}f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def plot_fit(fit, ax=None, lang: str = "en", kind: str | None = None, horizon: float | None = None):
    """``bgnbd``/``pareto_nbd``: kind ``"curve"`` (E[X(t)] of a new customer) or ``"p_alive"``; ``gamma_gamma``:
    ``"spend"``; ``sbg``: ``"survival"``."""
    check_lang(lang)
    use_style(lang)
    ax = new_ax(ax, figsize=(7, 4))
    m = MODEL_NAME[fit.model]
    if fit.model in ("bgnbd", "pareto_nbd"):
        kind = kind or "curve"
        if kind == "curve":
            h = horizon or 2 * float(np.ceil(fit.summary["T"].max()))
            t = np.linspace(0, h, 200)
            ax.plot(t, fit.expected_cumulative(t), color="C0")
            ax.set_title(_w("curve_title", lang, m=m))
            ax.set_xlabel(_w("time", lang, u=TEXT[fit.unit][lang]))
            ax.set_ylabel(_w("rep", lang))
            _thousands(ax, "y", 2)
        elif kind == "p_alive":
            ax.hist(fit.p_alive(), bins=np.linspace(0, 1, 21), color="C0", edgecolor="white")
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
            ax.set_title(_w("palive_title", lang, m=m))
            ax.set_xlabel(_w("palive", lang))
            ax.set_ylabel(_w("customers", lang))
            _thousands(ax, "y")
        else:
            raise ParameterError(f"kind={kind!r}: use 'curve' or 'p_alive' for {m}.")
    elif fit.model == "gamma_gamma":
        rep = fit.summary[fit.summary["frequency"] > 0]
        obs = rep["monetary_value"].to_numpy()
        exp_ = fit.expected_spend(rep)
        hi = float(np.quantile(obs, 0.99))
        bins = np.linspace(0, hi, 30)
        ax.hist(obs, bins=bins, alpha=0.6, label=_w("observed", lang), color="C0")
        ax.hist(exp_, bins=bins, alpha=0.6, label=_w("expected", lang), color="C1")
        ax.set_title(_w("spend_title", lang))
        ax.set_xlabel(_w("spend", lang))
        ax.set_ylabel(_w("customers", lang))
        _thousands(ax, "x")
        ax.legend()
    else:
        n = int(fit.extra.get("periods", len(fit.summary) - 1))
        t = np.arange(0, 2 * n + 1)
        ax.plot(fit.summary["period"], fit.summary["survival"], "o", color="C0", label=_w("actual", lang))
        ax.plot(t, fit.survival(t), "-", color="C1", label=_w("model", lang))
        ax.axvline(n, color="grey", ls=":", label=_w("fit_end", lang))
        ax.set_title(_w("surv_title", lang))
        ax.set_xlabel(_w("period", lang))
        ax.set_ylabel(_w("share_active", lang))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
        ax.legend()
    return ax


def plot_holdout(h, ax=None, lang: str = "en", kind: str = "tracking"):
    """``"tracking"``: weekly cumulative repeat purchases, actual vs model; ``"conditional"``: mean holdout
    purchases by calibration frequency, actual vs predicted (Fader, Hardie & Lee 2005a, figures 2 and 4)."""
    check_lang(lang)
    use_style(lang)
    ax = new_ax(ax, figsize=(7, 4))
    m = MODEL_NAME[h.model]
    if kind == "tracking":
        tr = h.tracking
        ax.plot(tr["week"], tr["actual"], color="C0", label=_w("actual", lang))
        ax.plot(tr["week"], tr["predicted"], color="C1", ls="--", label=_w("pred", lang))
        cal = tr.loc[tr["date"] <= np.datetime64(h.calibration_end), "week"]
        if len(cal):
            ax.axvline(float(cal.max()), color="grey", ls=":", label=_w("cal_end", lang))
        ax.set_title(_w("track_title", lang, m=m))
        ax.set_xlabel(_w("week", lang))
        ax.set_ylabel(_w("cum", lang))
        _thousands(ax, "y")
    elif kind == "conditional":
        b = h.by_frequency
        x = np.arange(len(b))
        ax.plot(x, b["actual"], "o-", color="C0", label=_w("actual", lang))
        ax.plot(x, b["predicted"], "s--", color="C1", label=_w("pred", lang))
        ax.set_xticks(x, b["calibration_frequency"])
        ax.set_title(_w("cond_title", lang))
        ax.set_xlabel(_w("calfreq", lang))
        ax.set_ylabel(_w("holdfreq", lang))
        _thousands(ax, "y", 1)
    else:
        raise ParameterError(f"kind={kind!r}: use 'tracking' or 'conditional'.")
    ax.legend()
    return ax


def plot_value(v, ax=None, lang: str = "en", kind: str = "segments", *, segments=None, order=None):
    """Historical vs future value per customer, coloured by value segment, with the two median lines.

    ``segments`` (the catalogue ``clv.segment``) and ``order`` come from :mod:`crmcore.clv`, which calls this function, so
    the plots module never imports the model module back.
    """
    SEGMENTS, SEGMENT_ORDER = segments, order
    check_lang(lang)
    use_style(lang)
    ax = new_ax(ax, figsize=(7, 5))
    t = v.table
    for k, seg in enumerate(SEGMENT_ORDER):
        d = t[t["segment"] == seg]
        ax.scatter(d["historical_value"], d["future_value"], s=8, alpha=0.6, color=f"C{k}",
                   label=SEGMENTS[seg][lang].split("：" if lang == "zh" else ":")[0])
    ax.axvline(t["historical_value"].median(), color="grey", ls=":")
    ax.axhline(t["future_value"].median(), color="grey", ls=":")
    ax.set_xscale("symlog", linthresh=max(float(t["historical_value"].median()), 1.0))
    ax.set_yscale("symlog", linthresh=max(float(t["future_value"].median()), 1.0))
    ax.set_xlim(left=min(0.0, float(t["historical_value"].min())))
    ax.set_ylim(bottom=0.0)   # future value is never negative
    _thousands(ax, "x")
    _thousands(ax, "y")
    ax.set_title(_w("seg_title", lang))
    ax.set_xlabel(_w("hist", lang))
    ax.set_ylabel(_w("fut", lang))
    ax.legend(markerscale=2)
    return ax


def plot_p_alive_by_group(p_alive, groups, ax=None, lang: str = "en", labels: dict | None = None, order=None):
    """Mean P(alive) per group (e.g. the demo data's true customer types) as horizontal bars."""
    import pandas as pd

    check_lang(lang)
    use_style(lang)
    ax = new_ax(ax, figsize=(7, 4))
    s = pd.Series(np.asarray(p_alive, dtype=float)).groupby(np.asarray(groups)).mean()
    if order is not None:
        s = s.reindex([o for o in order if o in s.index])
    else:
        s = s.sort_values()
    names = [(labels or {}).get(k, k) for k in s.index]
    ax.barh(names, s.to_numpy(), color="C0")
    for y, val in enumerate(s.to_numpy()):
        ax.text(val + 0.01, y, f"{val:.0%}", va="center")
    ax.set_xlim(0, 1.1)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_title(_w("type_title", lang))
    ax.set_xlabel(_w("palive", lang) + " (" + _w("mean", lang) + ")")
    ax.set_ylabel(_w("type", lang))
    return ax
