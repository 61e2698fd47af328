"""The project shell: settings (from the environment), root URLs, the Celery app, the area
catalogue (`areas.py`) and the tab bar (`navigation.py`), middleware (language, current
structure, security headers), the degrading cache, the admin site and the homepage."""

from portal.celery import app as celery_app

__all__ = ["celery_app"]
