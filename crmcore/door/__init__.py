"""The door: reading files, the canonical schemas, validation and cleaning with an audit, the demo data sets.

``data`` (transactions), ``datasets`` (demo and tiny data), ``b2b`` (the B2B tables: accounts, opportunities,
stage history …). They import the engine and the plumbing, never a method.
"""
