"""Small builders shared by several test files."""
from __future__ import annotations

import pandas as pd


def make_tx(rows):
    """rows: (customer, date, amount) → canonical transactions, one line per order."""
    df = pd.DataFrame(rows, columns=["customer_id", "order_date", "amount"])
    df["order_date"] = pd.to_datetime(df["order_date"]).astype("datetime64[us]")
    df["order_id"] = [f"O{i:05d}" for i in range(len(df))]
    df["product_id"] = "P1"
    df["quantity"] = 1
    df["unit_price"] = df["amount"].abs()
    return df[["customer_id", "order_id", "order_date", "product_id", "quantity", "unit_price", "amount"]]
