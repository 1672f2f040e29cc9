"""Stage 3, classify: stances, roles, relations and key points."""
