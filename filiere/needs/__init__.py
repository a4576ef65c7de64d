"""Enquêtes de besoins en compétences et écarts avec l'offre de formation."""
