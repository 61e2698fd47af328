"""Invoicing URLs: deposit, Issued invoices (supplier) and Received invoices (recipient)."""

from invoicing.urls_deposit import urlpatterns as deposit_patterns
from invoicing.urls_issued import urlpatterns as issued_patterns
from invoicing.urls_received import urlpatterns as received_patterns

app_name = "invoicing"

urlpatterns = deposit_patterns + issued_patterns + received_patterns
