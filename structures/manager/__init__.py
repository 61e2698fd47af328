"""Manager activities (the MANAGER area, `gestionnaire/`): requests, members, roles, areas,
bulk subscriptions, attachment, duplication of rights, history."""
