"""Views of structures live in two modules: `structure_views` / `directory` (the structure
itself) and `membership_views` (members, requests, areas, subscriptions)."""
