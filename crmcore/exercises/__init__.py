"""Self-checks for the notebooks' exercises: one module per notebook (``n05_rfm``), ``check_1(answer)`` …

A check takes the learner's own answer (a number or a table), compares it with the value computed from
the same data and parameters, and prints a helpful message in the notebook's language; it never raises
on a wrong answer (a learner should be told, not stopped) and returns True or False.
"""
from __future__ import annotations


def verdict(ok: bool, lang: str, *, right: tuple[str, str], wrong: tuple[str, str]) -> bool:
    """Print the message for ``ok`` in ``lang`` (each message is an (en, zh) pair) and return ``ok``."""
    from crmcore.labels import check_lang

    check_lang(lang)
    en, zh = right if ok else wrong
    print(("✓ " if ok else "✗ ") + (zh if lang == "zh" else en))
    return ok
