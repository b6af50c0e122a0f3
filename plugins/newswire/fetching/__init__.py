"""Fetching: the polite HTTP client (retries, rate limit, robots.txt) and the allow-list
that every request and redirect hop passes."""
