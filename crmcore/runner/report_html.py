"""HTML of an executed notebook: the nbconvert exporter (one per process and mode), the provenance header,
MathJax inlined when a page has formulas, the Simplified Chinese glyphs a page uses embedded as a WOFF
subset (cached on disk by character set), and the check that a zh page reads as Chinese prose.

Split from :mod:`crmcore.runner.report`, which re-exports ``to_html``, ``embed_cjk_font``, ``visible_prose``
and ``prose_check`` under their old names.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from crmcore.runner.notebooks import (HTML_LANG, LESSON_DROP, REPORT_DROP, ROOT, TEMPLATES, _HEADER_LABELS,
                                      _TMP_SUFFIX, _data_file, _declared_defaults, select_cells, title_of)

# ----------------------------------------------------------------------------------------------- HTML

def _has_math(nb) -> bool:
    return any(c.cell_type == "markdown" and "$" in c.source for c in nb.cells)


@lru_cache(maxsize=8)
def _exporter(show_code: bool, mode: str = "report"):
    """One configured exporter per process and mode (the template loads once)."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REPORT_DROP if mode == "report" else LESSON_DROP)
    # a report hides the parameters cell's input (the header lists the values); a lesson with code shows it
    hide = mode == "report" or not show_code
    c.TagRemovePreprocessor.remove_input_tags = {"parameters", "injected-parameters"} if hide else set()
    if not show_code:
        c.TemplateExporter.exclude_input = True
        c.TemplateExporter.exclude_input_prompt = True
        c.TemplateExporter.exclude_output_prompt = True
    return HTMLExporter(config=c, template_name="crmcore_report", extra_template_basedirs=[str(TEMPLATES)])


@lru_cache(maxsize=1)
def _mathjax_js() -> str:
    return (TEMPLATES / "crmcore_report" / "tex-svg.js").read_text(encoding="utf-8")


def to_html(nb, *, show_code: bool = False, parameters: Mapping[str, Any], notebook: Path, lang: str = "en",
            mode: str = "report") -> str:
    """HTML of an executed notebook in ``mode``: offline, provenance header, code hidden unless ``show_code``."""
    from crmcore import __version__
    from crmcore.door.data import file_hash

    defaults = _declared_defaults(nb)
    nb = select_cells(nb, lang=lang, drop=REPORT_DROP if mode == "report" else LESSON_DROP)
    exporter = _exporter(show_code, mode)
    nb.metadata["title"] = title_of(nb, lang) or notebook.stem
    data = _data_file(parameters, defaults)
    shown = {**defaults, **parameters}
    labels = _HEADER_LABELS.get(lang, _HEADER_LABELS["en"])
    resources = {
        "crmcore": {
            "heading": labels["heading"],
            "labels": labels,
            "lang": lang,
            "notebook": notebook.name,
            "parameters": {k: repr(v) for k, v in shown.items() if k != "output_dir"},
            "data_file": str(data.relative_to(ROOT)) if data and data.is_relative_to(ROOT) else (str(data) if data else "—"),
            "data_sha256": file_hash(data) if data and data.is_file() else "",
            "version": __version__,
            "mathjax_js": _mathjax_js() if _has_math(nb) else "",
        }
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = body.replace('<html lang="en">', f'<html lang="{HTML_LANG.get(lang, "en")}">', 1)
    return embed_cjk_font(body)


_CJK_FAMILY = "crmcore CJK"
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
_DATA_URI = re.compile(r"data:[a-z/+.-]+;base64,[A-Za-z0-9+/=]+")


def _subset_woff(chars: str) -> bytes:
    """A WOFF of the SC font holding ``chars``, cached on disk by character set (subsetting a 16 MB CJK
    font costs about a second; most reports of a build share most characters, and reruns share all)."""
    from crmcore.plotting import cache_dir, cjk_font_path

    path = cjk_font_path()
    key = hashlib.sha256((Path(path).name + "\0" + chars).encode("utf-8")).hexdigest()[:32]
    cached = cache_dir() / "subsets" / f"{key}.woff"
    with contextlib.suppress(OSError):
        return cached.read_bytes()
    import io
    import logging

    from fontTools import subset

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    opts = subset.Options()
    opts.flavor = "woff"  # zlib-compressed; WOFF2 would need the brotli package
    opts.layout_features = ["*"]
    font = _load_font(path, opts)
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, opts)
    data = buf.getvalue()
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".subset.", suffix=_TMP_SUFFIX)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, cached)
    return data


def _load_font(path: str, opts):
    from fontTools import subset

    return subset.load_font(path, opts, lazy=True)


def embed_cjk_font(page: str) -> str:
    """Embed the Noto Sans CJK SC glyphs a page uses, so Chinese prose, tables and formulas never show boxes.

    Plots carry the font already; the HTML text would otherwise depend on the viewer having a CJK
    system font (and a Japanese one draws 门 值 次 类 in Japanese forms). Only the characters on the page
    are kept, as a WOFF data URI listed first for text, tables and code; Latin text keeps the system
    fonts. The face is listed first (its ``unicode-range`` covers CJK only, so Latin still falls through
    to the system fonts): Chromium shows boxes for a non-400 weight when a web font comes after system
    fonts. The face has one weight; ``font-synthesis: none`` keeps browsers from smearing a fake bold.
    """
    text = _DATA_URI.sub("", _SCRIPT.sub("", page))
    chars = "".join(sorted({ch for ch in text if ord(ch) >= 0x2E80}))
    if not chars or "</head>" not in page:
        return page
    from crmcore.plotting import cjk_font_path

    if cjk_font_path() is None:  # pragma: no cover - a core dependency
        return page
    import base64

    uri = base64.b64encode(_subset_woff(chars)).decode("ascii")
    fam = f'"{_CJK_FAMILY}"'
    css = (f'<style type="text/css">\n@font-face {{ font-family: {fam}; src: url(data:font/woff;base64,{uri}) format("woff"); '
           f"unicode-range: U+2E80-FFFF; }}\n"
           f":root {{ --jp-content-font-family: {fam}, system-ui, -apple-system, \"Segoe UI\", helvetica, arial, sans-serif;\n"
           f"  --jp-ui-font-family: {fam}, system-ui, -apple-system, \"Segoe UI\", helvetica, arial, sans-serif;\n"
           f"  --jp-code-font-family: menlo, consolas, \"DejaVu Sans Mono\", {fam}, monospace; }}\n"
           f"body, .crm-header {{ font-family: var(--jp-content-font-family); }}\n"
           f":lang(zh) {{ font-synthesis: none; }}\n</style>\n")
    return page.replace("</head>", css + "</head>", 1)


# ------------------------------------------------------------------------------------- zh prose check

_SKIP_TAGS = {"script", "style", "head", "code", "pre", "svg", "mjx-container", "math", "cite", "title"}
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$|\\\(.+?\\\)|\\\[.+?\\\]", re.S)
_CITATION = re.compile(r"[（(][^()（）]*\b(1[89]|20)\d\d[a-z]?\b[^()（）]*[)）]|《[^》]*》|https?://\S+|doi:\S+")
_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def visible_prose(page: str) -> str:
    """The prose a reader sees in an HTML report: text outside code, scripts, styles, formulas, the
    provenance header and citations (numbers and proper names are left for :func:`prose_check`)."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.stack: list[bool] = []

        def handle_starttag(self, tag, attrs):
            if tag in ("br", "img", "meta", "link", "hr", "input", "col", "wbr"):
                return
            a = dict(attrs)
            skip = tag in _SKIP_TAGS or "crm-header" in (a.get("class") or "") or \
                "MathJax" in (a.get("class") or "") or (self.stack and self.stack[-1])
            self.stack.append(bool(skip))

        def handle_endtag(self, tag):
            if tag in ("br", "img", "meta", "link", "hr", "input", "col", "wbr"):
                return
            if self.stack:
                self.stack.pop()
            self.parts.append("\n")

        def handle_data(self, data):
            if not (self.stack and self.stack[-1]):
                self.parts.append(data)

    p = _Text()
    p.feed(page)
    text = "".join(p.parts)
    return _CITATION.sub(" ", _MATH.sub(" ", text))


def _is_prose_word(w: str) -> bool:
    """A lowercase English word (proper names, acronyms and code identifiers are not prose)."""
    return w[0].islower() and len(w) > 1 and not any(c == "_" or c.isdigit() for c in w)


def prose_check(page: str) -> tuple[float, list[str]]:
    """(share of CJK among the prose letters, English sentences found) of an HTML report.

    Letters counted: CJK characters and the letters of lowercase English words; capitalised words
    (proper names such as Porter, DuPont, Huamei Retail), acronyms (RFM, ROE), identifiers (``rfm_table``)
    and numbers do not count. An English sentence is a run of four or more Latin words, at least three
    of them lowercase prose words (``The segment with the most revenue is champions.``).
    """
    text = visible_prose(page)
    cjk = len(_CJK.findall(text))
    latin = sum(len(w) for w in _WORD.findall(text) if _is_prose_word(w))
    sentences = []
    for chunk in re.split(r"[\n。；;！!？?：:|]|(?<=[.])\s", text):
        words = re.findall(r"[A-Za-z][\w'’-]*|[,.()]", chunk)
        run: list[str] = []
        best: list[str] = []
        for w in words + ["。"]:
            if re.match(r"[A-Za-z]", w) or (w in ",()" and run):
                run.append(w)
                continue
            if len(best) < len(run):
                best = run
            run = []
        alpha = [w for w in best if w[0].isalpha()]
        if len(alpha) >= 4 and sum(_is_prose_word(w) for w in alpha) >= 3:
            sentences.append(" ".join(chunk.split()))
    share = cjk / (cjk + latin) if cjk + latin else 1.0
    return share, sentences
