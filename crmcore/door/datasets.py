"""Sample data: a seeded generator for the demo retailer, and loaders for real public data.

``load("demo")`` — ≈2,000 customers, ≈100k lines, 2023-01-01 to 2025-12-31;
``load("tiny")`` — ≈100 customers, for smoke tests; ``load("online_retail")`` — the UCI
Online Retail data (Chen 2015, CC BY 4.0), cleaned the standard way; or a path.

The demo data are made to have structure the methods should find: latent customer types
(champions, loyal, new, at risk, lost, one-off bargain hunters, occasional), weekday and
month seasonality, channels, regions and categories whose growth differs, special-offer
lines, high-price items and returns. The true type of each customer is in ``customers("demo")``
so tests can check that RFM and clustering recover it.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from crmcore.errors import ParameterError

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
START, END = pd.Timestamp("2023-01-01"), pd.Timestamp("2025-12-31")
#: the snapshot date the notebooks use with the demo data (the day after the last sale)
DEMO_ASOF = "2026-01-01"
SEED = 20240101
SIZES = {"demo": 2000, "tiny": 100}

# weekday (Mon..Sun) and month (Jan..Dec) seasonality of the demo retailer
WEEKDAY_FACTOR = np.array([0.80, 0.85, 0.90, 0.95, 1.15, 1.35, 1.20])
MONTH_FACTOR = np.array([0.95, 0.80, 0.90, 0.95, 1.00, 1.05, 0.95, 0.95, 1.00, 1.05, 1.20, 1.40])

CATEGORIES = {
    # name: (number of products, price median, yearly growth of demand)
    "Home decor": (40, 18.0, 0.02),
    "Kitchen": (35, 22.0, 0.08),
    "Stationery": (30, 6.0, -0.12),
    "Gifts": (35, 15.0, 0.25),
    "Textiles": (30, 28.0, -0.03),
    "Lighting": (20, 55.0, 0.35),
    "Garden": (10, 35.0, 0.15),
}
CHANNELS = (["store", "online", "mini-program"], [0.45, 0.40, 0.15])
REGIONS = (["East", "South", "North", "West", "Central"], [0.32, 0.26, 0.20, 0.12, 0.10])
PAYMENTS = {"store": (["card", "cash", "mobile"], [0.5, 0.15, 0.35]),
            "online": (["card", "mobile", "invoice"], [0.55, 0.35, 0.10]),
            "mini-program": (["mobile"], [1.0])}


@dataclass(frozen=True)
class _Type:
    share: float
    start: tuple[float, float]   # first purchase, as fraction of the 3-year span (min, max)
    end: tuple[float, float]     # last possible purchase, fraction of the span
    orders_per_year: float
    lines_per_order: float
    price_level: float           # multiplies list prices of the items chosen
    promo_bias: float            # probability that an order is made of special offers
    label: str


TYPES = {
    "champion": _Type(0.08, (0.0, 0.5), (1.0, 1.0), 24.0, 4.5, 1.5, 0.10, "champions"),
    "loyal": _Type(0.17, (0.0, 0.8), (1.0, 1.0), 14.0, 3.5, 1.0, 0.15, "loyal"),
    "new": _Type(0.12, (0.90, 0.98), (1.0, 1.0), 10.0, 2.5, 1.0, 0.20, "new"),
    "at_risk": _Type(0.13, (0.0, 0.5), (0.70, 0.82), 14.0, 3.5, 1.1, 0.15, "at risk"),
    "lost": _Type(0.18, (0.0, 0.4), (0.10, 0.45), 4.0, 2.0, 0.9, 0.25, "lost"),
    "bargain": _Type(0.15, (0.0, 0.95), (0.0, 0.0), 0.0, 2.0, 0.6, 0.90, "one-off bargain hunters"),
    "occasional": _Type(0.17, (0.0, 0.9), (1.0, 1.0), 3.0, 2.0, 0.9, 0.30, "occasional"),
}


def _products(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for cat, (n, median, growth) in CATEGORIES.items():
        prices = np.round(np.exp(rng.normal(np.log(median), 0.55, n)), 1).clip(0.5)
        pop = rng.pareto(1.3, n) + 0.2
        for i in range(n):
            rows.append((f"P{len(rows) + 1:04d}", f"{cat} item {i + 1}", cat, prices[i], pop[i], growth))
    return pd.DataFrame(rows, columns=["product_id", "product_name", "category", "list_price", "popularity", "growth"])


def _order_days(rng, n, lo, hi):
    """Draw n order days between day offsets lo..hi with weekday and month seasonality."""
    days = pd.date_range(START + pd.Timedelta(days=int(lo)), START + pd.Timedelta(days=int(hi)), freq="D")
    w = WEEKDAY_FACTOR[days.day_of_week] * MONTH_FACTOR[days.month - 1]
    return days[rng.choice(len(days), size=n, p=w / w.sum())]


def _pick(rng, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a matrix of (unnormalised) probabilities."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return (cum < u[:, None]).sum(axis=1)


def generate(size: str = "demo", *, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate ``(transactions, customers)`` for ``size`` ("demo" or "tiny"), deterministically."""
    if size not in SIZES:
        raise ParameterError(f"size={size!r}: use 'demo' or 'tiny'.")
    rng = np.random.default_rng(seed)
    n_customers = SIZES[size]
    span = (END - START).days
    products = _products(rng)
    names = list(TYPES)
    kinds = rng.choice(len(names), size=n_customers, p=[TYPES[k].share for k in names])

    # customers and their orders
    cust_rows, order_cust, order_day = [], [], []
    for c in range(n_customers):
        kind = names[kinds[c]]
        ty = TYPES[kind]
        start = rng.uniform(*ty.start) * span
        if kind == "bargain":
            n_orders, end = 1, start
        else:
            end = max(start + 1, rng.uniform(*ty.end) * span)
            years = (end - start) / 365.25
            n_orders = 1 + rng.poisson(ty.orders_per_year * years * rng.lognormal(0, 0.3))
        first = START + pd.Timedelta(days=int(start))
        days = [first] + (list(_order_days(rng, n_orders - 1, start, end)) if n_orders > 1 else [])
        cust_rows.append((f"C{c + 1:05d}", f"Customer {c + 1}", rng.choice(REGIONS[0], p=REGIONS[1]),
                          rng.choice(CHANNELS[0], p=CHANNELS[1]), kind, first))
        order_cust += [c] * len(days)
        order_day += days
    customers = pd.DataFrame(cust_rows, columns=["customer_id", "customer_name", "home_region",
                                                 "preferred_channel", "true_type", "first_purchase"])
    oc = np.array(order_cust)
    n_orders = len(oc)
    kind_of = np.array([TYPES[names[k]] for k in kinds], dtype=object)[oc]
    odays = pd.DatetimeIndex(order_day)
    ch_names = np.array(CHANNELS[0])
    pref = np.searchsorted(ch_names, customers.preferred_channel.to_numpy()) if False else \
        np.array([CHANNELS[0].index(x) for x in customers.preferred_channel])[oc]
    channel_idx = np.where(rng.random(n_orders) < 0.75, pref, rng.choice(3, size=n_orders, p=CHANNELS[1]))
    channel = ch_names[channel_idx]
    payment = np.empty(n_orders, dtype=object)
    for ch, (pays, pp) in PAYMENTS.items():
        m = channel == ch
        payment[m] = rng.choice(pays, size=m.sum(), p=pp)
    hour = np.clip(rng.normal(np.where(channel == "store", 14, 20), 3.0), 7, 23).astype(int)
    ts = odays + pd.to_timedelta(hour, unit="h") + pd.to_timedelta(rng.integers(0, 60, n_orders), unit="min")
    promo_bias = np.array([t.promo_bias for t in kind_of])
    promo_order = rng.random(n_orders) < promo_bias
    lines_per = 1 + rng.poisson(np.array([t.lines_per_order for t in kind_of]) - 1)

    # lines: category by the customer's taste and the category's growth, product by popularity
    li_order = np.repeat(np.arange(n_orders), lines_per)
    n_lines = len(li_order)
    cat_names = list(CATEGORIES)
    taste = rng.dirichlet(np.ones(len(cat_names)) * 0.8, size=n_customers)[oc[li_order]]
    years_in = ((odays - START).days.to_numpy() / 365.25)[li_order]
    growth = np.array([g for (_, _, g) in CATEGORIES.values()])
    cat_idx = _pick(rng, taste * (1 + growth[None, :]) ** years_in[:, None])
    price_level = np.array([t.price_level for t in kind_of])[li_order]
    prod_idx = np.empty(n_lines, dtype=int)
    for ci, cat in enumerate(cat_names):
        pool = products.index[products.category == cat].to_numpy()
        pop = products.popularity.to_numpy()[pool]
        high = products.list_price.to_numpy()[pool] > 60
        m = cat_idx == ci
        w = pop[None, :] * np.where(high[None, :], price_level[m, None], 1 / price_level[m, None])
        prod_idx[m] = pool[_pick(rng, w)]
    prod = products.iloc[prod_idx].reset_index(drop=True)
    promo = promo_order[li_order] | (rng.random(n_lines) < 0.08)
    unit_price = np.round(prod.list_price.to_numpy() * np.where(promo, 0.7, 1.0), 2)
    is_bargain = np.array([t is TYPES["bargain"] for t in kind_of])[li_order]
    qty = 1 + rng.poisson(np.where(is_bargain, 2.0, 0.6 * price_level))
    tx = pd.DataFrame({
        "customer_id": customers.customer_id.to_numpy()[oc[li_order]],
        "order_id": np.char.add("O", np.char.zfill((li_order + 1).astype(str), 7)),
        "order_date": ts[li_order],
        "product_id": prod.product_id, "product_name": prod.product_name, "category": prod.category,
        "quantity": qty.astype("int64"), "unit_price": unit_price, "list_price": prod.list_price,
        "is_promo": promo, "channel": channel[li_order],
        "region": customers.home_region.to_numpy()[oc[li_order]], "payment": payment[li_order],
        "is_return": False,
    })
    # one line per product in an order: repeated picks of a product add to its quantity
    keys = [c for c in tx.columns if c != "quantity"]
    tx = tx.groupby(keys, sort=False, as_index=False)["quantity"].sum()
    li_order = tx["order_id"].str.slice(1).astype(int).to_numpy() - 1
    # about 2% of orders have their first line returned a few days later
    first_lines = np.flatnonzero(np.r_[True, li_order[1:] != li_order[:-1]])
    ret = tx.iloc[first_lines[rng.random(n_orders) < 0.02]].copy()
    ret["order_id"] = ret["order_id"].str.replace("O", "R", n=1)
    ret["order_date"] = ret["order_date"] + pd.to_timedelta(rng.integers(2, 15, len(ret)), unit="D")
    ret["quantity"] = -np.minimum(ret["quantity"], 1 + rng.integers(0, 2, len(ret)))
    ret["is_return"] = True
    tx = pd.concat([tx, ret], ignore_index=True)
    tx = tx[tx.order_date < END + pd.Timedelta(days=1)].copy()
    tx["amount"] = (tx["quantity"] * tx["unit_price"]).round(2)
    for c in ["customer_id", "order_id", "product_id", "product_name", "category", "channel", "region", "payment"]:
        tx[c] = tx[c].astype("str")
    tx["order_date"] = tx["order_date"].astype("datetime64[us]")
    tx = tx.sort_values(["order_date", "order_id", "product_id"], kind="stable").reset_index(drop=True)
    customers["first_purchase"] = pd.to_datetime(customers["first_purchase"]).astype("datetime64[us]")
    return tx, customers


def _file(size: str, what: str) -> Path:
    return DATA_DIR / f"{size}_{what}.csv.gz"


def write(size: str = "demo") -> list[Path]:
    """Write the committed demo files (``data/<size>_transactions.csv.gz`` and ``_customers``)."""
    tx, customers = generate(size)
    paths = [_file(size, "transactions"), _file(size, "customers")]
    # mtime=0 in the gzip header keeps the files byte-identical across runs
    import gzip
    for df, path in zip((tx, customers), paths):
        with gzip.GzipFile(path, "wb", mtime=0) as fh:
            fh.write(df.to_csv(index=False, date_format="%Y-%m-%d %H:%M:%S").encode("utf-8"))
    return paths


@lru_cache(maxsize=4)
def _load_cached(name: str) -> pd.DataFrame:
    from crmcore.door.data import load_transactions

    if name in SIZES:
        path = _file(name, "transactions")
        if path.exists():
            return load_transactions(path, asof=DEMO_ASOF)
        return load_transactions(generate(name)[0], asof=DEMO_ASOF)
    if name == "online_retail":
        from crmcore.door.data import clean

        path = DATA_DIR / "online_retail.csv.gz"
        # returns stay as negative lines (each method nets or drops them by its own returns= option):
        # dropping only the cancellations would keep the giant orders they cancelled (80,995 units
        # of one product on 2011-12-09) and make a wrong best-seller and a wrong top customer
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = load_transactions(path, preset="online_retail")
        return clean(raw, returns="net").transactions
    raise ParameterError(f"unknown dataset {name!r}; use 'demo', 'tiny', 'online_retail' or a file path.")


def load(name: str = "demo", **kwargs) -> pd.DataFrame:
    """Canonical transactions for a named data set or a file path (a copy: change it freely).

    ``lazy=True`` gives the validated transactions as a lazy Ibis table in the engine instead
    (see :func:`crmcore.data.open_transactions`); other keywords go to ``load_transactions``.
    """
    if name in SIZES or name == "online_retail":
        if kwargs.get("lazy"):
            from crmcore.door.data import open_transactions

            return open_transactions(_load_cached(name))
        return _load_cached(name).copy()
    from crmcore.door.data import load_transactions

    if not Path(name).suffix and not Path(name).exists():
        raise ParameterError(f"unknown dataset {name!r}; use 'demo', 'tiny', 'online_retail' or a file path.")
    return load_transactions(name, **kwargs)


def customers(size: str = "demo") -> pd.DataFrame:
    """The demo customers with their true (latent) type — the answer key for segmentation."""
    path = _file(size, "customers")
    if path.exists():
        df = pd.read_csv(path, dtype={"customer_id": "str"}, parse_dates=["first_purchase"])
        return df
    return generate(size)[1]


def default_asof(name: str) -> str | None:
    """The snapshot date that suits a named data set (never today's date)."""
    return {"demo": DEMO_ASOF, "tiny": DEMO_ASOF, "online_retail": "2011-12-10"}.get(name)
