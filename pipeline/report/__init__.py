"""Stage 5, report: the HTML and Markdown summary of a debate."""

# The report's file name when none is given (make names it seeds, pages or threads after
# its inputs); a report of that name is titled plainly.
DEFAULT_NAME = "report"
