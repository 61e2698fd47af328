"""Tests of the demo data (demo/)."""
