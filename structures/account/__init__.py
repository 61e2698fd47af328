"""My account's links and subscriptions: attachments, link requests, transfer of the main
role, area subscriptions (`rattachements/`, `abonnements/`)."""
