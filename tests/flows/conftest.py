"""The flow tests' actors: a depositor with ISSUED in modification, a public recipient."""

from __future__ import annotations

import pytest


@pytest.fixture
def supplier(personas):
    return personas.structure


@pytest.fixture
def actor(personas):
    return personas.simple_change


@pytest.fixture
def recipient(personas):
    return personas.public
