"""API routes of dashboard (filled by the feature)."""
ROUTES = ()
