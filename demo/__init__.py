"""Demo data of every app (`demo/<app>.py`) and the `seed_demo` command that loads it; the
domain apps hold no demo code."""
