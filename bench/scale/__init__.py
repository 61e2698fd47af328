"""Scale benchmark (issue 10): a national-scale data set in PostgreSQL, then the portal's
pages measured through a real gunicorn server. `python -m bench.scale --help`."""
