"""Stage 4, graph: reply/argument and participant graphs, and their files for Gephi."""
