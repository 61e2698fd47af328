from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"

    def ready(self) -> None:
        from commitments import signals  # noqa: F401  (AREA-7: opens the area on payment)
