"""Settings of the upload benchmark's server: the portal's, plus one bench-only URL."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
