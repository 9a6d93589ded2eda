"""Charts of crmcore.fivew2h: one chart per question (``result[key].plot()``) and all seven (:func:`plot_all`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from crmcore.errors import ParameterError
from crmcore.labels import WEEKDAYS, check_lang, text
from crmcore.plotting import new_ax
from crmcore.strategy.fivew2h_text import _BY_KEY, _TITLES, KEYS, LABELS, TIME_OF_DAY, _v

if TYPE_CHECKING:
    from crmcore.strategy.fivew2h import FiveW2HResult, QuestionAnswer


def _empty(a: "QuestionAnswer", ax, lang: str, what: str = ""):
    ax = new_ax(ax)
    q = _BY_KEY[a.key]
    msg = text("no_data", lang, LABELS) + (f": {', '.join(a.missing_columns)}" if a.missing_columns else "")
    ax.text(0.5, 0.5, msg if not what else what, ha="center", va="center", transform=ax.transAxes, wrap=True)
    ax.set_axis_off()
    ax.set_title(q.zh if lang == "zh" else q.en)
    return ax


def _title(key: str, what: str, lang: str) -> str:
    q = _BY_KEY[key]
    return f"{q.zh if lang == 'zh' else q.en} — {_TITLES[what][lang]}"


def _pct_y(ax):
    """Shares on the y-axis as percentages (never 0.25)."""
    from matplotlib.ticker import PercentFormatter

    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    return ax


def _check_kind(kind, allowed):
    if kind is not None and kind not in allowed:
        raise ParameterError(f"kind={kind!r}: use one of {', '.join(map(repr, allowed))}.")


def _barh(ax, labels, values, xlabel, title, pct=True):
    import seaborn as sns

    sns.barplot(x=list(values), y=[str(x) for x in labels], ax=ax, color="#4C72B0", orient="h")
    ax.set_xlim(0, max(list(values) + [0]) * 1.18 or 1)  # room for the value labels
    for p, v in zip(ax.patches, values):
        ax.text(p.get_width(), p.get_y() + p.get_height() / 2, f" {v:.1%}" if pct else f" {v:,.0f}",
                va="center", fontsize=8)
    if pct:
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(xlabel)
    ax.set_ylabel("")
    ax.set_title(title)
    return ax


def plot_what(a: "QuestionAnswer", ax=None, lang: str = "en", kind: str | None = None):
    """Revenue share of categories (``kind="categories"``, default when present) or top products."""
    _check_kind(kind, ("categories", "products"))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    kind = kind or ("categories" if "categories" in a.tables else "products")
    if kind not in a.tables:
        return _empty(a, ax, lang)
    ax = new_ax(ax)
    df = a.tables[kind]
    col = "category" if kind == "categories" else ("product_name" if "product_name" in df else "product_id")
    return _barh(ax, [_v(x, lang) for x in df[col]], df["revenue_share"], text("revenue_share", lang),
                 _title("what", kind, lang))


def plot_who(a: "QuestionAnswer", ax=None, lang: str = "en", kind: str | None = None):
    """New vs returning customers (share of customers and of revenue), or value tiers (``kind="tiers"``)."""
    _check_kind(kind, ("new_returning", "tiers"))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    ax = new_ax(ax)
    df = a.tables["value_tiers" if kind == "tiers" else "new_returning"]
    share_col = "customer_share" if "customer_share" in df else None
    long = []
    for _, r in df.iterrows():
        g = text(r["group"] if "group" in r else r["tier"], lang, LABELS)
        if share_col:
            long.append((g, text("share_of_customers", lang, LABELS), r[share_col]))
        else:
            long.append((g, text("share_of_customers", lang, LABELS), r["customers"] / df["customers"].sum()))
        long.append((g, text("revenue_share", lang), r["revenue_share"]))
    ld = pd.DataFrame(long, columns=["group", "measure", "share"])
    import seaborn as sns

    sns.barplot(data=ld, x="group", y="share", hue="measure", ax=ax)
    for p in ax.patches:
        if p.get_height() > 0:
            ax.text(p.get_x() + p.get_width() / 2, p.get_height(), f"{p.get_height():.0%}", ha="center", va="bottom", fontsize=8)
    ax.set_xlabel("")
    ax.set_ylabel(text("share", lang))
    ax.set_title(_title("who", "tiers" if kind == "tiers" else "new_returning", lang))
    _pct_y(ax)
    ax.legend(title="")
    return ax


def plot_when(a: "QuestionAnswer", ax=None, lang: str = "en", kind: str | None = None):
    """Orders by weekday × hour (``kind="heatmap"``, default) or repurchase intervals (``"intervals"``)."""
    _check_kind(kind, ("heatmap", "intervals"))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    kind = kind or ("heatmap" if "weekday_hour" in a.tables else "intervals")
    if kind not in ("intervals",) and "weekday_hour" not in a.tables:
        return _empty(a, ax, lang, text(TIME_OF_DAY, lang, LABELS) + " — " + text("missing", lang, LABELS))
    import seaborn as sns

    if kind == "heatmap":
        ax = new_ax(ax, (9, 3.6))
        heat = a.tables["weekday_hour"].copy()
        heat.index = WEEKDAYS[lang]
        sns.heatmap(heat, ax=ax, cmap="Blues", cbar_kws={"label": text("orders", lang)})
        ax.set_xlabel(text("hour", lang, LABELS))
        ax.set_ylabel("")
        ax.set_title(_title("when", "heatmap", lang))
        return ax
    ax = new_ax(ax)
    df = a.tables["repurchase_intervals"]
    sns.barplot(x=df["days"], y=df["share"], ax=ax, color="#4C72B0")
    ax.set_xlabel(text("days", lang, LABELS))
    ax.set_ylabel(text("share", lang))
    ax.set_title(_title("when", "intervals", lang))
    _pct_y(ax)
    return ax


def plot_where(a: "QuestionAnswer", ax=None, lang: str = "en", kind: str | None = None):
    """Revenue share by channel (default when present) or region."""
    _check_kind(kind, ("channel", "region"))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    kind = kind or ("channel" if "channel" in a.tables else "region")
    if kind not in a.tables:
        return _empty(a, ax, lang, f"{text('no_data', lang, LABELS)}: {kind}")
    ax = new_ax(ax)
    df = a.tables[kind].head(15)
    return _barh(ax, [_v(x, lang) for x in df[kind]], df["revenue_share"], text("revenue_share", lang),
                 _title("where", kind, lang))


def plot_how_much(a: "QuestionAnswer", ax=None, lang: str = "en", kind: str | None = None):
    """Orders per customer (``"frequency"``, default), order value bands (``"basket"``) or price bands (``"price"``)."""
    _check_kind(kind, ("frequency", "basket", "price"))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    kind = kind or "frequency"
    import seaborn as sns

    ax = new_ax(ax)
    if kind == "frequency":
        df, x, y, xl = a.tables["frequency"], "orders_per_customer", "share_of_customers", "orders_per_customer"
        yl = text("share_of_customers", lang, LABELS)
    elif kind == "basket":
        df, x, y, xl = a.tables["order_value_bands"], "order_value", "share_of_orders", "order_value"
        yl = text("share_of_orders", lang, LABELS)
    else:
        if "price_bands" not in a.tables:
            return _empty(a, ax, lang)
        df, x, y, xl = a.tables["price_bands"], "price_band", "revenue_share", "price_band"
        yl = text("revenue_share", lang)
    sns.barplot(x=df[x].astype(str), y=df[y], ax=ax, color="#4C72B0")
    ax.set_xlabel(text(xl, lang, LABELS))
    ax.set_ylabel(yl)
    ax.set_title(_title("how_much", kind, lang))
    _pct_y(ax)
    return ax


def plot_how(a: "QuestionAnswer", ax=None, lang: str = "en", kind: str | None = None):
    """Payment mix within each channel (stacked shares), or the one of them the data have."""
    _check_kind(kind, ("mix",))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    ax = new_ax(ax)
    if "payment_by_channel" in a.tables:
        tab = a.tables["payment_by_channel"].copy()
        tab.index = [_v(x, lang) for x in tab.index]
        tab.columns = [_v(x, lang) for x in tab.columns]
        tab.plot(kind="barh", stacked=True, ax=ax, colormap="tab20c", width=0.7)
        ax.set_xlabel(text("share_of_orders", lang, LABELS))
        ax.set_ylabel(text("channel", lang))
        ax.legend(title=text("payment", lang, LABELS), bbox_to_anchor=(1.0, 1.0), loc="upper left")
        from matplotlib.ticker import PercentFormatter

        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_title(_title("how", "mix", lang))
        return ax
    mix = a.tables["mix"]
    col = "payment" if "payment" in mix else "channel"
    return _barh(ax, [_v(x, lang) for x in mix[col]], mix["share_of_orders"], text("share_of_orders", lang, LABELS),
                 _title("how", "ways", lang))


def plot_why(a: "QuestionAnswer", ax=None, lang: str = "en", kind: str | None = None):
    """Units per line by price relative to the reference (``"price"``, default) or promotion vs regular (``"promo"``)."""
    _check_kind(kind, ("price", "promo"))
    check_lang(lang)
    if not a.tables:
        return _empty(a, ax, lang)
    kind = kind or ("price" if "price_sensitivity" in a.tables else "promo")
    table = {"price": "price_sensitivity", "promo": "promotion"}[kind]
    if table not in a.tables:
        return _empty(a, ax, lang)
    import seaborn as sns

    ax = new_ax(ax)
    df = a.tables[table]
    x = df["relative_price"] if kind == "price" else df["promo"].map(lambda p: text("promo" if p else "regular", lang, LABELS))
    sns.barplot(x=x.astype(str), y=df["units_per_line"], ax=ax, color="#55A868")
    ax.set_xlabel(text("rel_price", lang, LABELS) if kind == "price" else "")
    ax.set_ylabel(text("qty_per_line", lang, LABELS))
    ax.set_title(_title("why", "rel_price" if kind == "price" else "promo", lang))
    return ax


PLOTS = {"what": plot_what, "who": plot_who, "when": plot_when, "where": plot_where,
         "how_much": plot_how_much, "how": plot_how, "why": plot_why}


def plot_all(result: "FiveW2HResult", lang: str | None = None):
    """All seven answers on one figure (a 4 × 2 grid); returns the Figure."""
    import matplotlib.pyplot as plt

    lang = lang or result.lang
    fig, axes = plt.subplots(4, 2, figsize=(13, 15))
    for ax, key in zip(axes.flat, KEYS):
        result[key].plot(ax=ax, lang=lang)
    axes.flat[-1].set_axis_off()
    fig.tight_layout()
    return fig
