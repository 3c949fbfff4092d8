"""API routes of scoring (filled by the feature)."""
ROUTES = ()
