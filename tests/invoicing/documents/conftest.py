"""The deposit fixtures (a supplier, its actor, DIR-5-style recipients) for these tests too."""

from tests.invoicing.deposit.conftest import (  # noqa: F401 - fixtures, used by name
    actor,
    bank_account,
    other_supplier_user,
    recipient,
    recipients,
    supplier,
    validator_structure,
)
