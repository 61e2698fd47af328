"""Tests of My account's links and subscriptions screens (structures/account/)."""
