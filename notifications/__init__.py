"""The mail outbox (Email rows written in the same transaction as the change, sent by Celery
after commit) and the DEBUG mail viewer."""
