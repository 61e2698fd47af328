"""Tests of the Manager activities screens (structures/manager/)."""
