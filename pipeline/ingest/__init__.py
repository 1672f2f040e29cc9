"""Stage 1, ingest: raw pages and thread files into a clean corpus."""
