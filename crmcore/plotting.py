"""Shared plot set-up: a CJK font for Chinese labels and the house style.

The font is Noto Sans CJK (SIL OFL), installed from PyPI as ``noto-cjk-sans-jp-regular``; the
file holds the full CJK glyph set, simplified Chinese included, so zh plots show no tofu boxes.
"""
from __future__ import annotations

from functools import lru_cache

import matplotlib as mpl
from matplotlib import font_manager


def cjk_font_path() -> str | None:
    """Path of the bundled Noto Sans CJK file (None if the package is missing)."""
    try:
        import noto_cjk_sans_jp_regular as font_pkg
    except ImportError:  # pragma: no cover - it is a core dependency
        return None
    return str(font_pkg.FONT_PATH)


@lru_cache(maxsize=1)
def cjk_font_name() -> str | None:
    """Register the bundled CJK font with matplotlib and return its family name (None if absent)."""
    path = cjk_font_path()
    if path is None:  # pragma: no cover
        return None
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def use_style(lang: str = "en") -> None:
    """Apply the house matplotlib style; always put the CJK font in the fallback chain.

    Latin text keeps DejaVu Sans; characters DejaVu lacks fall back to Noto Sans CJK, so a
    Chinese label works in either language setting.
    """
    import logging

    name = cjk_font_name()
    families = ["DejaVu Sans"] + ([name] if name else [])
    # the CJK font has no bold face; matplotlib then logs a findfont line into every notebook
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    mpl.rcParams.update(
        {
            # a list of concrete families turns on per-glyph fallback; the generic "sans-serif"
            # would resolve to one font and Chinese would print as boxes
            "font.family": families,
            "font.sans-serif": families + ["sans-serif"],
            "axes.unicode_minus": False,
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
            "figure.figsize": (8, 4.5),
        }
    )


def ensure_cjk() -> None:
    """Add the CJK font as a fallback to matplotlib's current font family, changing nothing else.

    Called when crmcore is imported, so a zh plot drawn outside ``setup_notebook`` (a script, a test)
    shows Chinese, not boxes. The generic "sans-serif" family is replaced by its first concrete font,
    because matplotlib falls back glyph by glyph only along a list of concrete families.
    """
    name = cjk_font_name()
    if not name:  # pragma: no cover
        return
    fam = list(mpl.rcParams["font.family"])
    if name in fam:
        return
    generic = ("sans-serif", "serif", "monospace", "cursive", "fantasy")
    concrete = [mpl.rcParams[f"font.{f}"][0] if f in generic and mpl.rcParams[f"font.{f}"] else f for f in fam]
    mpl.rcParams["font.family"] = list(dict.fromkeys([*concrete, name]))


def new_ax(ax=None, figsize=None, **subplots):
    """``ax`` itself, or the Axes of a new figure (``figsize`` and other ``plt.subplots`` options)."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize, **subplots)
    return ax
