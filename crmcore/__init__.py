"""crmcore — data-driven customer and business management methods, as a library.

Import the method modules directly (``from crmcore import rfm``); the names here are the
shared plumbing every notebook uses.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import CrmError, DataError, DomainError, ParameterError
from .display import say, show
from .export import export_frame, export_name
from .nbtools import load_dataset, read_records, record, resolve_asof, setup_notebook
from .plotting import ensure_cjk as _ensure_cjk

_ensure_cjk()

__all__ = [
    "__version__", "CrmError", "DataError", "DomainError", "ParameterError",
    "setup_notebook", "record", "read_records", "load_dataset", "resolve_asof",
    "show", "say", "export_frame", "export_name",
]
