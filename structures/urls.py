"""Structures URLs: the structure itself (core) and its members, requests and areas."""

from structures.urls_core import urlpatterns as core_patterns
from structures.urls_members import urlpatterns as member_patterns

app_name = "structures"

urlpatterns = core_patterns + member_patterns
