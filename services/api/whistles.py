"""API routes of whistles (filled by the feature)."""
ROUTES = ()
