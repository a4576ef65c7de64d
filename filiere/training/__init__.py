"""Formations et sessions des organismes de formation."""
