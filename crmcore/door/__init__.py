"""The door: reading files, the canonical schemas, validation and cleaning with an audit, the demo data sets.

``data`` is the façade users call (``load_transactions``, ``open_transactions``, ``clean``) over ``data_schema``
(canonical columns, mapping, Chinese headers), ``data_read`` (files, encodings, formats), ``data_validate`` (the
checks and their messages), ``data_clean`` (the cleaning rules and their audit) and ``data_lazy`` (the validated
table kept in the engine). ``datasets`` holds the demo and tiny data; ``b2b`` the B2B tables (accounts,
opportunities, stage history …) with their words in ``b2b_text``. They import the engine and the plumbing,
never a method.
"""
