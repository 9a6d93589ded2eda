"""One protocol for every result object: a table, a chart, sentences, the conventions, an HTML repr.

Every public result class in crmcore is a frozen dataclass that inherits :class:`Result`. A reader who
knows one result knows them all (scikit-learn's one protocol for every estimator is the model):

``to_frame(lang=None)``
    The main table. ``lang=None`` (the default) returns the raw frame with the code's column names
    (``recency``, ``net_revenue`` …), exactly as before this protocol, because notebooks and tests index
    it by those names. ``lang="en"`` or ``lang="zh"`` returns a copy with readable headers in that
    language (and the demo data's category values translated), looked up in the module's own label
    tables: the class's ``_columns`` (a table, or the name of a module table defined below the class),
    then the module's ``COLUMNS`` / ``COLUMN_LABELS`` / ``LABELS``, entries in the shape
    ``{"key": {"en": …, "zh": …}}``, and then in :data:`crmcore.labels.COLUMNS`. A module writes
    ``to_frame(self)`` for the raw table (or just has a ``table`` field); :class:`Result` adds ``lang``.
    Legacy: ``targets.Comparison`` and ``swot.FactorMatrix`` already took ``lang`` to translate the
    *values* while keeping the code's headers, and notebooks 00, 02 and 09 index those headers; they
    keep that meaning for one release (:data:`RAW_HEADERS`).
``plot(ax=None, lang="en", **kw)``
    Draws on ``ax`` (a new one when ``None``) in the seaborn manner and returns the Axes; every word in
    ``lang``. Results with several charts choose with ``kind=``. A result with no meaningful chart (a
    worksheet, a list of questions) raises :class:`NoPlotError` — a :class:`crmcore.errors.CrmError`
    that says so and points to ``to_frame()`` — rather than drawing a chart nobody would read.
    Pass ``ax`` and ``lang`` by keyword: a few older plots take ``kind`` first. No chart today: AHP
    worksheets, completions, revisions, group results, method comparisons and Monte Carlo tables; cluster
    features, model comparisons and cross-tabs; one IFE/EFE matrix alone; a derived target and a month
    forecast (one number each); the whole 5W2H (one chart per question: ``result[key].plot()``).
``interpret(lang="en")``
    The findings as a list of sentences (str) generated from the numbers, in ``lang``.
``conventions()``
    The keyword choices behind the numbers (fields named in ``_conventions``), printable in a report.
``_repr_html_()``
    Title, conventions and the first 50 rows of ``to_frame()``, escaped.

The eight older names for the sentences (``summary`` where it returned a sentence, ``sentence``,
``sentences``, ``report_sentences``, ``describe``, ``headlines``, ``reason``) remain where notebooks,
tests or users call them, as aliases that raise a :class:`DeprecationWarning` ("will be removed in
the next release"); the :func:`deprecated` decorator makes them. ``summary`` that returns a *table* (ABC,
dormancy, BCG) or a dict (SWOT, Porter) is not a sentence method and stays; nor are
``AttributionResult.headline`` (the name of the headline effect column) and ``QuestionAnswer.headline``
(the stored sentence that ``interpret`` returns), nor ``swot.describe`` / ``porter.describe``, which
describe an input file rather than a result.

Where a result was computed in one language and keeps its text (5W2H headlines), ``interpret`` in the
other language raises a ParameterError that says how to compute it in that language.
"""
from __future__ import annotations

import dataclasses
import functools
import html
import inspect
import re
import sys
import warnings
from collections.abc import Mapping
from typing import Any, Callable

import pandas as pd

from crmcore.errors import CrmError

#: result classes whose ``to_frame(lang)`` translates values but keeps the code's headers (see above)
RAW_HEADERS = frozenset({"Comparison", "FactorMatrix"})  # class names (targets, swot)

#: module-level label tables searched for readable headers, in this order after the class's ``_columns``
_HEADER_TABLES = ("COLUMNS", "COLUMN_LABELS", "LABELS")


class NoPlotError(CrmError):
    """The result has no chart; its numbers are in ``to_frame()``."""


def split_sentences(text: str) -> list[str]:
    """A paragraph as a list of sentences: split after ``. ! ?`` followed by a space and a capital or
    digit, and after ``。！？``; the pieces joined with the right separator give the text back."""
    if not text:
        return []
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9(\"“])|(?<=[。！？])(?=\S)", text.strip())
    return [p for p in parts if p]


def deprecated(new: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a method as the deprecated old name of ``new``: it warns, then behaves exactly as before."""

    def mark(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def alias(*args: Any, **kwargs: Any) -> Any:
            owner = args[0] if args and hasattr(type(args[0]), method.__name__) else None
            name = f"{type(owner).__name__}.{method.__name__}" if owner is not None else method.__qualname__
            warnings.warn(f"{name} is deprecated and will be removed in the next release; "
                          f"use {new} instead", DeprecationWarning, stacklevel=2)
            return method(*args, **kwargs)

        alias.__deprecated__ = new
        return alias

    return mark


def _header_table(cls: type) -> dict[str, Mapping[str, str]]:
    """The label entries ``{"key": {"en": …, "zh": …}}`` of the class and its module."""
    module = sys.modules.get(cls.__module__)
    own = getattr(cls, "_columns", None)
    if isinstance(own, str):  # the name of a module table defined below the class
        own = getattr(module, own, None)
    tables = [own] + [getattr(module, n, None) for n in _HEADER_TABLES]
    out: dict[str, Mapping[str, str]] = {}
    for t in reversed(tables):
        if isinstance(t, Mapping):
            out.update({k: v for k, v in t.items() if isinstance(v, Mapping) and "zh" in v and "en" in v})
    return out


def readable(frame: pd.DataFrame, lang: str | None, cls: type) -> pd.DataFrame:
    """``frame`` with headers in ``lang`` from the label tables of ``cls`` (unchanged when ``lang`` is None)."""
    if lang is None or not isinstance(frame, pd.DataFrame):
        return frame
    from crmcore.labels import translate_frame  # labels imports errors only; kept local so results stays a leaf

    return translate_frame(frame, lang, columns=_header_table(cls))


def _add_lang(to_frame: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """Give a module's raw ``to_frame(self, ...)`` the protocol's ``lang`` keyword."""

    @functools.wraps(to_frame)
    def wrapper(self, lang: str | None = None, **kwargs):
        return readable(to_frame(self, **kwargs), lang, type(self))

    sig = inspect.signature(to_frame)
    params = list(sig.parameters.values())
    lang_param = inspect.Parameter("lang", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None,
                                   annotation="str | None")
    rest = [p if p.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD else p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for p in params[1:]]
    wrapper.__signature__ = sig.replace(parameters=[params[0], lang_param, *rest])
    del wrapper.__wrapped__  # inspect.signature must show the protocol's signature, not the raw one
    return wrapper


class Result:
    """Base of every result: the protocol of the module docstring."""

    #: human title shown in the HTML repr; subclasses override
    title: str = "result"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("to_frame")
        if own is not None and callable(own) and "lang" not in inspect.signature(own).parameters:
            cls.to_frame = _add_lang(own)

    def to_frame(self, lang: str | None = None) -> pd.DataFrame:
        """The result's main table; ``lang`` gives readable headers (None: the raw column names)."""
        return readable(self.table, lang, type(self))

    def plot(self, ax: Any = None, lang: str = "en", **kwargs: Any):
        """The result's chart (see the module docstring); this result has none."""
        raise NoPlotError(
            f"{type(self).__name__} has no chart: its numbers are a table, not a picture. "
            f"Show them with crm.show(result.to_frame(lang), lang) instead of result.plot()."
        )

    def interpret(self, lang: str = "en") -> list[str]:
        """The findings as sentences in ``lang``; every result class defines its own."""
        raise NotImplementedError(f"{type(self).__name__}.interpret is missing")

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
        return f"<div><strong>{html.escape(str(self.title))}</strong>{conv_html}{body}{more}</div>"

    def __repr__(self) -> str:
        fields = [f.name for f in dataclasses.fields(self)] if dataclasses.is_dataclass(self) else []
        return f"{type(self).__name__}({', '.join(fields)})"


class ParagraphResult(Result):
    """A result whose findings are one generated paragraph, ``_summary_text(lang)``.

    ``interpret`` splits it into sentences; ``summary(lang)``, the name these results had before the protocol,
    still returns the paragraph, with a DeprecationWarning.
    """

    def _summary_text(self, lang: str = "en") -> str:
        raise NotImplementedError(f"{type(self).__name__}._summary_text is missing")

    def interpret(self, lang: str = "en") -> list[str]:
        """The findings as a list of sentences (the result protocol of :mod:`crmcore.results`)."""
        return split_sentences(self._summary_text(lang))

    @deprecated("interpret")
    def summary(self, lang: str = "en") -> str:
        """Deprecated old name of interpret(), returning what it returned before."""
        return self._summary_text(lang)


class SentenceResult(Result):
    """A result whose findings are one generated text, ``_sentence_text(lang)`` (``lang=None``: the language the
    result was made in); ``interpret`` splits it into sentences, and ``sentence(lang)``, the name these results had
    before the protocol, still returns the text, with a DeprecationWarning."""

    def _sentence_text(self, lang: str | None = None) -> str:
        raise NotImplementedError(f"{type(self).__name__}._sentence_text is missing")

    def interpret(self, lang: str | None = None) -> list[str]:
        """The findings as a list of sentences (the result protocol of :mod:`crmcore.results`)."""
        return split_sentences(self._sentence_text(lang))

    @deprecated("interpret")
    def sentence(self, lang: str | None = None) -> str:
        """Deprecated old name of interpret(), returning what it returned before."""
        return self._sentence_text(lang)
