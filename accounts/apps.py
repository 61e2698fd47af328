from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        # Imported here: models are ready only now (signals imports services).
        from accounts import signals, support

        signals.connect()
        # After every app's permissions exist (auth's own post_migrate runs first).
        post_migrate.connect(support.ensure_support_group, dispatch_uid="accounts_support_group")
