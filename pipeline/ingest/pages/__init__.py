"""Ingest's raw pages: what a seed manifest lists (text, HTML, MHTML, PDF, Word, Markdown),
read to an article with its comments: `seeds` reads a page, `article` its parts, `comments`
and `forum` the comment lists sites print; `saved` reads the pages platforms render, `copied`
the same pages copied from a browser as text."""
