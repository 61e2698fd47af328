"""Structures URLs (namespace "structures"): one list per screen family."""

from structures.account.urls import urlpatterns as account_patterns
from structures.core.urls import urlpatterns as core_patterns
from structures.directory.urls import urlpatterns as directory_patterns
from structures.manager.urls import urlpatterns as manager_patterns

app_name = "structures"

urlpatterns = directory_patterns + core_patterns + account_patterns + manager_patterns
