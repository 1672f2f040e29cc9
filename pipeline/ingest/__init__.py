"""Stage 1, ingest: raw pages and thread files into a clean corpus.

`build` is the stage: it reads researchers' thread files and tools' exports (`files/`, with
`pipeline.formats`) or the raw pages a manifest lists (`pages/`: saved, printed and copied
pages, with `pages/saved/` and `pages/copied/` for the platforms' own), and makes threads,
posts and participants of them. What both sides share sits here: who replies to whom in a
flat list (`replies`), dates (`dates`), HTML as text (`markup`), languages (`langid`),
participants (`people`), targets (`targets`), deleted authors and texts (`deleted`), the
spill that keeps rows on disk (`spill`) and the reading options (`options`)."""
