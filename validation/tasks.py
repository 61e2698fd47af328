"""Periodic task of the validation circuit: tacit validation (VAL-5).

`portal.celery` merges `beat_schedule` into the Celery beat configuration.
"""

from celery import shared_task

from validation import services


@shared_task
def expire_pending_validations() -> int:
    """T7 + T8 for invoices left 15 days in A_VALIDER_1; idempotent, hourly."""
    return services.expire_pending_validations()


beat_schedule = {
    "validation-expire-pending": {
        "task": "validation.tasks.expire_pending_validations",
        "schedule": 3600.0,
    },
}
