"""Invoices: the domain core at the root (enums, models, errors, the workflow and its table,
scoped queries, tasks), the deposit rules in `rules/`, files and PDFs in `documents/`,
format recognition in `recognition/`, and one sub-package per screen family: `deposit/`,
`issued/`, `received/`."""
