"""Tests of the public directory (structures/directory/)."""
