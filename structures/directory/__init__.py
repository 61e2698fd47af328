"""The public directory of recipient structures (`annuaire/`, DIR-1..5)."""
