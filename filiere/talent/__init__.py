"""Demandeurs d'emploi, offres, programmes et parcours de retour à l'emploi."""
