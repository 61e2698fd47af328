"""The Issued invoices area (Factures émises, supplier side): synthesis, search, detail,
complete, recycle, process a rejection, correct the validator, acknowledgements (LIF-6)."""
