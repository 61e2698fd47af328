import pytest


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process here, even when REDIS_URL is set (the worker test opts out)."""
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous
