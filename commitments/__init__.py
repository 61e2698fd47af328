"""Legal commitments (Engagements juridiques, the COMMITMENTS area) and their EJ-4 rules."""
