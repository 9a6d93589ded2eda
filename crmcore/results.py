"""What every result object shares: a table, the conventions that made it, an HTML repr.

Method modules define frozen dataclasses that inherit :class:`Result` with a ``table`` field
(or their own ``to_frame()``); ``conventions()`` lists the keyword choices that produced the numbers so
a report can print them next to the table.
"""
from __future__ import annotations

import dataclasses
import html
from typing import Any

import pandas as pd


class Result:
    """Mixin for frozen dataclass results."""

    #: human title shown in the HTML repr; subclasses override
    title: str = "result"

    def to_frame(self) -> pd.DataFrame:
        """The result's main table (subclasses whose table is built on demand override this)."""
        return self.table

    def conventions(self) -> dict[str, Any]:
        """The keyword choices behind the numbers (fields named in ``_conventions``)."""
        names = getattr(self, "_conventions", ())
        return {n: getattr(self, n) for n in names if hasattr(self, n)}

    def _repr_html_(self) -> str:
        conv = self.conventions()
        conv_html = (
            "<p><small>" + "; ".join(f"{html.escape(str(k))} = {html.escape(str(v))}" for k, v in conv.items())
            + "</small></p>"
            if conv
            else ""
        )
        frame = self.to_frame()
        body = frame.head(50).to_html(escape=True, float_format=lambda x: f"{x:,.4g}")
        more = f"<p><small>{len(frame) - 50:,} more rows; use .to_frame()</small></p>" if len(frame) > 50 else ""
        return f"<div><strong>{html.escape(self.title)}</strong>{conv_html}{body}{more}</div>"

    def __repr__(self) -> str:
        fields = [f.name for f in dataclasses.fields(self)] if dataclasses.is_dataclass(self) else []
        return f"{type(self).__name__}({', '.join(fields)})"
