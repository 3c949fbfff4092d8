"""Demo data for the portal: plausible names (``names``) and the generator behind
``manage.py seed_demo`` (``generator``)."""
