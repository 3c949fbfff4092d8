"""API routes of requests (filled by the feature)."""
ROUTES = ()
