"""Invoicing URLs: deposit, Issued invoices (supplier) and Received invoices (recipient)."""

from invoicing.deposit.urls import urlpatterns as deposit_patterns
from invoicing.issued.urls import urlpatterns as issued_patterns
from invoicing.received.urls import urlpatterns as received_patterns

app_name = "invoicing"

urlpatterns = deposit_patterns + issued_patterns + received_patterns
