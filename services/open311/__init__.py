"""Open311 GeoReport v2 for wishes and requests (``views`` has the details)."""
