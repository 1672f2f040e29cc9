"""Stage 5, report: the HTML and Markdown summary of a debate."""
