"""The Received invoices area (Factures reçues, recipient side, DOMAIN §7): synthesis, search,
detail, processing and dossier download."""
