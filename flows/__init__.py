"""Structured-file flows (DOMAIN §12, FLW-1..FLW-11): deposit, asynchronous integration,
compte rendu, and the FLOWS area."""
