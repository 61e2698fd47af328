"""Every test here runs with the areas built and Celery eager (autouse fixtures of
members_support, shared with the other members screen)."""

# Imported for pytest, which collects fixtures by name from conftest modules.
from tests.structures.members_support import areas_built, eager_celery  # noqa: F401
