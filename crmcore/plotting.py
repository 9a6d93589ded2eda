"""Shared plot set-up: a Simplified-Chinese font for Chinese labels and the house style.

The font is Noto Sans CJK **SC** (SIL OFL). PyPI ships it inside the OpenType collection
``noto-cjk-sans-otc`` (JP, KR, SC, TC, HK faces in one ``.ttc``); the SC face is extracted once
into a cached ``.otf`` (user cache folder, ``$CRMCORE_CACHE`` to choose another) and registered with
matplotlib. The SC face matters: the JP face draws 门 值 次 类 近 数 最 新 客 in Japanese forms.
The collection has no bold weight; Chinese titles are therefore set in the normal weight (a bold
Latin title beside regular Chinese, or a faked bold, both look wrong).
"""
from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

#: the face of the collection that crmcore uses (Simplified Chinese)
CJK_FACE = "Noto Sans CJK SC"


def cache_dir() -> Path:
    """Where crmcore keeps derived files (the SC font, font subsets): ``$CRMCORE_CACHE`` or the user cache."""
    env = os.environ.get("CRMCORE_CACHE")
    if env:
        return Path(env)
    if os.name == "nt":  # pragma: no cover
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "crmcore"


def _collection_path() -> Path | None:
    try:
        import noto_cjk_sans_otc as font_pkg
    except ImportError:  # pragma: no cover - it is a core dependency
        return None
    return Path(str(font_pkg.FONT_PATH))


def _extract_sc(ttc: Path, target: Path) -> None:
    """Write the SC face of the collection to ``target`` (atomically: concurrent first uses are safe)."""
    from fontTools.ttLib import TTCollection

    coll = TTCollection(str(ttc), lazy=True)
    index = next((i for i, f in enumerate(coll.fonts) if f["name"].getDebugName(1) == CJK_FACE), None)
    if index is None:  # pragma: no cover - the collection's layout is fixed
        raise RuntimeError(f"{ttc} has no face named {CJK_FACE!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        coll.fonts[index].save(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    """Path of the Noto Sans CJK SC ``.otf`` (extracted from the collection at first use; None if absent)."""
    ttc = _collection_path()
    if ttc is None or not ttc.is_file():  # pragma: no cover
        return None
    name = f"NotoSansCJKsc-Regular-{ttc.stat().st_size}.otf"  # a new collection gives a new file
    for folder in (cache_dir(), Path(tempfile.gettempdir()) / f"crmcore-{os.getuid() if hasattr(os, 'getuid') else 0}"):
        target = folder / "fonts" / name
        if target.is_file():
            return str(target)
        try:
            _extract_sc(ttc, target)
            return str(target)
        except OSError:  # a read-only cache: try the next folder
            continue
    return None  # pragma: no cover


@lru_cache(maxsize=1)
def cjk_font_name() -> str | None:
    """Register the SC font with matplotlib and return its family name (None if absent)."""
    path = cjk_font_path()
    if path is None:  # pragma: no cover
        return None
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def use_style(lang: str = "en") -> None:
    """Apply the house matplotlib style; always put the CJK font in the fallback chain.

    Latin text keeps DejaVu Sans; characters DejaVu lacks fall back to Noto Sans CJK SC, so a
    Chinese label works in either language setting. In Chinese, titles use the normal weight:
    the font has no bold face, and half-bold titles (bold Latin, regular Chinese) read badly.
    """
    import logging

    name = cjk_font_name()
    families = ["DejaVu Sans"] + ([name] if name else [])
    # the CJK font has no bold face; matplotlib then logs a findfont line into every notebook
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    weight = "normal" if lang == "zh" else "bold"
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
            "axes.titleweight": weight,
            "figure.titleweight": weight,
            "axes.titlesize": "large" if lang != "zh" else "x-large",
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
