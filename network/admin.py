"""Django admin for the positions and the regional network (staff only, as Django does).
Personal data is shown masked; the ledgers that the portal's actions keep are read-only here."""
