"""The A9/A12 validation circuit: the Invoices to validate area (TO_VALIDATE) and the tacit
validation task."""
