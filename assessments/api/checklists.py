"""API routes of checklists (filled by the feature)."""
ROUTES = ()
