"""The deposit screens (Dépôt de facture, DEP-1..DEP-4): upload, form, online entry, drafts,
confirmation and certificate. Views, forms and the deposit use cases."""
