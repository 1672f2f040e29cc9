"""Stage 2, segment: sentences and typed argumentative units with exact offsets."""
