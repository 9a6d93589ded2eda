"""Plots of crmcore.dupont results (matplotlib): the DuPont tree, the ROE waterfall, the trends of the
components and the peers' margin–turnover map. Each takes the result (or the numbers), draws on ``ax`` (a
new Axes when None) with every word in ``lang``, and returns the Axes.
"""
from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from crmcore.errors import DataError, DomainError, ParameterError
from crmcore.labels import check_lang, text
from crmcore.plotting import ensure_cjk, new_ax
from crmcore.strategy.dupont_statements import _norm_period
from crmcore.strategy.dupont_text import LABELS, _fmt, _pp, company_name, conventions_text

if TYPE_CHECKING:
    from crmcore.strategy.dupont import AttributionResult, DupontResult


UP_COLOR, DOWN_COLOR, FLAT_COLOR = "#2e7d32", "#c62828", "#757575"


_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def _set_title(ax, title: str, **kwargs) -> None:
    # the CJK font has no bold face: a bold Chinese title makes matplotlib log a font warning
    ax.set_title(title, fontweight="normal" if _CJK.search(title) else None, **kwargs)


def _new_ax(ax, figsize, lang: str = "en", names: Sequence[str] = ()):
    # only when Chinese text will be drawn: the CJK font has no bold face and matplotlib says so
    if lang == "zh" or any(_CJK.search(str(n)) for n in names):
        ensure_cjk()  # again: a style set after import may have reset the font family
    return new_ax(ax, figsize)


def _tree_layout(steps: int) -> list[tuple[str, float, float, str | None]]:
    if steps == 3:
        return [("roe", 0.5, 0.86, None), ("roa", 0.3, 0.52, "roe"), ("equity_multiplier", 0.72, 0.52, "roe"),
                ("net_margin", 0.15, 0.16, "roa"), ("asset_turnover", 0.45, 0.16, "roa")]
    return [("roe", 0.5, 0.9, None), ("roa", 0.32, 0.65, "roe"), ("equity_multiplier", 0.78, 0.65, "roe"),
            ("net_margin", 0.2, 0.4, "roa"), ("asset_turnover", 0.56, 0.4, "roa"),
            ("tax_burden", 0.08, 0.1, "net_margin"), ("interest_burden", 0.3, 0.1, "net_margin"),
            ("ebit_margin", 0.52, 0.1, "net_margin")]


def plot_tree(result: DupontResult, base_period: Any = None, current_period: Any = None, *,
              company: str | None = None, ax=None, lang: str = "en"):
    """DuPont tree (ROE → ROA × EM → NPM × AT [→ TB × IB × EBIT margin]) for two periods; each box
    shows base → current and is green when the value went up, red when it went down."""
    check_lang(lang)
    c = result._company(company)
    if base_period is None or current_period is None:
        ps = result.table.loc[result.table["company"] == c, "period"].tolist()
        if len(ps) < 2:
            raise DataError(f"company {c!r} has {len(ps)} analysed period(s); the tree compares two.")
        base_period, current_period = ps[-2], ps[-1]
    r0, r1 = result.row(base_period, company=c), result.row(current_period, company=c)
    ax = _new_ax(ax, (11, 6.2) if result.steps == 5 else (10, 5.5), lang, [c])
    layout = _tree_layout(result.steps)
    pos = {k: (x, y) for k, x, y, _ in layout}
    for k, x, y, parent in layout:
        if parent:
            px, py = pos[parent]
            ax.plot([px, px, x, x], [py - 0.07, (py + y) / 2, (py + y) / 2, y + 0.07], color="#9e9e9e", lw=1, zorder=1)
    for k, x, y, parent in layout:
        v0, v1 = float(r0[k]), float(r1[k])
        col = UP_COLOR if v1 > v0 else DOWN_COLOR if v1 < v0 else FLAT_COLOR
        ax.text(x, y, f"{text(k, lang, LABELS)}\n{_fmt(k, v0, lang)} → {_fmt(k, v1, lang)}",
                ha="center", va="center", fontsize=9, zorder=3, color="black",
                bbox=dict(boxstyle="round,pad=0.45", facecolor=col, alpha=0.18, edgecolor=col, lw=1.5))
    # the "×" between siblings
    kids: dict[str, list[str]] = {}
    for k, x, y, parent in layout:
        if parent:
            kids.setdefault(parent, []).append(k)
    for ks in kids.values():
        for a, b in zip(ks, ks[1:]):
            ax.text((pos[a][0] + pos[b][0]) / 2, pos[a][1], "×", ha="center", va="center", fontsize=13, color="#616161")
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.02, 1.0)
    ax.axis("off")
    _set_title(ax, f"{text('tree_title', lang, LABELS)} — {company_name(c, lang)}: {r0['period']} → {r1['period']}\n"
                 f"{conventions_text(result.conventions(), lang)}", fontsize=11)
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(facecolor=UP_COLOR, alpha=0.3, edgecolor=UP_COLOR, label=text("up", lang, LABELS)),
                       Patch(facecolor=DOWN_COLOR, alpha=0.3, edgecolor=DOWN_COLOR, label=text("down", lang, LABELS))],
              loc="upper right", frameon=False, fontsize=9)
    return ax


def plot_waterfall(attr: AttributionResult, *, ax=None, lang: str = "en", effect: str | None = None,
                   zero: bool = False):
    """ROE waterfall from the base to the current period; whiskers show each factor's
    chain-substitution effect over every substitution order (when computed).

    ``effect`` picks the column drawn (default the headline: Shapley for method="all"). The value
    axis is zoomed on the changes unless ``zero=True`` (the axis label says so).
    """
    check_lang(lang)
    effect = effect or attr.headline
    if effect not in attr.effects:
        raise ParameterError(f"effect={effect!r} was not computed; available: "
                             f"{[c for c in ('chain', 'shapley', 'lmdi') if c in attr.effects]}.")
    e = attr.effects[effect]
    if e.isna().any():
        raise DomainError(f"the {effect!r} effects are empty ({attr.lmdi_refused}); plot effect='shapley'.")
    ax = _new_ax(ax, (8, 4.5), lang, [attr.company or "", *attr.effects.index])
    names = list(attr.order) if set(attr.order) == set(e.index) else list(e.index)
    roe = "ROE" if lang == "en" else text("roe", lang, LABELS)
    # two short lines per factor, so neighbouring tick labels never run into each other
    wrap = (lambda s: textwrap.fill(s, 11)) if lang == "en" else (lambda s: s if len(s) <= 4 else s[:len(s) // 2] + "\n" + s[len(s) // 2:])
    labels = [f"{roe}\n{attr.base_label}", *[wrap(text(k, lang, LABELS)) for k in names], f"{roe}\n{attr.current_label}"]
    ranged = "chain_min" in attr.effects
    levels = [attr.base_total, attr.current_total]
    ax.bar(0, attr.base_total * 100, color="#90a4ae", width=0.6)
    cum = attr.base_total
    tops = []
    for i, k in enumerate(names, start=1):
        v = float(e[k])
        ax.bar(i, v * 100, bottom=cum * 100, color=UP_COLOR if v >= 0 else DOWN_COLOR, width=0.6, alpha=0.85)
        top = cum + max(v, 0)
        if ranged:
            lo, hi = float(attr.effects.loc[k, "chain_min"]), float(attr.effects.loc[k, "chain_max"])
            ax.errorbar(i, (cum + v) * 100, yerr=[[max(v - lo, 0) * 100], [max(hi - v, 0) * 100]],
                        fmt="none", ecolor="black", capsize=4, lw=1)
            levels += [cum + lo, cum + hi]
            top = max(top, cum + hi)
        tops.append((i, top, v))
        ax.plot([i - 0.7, i + 0.3], [cum * 100] * 2, color="#bdbdbd", lw=0.8)
        cum += v
        levels.append(cum)
    n = len(names) + 1
    ax.bar(n, attr.current_total * 100, color="#546e7a", width=0.6)
    lo_y, hi_y = min(levels) * 100, max(levels) * 100
    pad = max(hi_y - lo_y, 1e-9) * 0.25
    if zero or lo_y - pad <= 0:
        ax.set_ylim(min(0, lo_y - pad), hi_y + pad)
    else:
        ax.set_ylim(lo_y - pad, hi_y + pad)
    for i, top, v in tops:
        ax.text(i, top * 100 + pad * 0.08, _pp(v, lang).replace("个百分点", ""), ha="center", va="bottom", fontsize=8)
    for i, v in ((0, attr.base_total), (n, attr.current_total)):
        ax.text(i, v * 100 + pad * 0.08, f"{v:.2%}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(n + 1))
    ax.set_xticklabels(labels, fontsize=8)
    zoom = not (zero or lo_y - pad <= 0)
    if lang == "en":
        ax.set_ylabel("ROE (%), effects (pp)" + ("; zoomed axis" if zoom else ""), fontsize=9)
    else:
        ax.set_ylabel("净资产收益率（%）" + ("，纵轴未从0开始" if zoom else ""), fontsize=9)
    sub = [text(f"method_{effect}", lang, LABELS)]
    if ranged:
        sub.append(text("whiskers", lang, LABELS).format(n=attr.n_orders))
    conv = conventions_text(attr.source_conventions, lang)
    title = text("waterfall_title", lang, LABELS)
    if attr.company:
        title += f" — {company_name(attr.company, lang)}"
    _set_title(ax, f"{title}: {attr.base_label} → {attr.current_label}\n" + "\n".join([*([conv] if conv else []),
                                                                                       " · ".join(sub)]), fontsize=10)
    return ax


def plot_trends(result: DupontResult, *, company: str | None = None, ax=None, lang: str = "en"):
    """Each component and ROE as an index of its first analysed period (= 100)."""
    check_lang(lang)
    c = result._company(company)
    t = result.table[result.table["company"] == c]
    if len(t) < 2:
        raise DataError(f"company {c!r} has {len(t)} analysed period(s); a trend needs two or more.")
    ax = _new_ax(ax, (8, 4.5), lang, [c])
    x = [str(p) for p in t["period"]]
    for k in ("roe", *result.factors):
        v = t[k].to_numpy(dtype=float)
        idx = v / v[0] * 100 if v[0] != 0 else np.full(len(v), np.nan)
        ax.plot(x, idx, marker="o", lw=2.5 if k == "roe" else 1.5, color="black" if k == "roe" else None,
                label=text(k, lang, LABELS))
    ax.axhline(100, color="#9e9e9e", lw=0.8, ls="--")
    ax.set_ylabel(text("index_axis", lang, LABELS))
    ax.set_xlabel(text("period", lang, LABELS))
    ax.legend(fontsize=8, frameon=False, loc="best")
    _set_title(ax, f"{text('trends_title', lang, LABELS)} — {company_name(c, lang)}\n{conventions_text(result.conventions(), lang)}",
                 fontsize=10)
    return ax


def plot_peers(result: DupontResult, *, periods: Sequence[Any] | None = None, ax=None, lang: str = "en"):
    """Margin–turnover map: each company's path over ``periods`` (default all) with iso-ROA curves;
    the label gives the last ROE and equity multiplier."""
    check_lang(lang)
    t = result.table
    if periods is not None:
        ps = [_norm_period(p) for p in periods]
        t = t[t["period"].isin(ps)]
        lacking = [c for c in result.companies if set(ps) - set(t.loc[t["company"] == c, "period"])]
        if lacking:
            raise DataError(f"periods do not line up: {', '.join(map(repr, lacking))} lack some of {ps}. "
                            f"Pick periods every company has, or pass fewer companies.")
    ax = _new_ax(ax, (8, 5), lang, result.companies)
    xs = t["net_margin"].to_numpy(float) * 100
    lo, hi = max(np.nanmin(xs) * 0.8, 1e-3), np.nanmax(xs) * 1.2
    roa_word = "ROA" if lang == "en" else text("roa", lang, LABELS)
    roe_word = "ROE" if lang == "en" else text("roe", lang, LABELS)
    for roa in np.unique(np.round(np.quantile(t["roa"], [0.1, 0.5, 0.9]), 3)):
        if roa > 0:
            xx = np.linspace(lo, hi, 100)
            ax.plot(xx, roa * 100 / xx, color="#bdbdbd", lw=0.8, ls=":")
            ax.text(hi, roa * 100 / hi, f"{roa_word} {roa:.1%}", fontsize=7, color="#757575", va="bottom", ha="right")
    for c, g in t.groupby("company", sort=False):
        line, = ax.plot(g["net_margin"] * 100, g["asset_turnover"], marker="o", label=company_name(c, lang))
        for (_, r) in g.iterrows():
            ax.annotate(str(r["period"]), (r["net_margin"] * 100, r["asset_turnover"]), fontsize=7,
                        textcoords="offset points", xytext=(4, -9), color=line.get_color())
        last = g.iloc[-1]
        ax.annotate(f"{company_name(c, lang)}: {roe_word} {last['roe']:.1%}, {text('equity_multiplier', lang, LABELS)} "
                    f"{_fmt('equity_multiplier', last['equity_multiplier'], lang)}",
                    (last["net_margin"] * 100, last["asset_turnover"]), fontsize=8, textcoords="offset points",
                    xytext=(6, 6), color=line.get_color())
    ax.set_xlabel(text("net_margin", lang, LABELS) + " (%)")
    ax.set_ylabel(text("asset_turnover", lang, LABELS))
    _set_title(ax, f"{text('peers_title', lang, LABELS)} ({text('iso_roa', lang, LABELS)})\n"
                 f"{conventions_text(result.conventions(), lang)}", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    return ax
