"""Other tools' formats read (and written): Reddit dumps, 4CAT, ConvoKit, DAST."""
