"""API routes of reporting (filled by the feature)."""
ROUTES = ()
