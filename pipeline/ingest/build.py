"""Stage 1, ingest: raw seed pages and generic thread files -> a clean corpus.

Input:  seeds/manifest.toml and the raw pages it lists; or generic JSONL/CSV thread files.
Output: data/interim/corpus/ with
        posts.jsonl         one `Post` per document and comment, parents with evidence
        threads.jsonl       one `Thread` per thread (target statement, site, language)
        participants.jsonl  one `Participant` per author name
        ingest_report.json  what was removed, repaired or left undecided, and where
"""

from __future__ import annotations

import heapq
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from pipeline.core.artifacts import atomic_dir
from pipeline.core.config import Config
from pipeline.core.corpus import Corpus, write_ingest_report
from pipeline.core.errors import PipelineError
from pipeline.core.schema import Author, Evidence, GoldLabels, Note, Participant, Post, Span, Thread, ThreadRow
from pipeline.core.stream import shards
from pipeline.core.tables import open_sink
from pipeline.executors.local import ordered_map
from pipeline.ingest import langid
from pipeline.ingest.deleted import DELETED_NAMES, deleted_text, deletion_note
from pipeline.ingest.files.archives import unpack_archives, unpacked_dir
from pipeline.ingest.files.threads import LocatedRow, spill_thread_files
from pipeline.ingest.options import ReadOptions
from pipeline.ingest.pages.comments import find_signature, signed_name
from pipeline.ingest.pages.seeds import ingest_seeds
from pipeline.ingest.people import author_rows, finish_corpus, participants_from
from pipeline.ingest.quoted import quotes_ended
from pipeline.ingest.replies import ReplyDecision, addressed_in_section, infer_parents, page_order_votes
from pipeline.ingest.spill import AuthorSpill, RowStore
from pipeline.ingest.targets import choose_target

log = logging.getLogger(__name__)


def ingest_thread_files(paths: list[Path], cfg: Config, options: ReadOptions | None = None) -> Corpus:
    """Thread files, Reddit dumps, 4CAT exports and ConvoKit folders to a corpus in memory;
    given parents are kept. For corpora of any size, `write_ingest` writes the same corpus
    without holding it."""
    with RowStore() as store:
        notes = spill_thread_files(paths, cfg, store, options)
        threads: list[Thread] = []
        posts: list[Post] = []
        for thread, tposts, tnotes in thread_parts(store, cfg, infer_replies=bool(options and options.infer_replies)):
            threads.append(thread)
            posts.extend(tposts)
            notes.extend(tnotes)
    return finish_corpus(threads, posts, notes)


ThreadPart = tuple[Thread, list[Post], list[Note]]


def thread_parts(store: RowStore, cfg: Config, workers: int = 1, infer_replies: bool = False) -> Iterator[ThreadPart]:
    """Every stored thread as (thread, its posts in position order, notes), in thread id
    order, built in shards on `workers` processes; with `infer_replies`, see `build_thread`."""
    missing = store.missing_parents
    # Each shard carries the repairs of its own rows only, not the corpus's.
    work = (
        (shard, {r.id: missing[r.id] for thread in shard for r, _, _ in thread if r.id in missing} if missing else {})
        for shard in shards(store.threads(), cfg.scale.shard_posts)
    )
    fn = partial(
        _thread_shard,
        cfg=cfg,
        infer_replies=infer_replies,
        flat_reply_paths=frozenset(store.flat_reply_paths),
        flat_forum_paths=frozenset(store.flat_forum_paths),
    )
    for _, parts in ordered_map(fn, work, workers, "ingest"):
        yield from parts


def _thread_shard(
    work: tuple[list[list[tuple[ThreadRow, Path, int]]], dict[str, tuple[str, str]]],
    cfg: Config,
    infer_replies: bool = False,
    flat_reply_paths: frozenset[str] = frozenset(),
    flat_forum_paths: frozenset[str] = frozenset(),
) -> list[ThreadPart]:
    threads, missing = work
    located = [[LocatedRow(*r) for r in thread] for thread in threads]
    # The shard's languages in one batch over lingua's thread pool; rows that give one are not detected.
    unknown = [lr for thread in located for lr in thread if not lr.row.lang]
    found = langid.detect_many([_row_text(lr.row) for lr in unknown], cfg.languages)
    detected = {id(lr): d for lr, d in zip(unknown, found, strict=True)}
    return [
        build_thread(
            thread,
            detected,
            cfg,
            infer_replies or any(str(lr.path) in flat_forum_paths for lr in thread),
            missing,
            any(str(lr.path) in flat_reply_paths for lr in thread),
        )
        for thread in located
    ]


def build_thread(
    located: list[LocatedRow],
    detected: dict[int, tuple[str | None, float]],
    cfg: Config,
    infer_replies: bool = False,
    missing: dict[str, tuple[str, str]] | None = None,
    flat_replies: bool = False,
) -> ThreadPart:
    """One thread's rows (validated, parents checked) to its `Thread` and `Post`s.

    With `infer_replies` (a flat forum or comment list, which names no parents): the
    thread's first post is its opening post, and every other post without a parent gets
    one inferred as on a raw page (`pipeline.ingest.replies`: quotations, forms of
    address, echoes; else the opening post), with its evidence and confidence. So does
    every post answering the empty root made for a post the input left out, which then
    opens the thread.

    `missing`: post id -> (the parent its row named, where that parent is missing) for
    the rows whose parent `RowStore.check` or `attach_orphans` repaired. A researcher's own
    row ("input") gets the parent its words point to, as a flat forum's posts do (a reply
    that says "Svar til Ole" answers Ole, not the article); a dump's row keeps the root
    it was attached to. Either way its evidence says that the named parent is missing.

    `flat_replies`: the thread comes from a platform that files replies to replies under
    the comment (YouTube); a reply there that opens with "@handle" naming an earlier
    replier answers that reply (`replies.addressed_in_section`), with its evidence."""
    notes: list[Note] = []
    thread_id = located[0].row.thread_id
    roots = [lr for lr in located if lr.row.parent_id is None]
    # The empty root the row store made for a post the input left out (line 0).
    absent = next((lr.row.id for lr in roots if _absent(lr)), None)
    flat: set[str] = set()
    if infer_replies and (len(roots) > 1 or absent):
        order, reversed_by = _oldest_first(located, cfg.replies.address_min_score)
        if reversed_by:
            notes.append(
                Note(
                    where=order[0].where,
                    kind="inferred",
                    message=f"thread {thread_id!r}: its posts have no dates and are listed newest first ({reversed_by} "
                    "more of them address someone listed below them than above): read in reverse",
                )
            )
        # Posts without a parent, and those that answer the left-out post: in a flat
        # export both are comments whose parent only their words can tell.
        flat = {lr.row.id for lr in located if lr.row.parent_id is None or lr.row.parent_id == absent}
        flat.discard(order[0].row.id)
        notes.append(
            Note(
                where=order[0].where,
                kind="inferred",
                message=f"thread {thread_id!r}: parents of {len(flat)} post(s) inferred from their words; "
                f"{order[0].row.id!r} opens it",
            )
        )
    else:
        if len(roots) > 1:
            notes.append(
                Note(
                    where=roots[1].where,
                    kind="note",
                    message=f"thread {thread_id!r} has {len(roots)} roots; each is a document"
                    # None of them the thread's own post: a comment export that leaves the post out.
                    + (
                        ""
                        if any(r.row.id == thread_id for r in roots)
                        else " (if they are comments on a post the file leaves out, pass --comments-only)"
                    ),
                )
            )
        # By date only where every post has one: an undated reply sorted by "" would stand
        # before the article it answers. Otherwise in the order the files list them.
        dated = _all_dated(located)
        order = sorted(
            located,
            key=lambda lr: (lr.row.parent_id is not None, lr.row.created or "" if dated else "", str(lr.path), lr.line),
        )
    thread_lang = _thread_language(located, detected, cfg)
    posts = [_row_post(lr, pos, thread_lang, detected.get(id(lr)), cfg, notes) for pos, lr in enumerate(order)]
    posts = _without_repeated_titles(posts, thread_id, order[0].where, notes)
    # A forum's posts exported as text keep its quotation boxes as a page copied as text
    # does: ended the same way, before reply inference and the roles read them.
    posts = [
        posts[0],
        *quotes_ended(posts[0], posts[1:], order[0].where, notes, cfg.replies.candidate_window, thread_id),
    ]
    signed = [p for p in posts if p.signature is not None]
    if signed:
        named = sum(p.author_evidence == "sign-off in the text" for p in signed)
        notes.append(
            Note(
                where=signed[0].source,
                kind="inferred",
                message=f"thread {thread_id!r}: {len(signed)} post(s) end in a sign-off; the self-descriptions in "
                "it are read as their authors' (as for a page's comments)"
                + (f", and {named} post(s) with no author given are by the name it signs" if named else ""),
            )
        )
    missing = missing or {}
    inferred = flat | {i for i, (_, where) in missing.items() if where == "input" and i != posts[0].id}
    if inferred:
        posts = [posts[0], *_inferred_parents(posts[0], posts[1:], inferred, cfg)]
        by_meaning = [p for p in posts if p.parent_rule == "meaning"]
        if by_meaning:
            notes.append(
                Note(
                    where=by_meaning[0].source,
                    kind="inferred",
                    message=f"thread {thread_id!r}: {len(by_meaning)} of its inferred parents chosen by meaning "
                    "(--parents-by-meaning): no cue pointed anywhere, and one earlier comment was clearly the closest",
                )
            )
    if missing:
        posts = [_missing_parent(p, *missing[p.id], inferred=p.id in inferred) if p.id in missing else p for p in posts]
    if absent:
        posts = [
            _answering_absent(p) if p.parent_id == absent and p.id not in inferred and p.id not in missing else p
            for p in posts
        ]
    if flat_replies:
        posts = _section_parents(posts, cfg, notes)
    root = posts[0]
    n_roots = sum(lr.row.id not in flat for lr in roots)
    target, target_source = _given_target(located, notes) or choose_target(root.title, root.text)
    if not target.strip() and root.id == absent:
        target, target_source = _replies_subject(posts[1:]) or (target, target_source)
    if not target.strip():
        notes.append(
            Note(
                where=order[0].where,
                kind="missing",
                message=f"thread {thread_id!r} has no target: its opening post has no words (give what the thread "
                f"debates in a `target` column, for an export in a one-row thread file of your own: id and thread_id "
                f"{thread_id!r}, target); target stance is read against nothing",
            )
        )
    thread = Thread(
        id=thread_id,
        kind="thread" if len(posts) > n_roots else "article",
        title=root.title,
        target=target,
        target_source=target_source,
        root_id=root.id,
        topic=next((lr.row.topic for lr in located if lr.row.topic), None),
        lang=thread_lang,
        created=root.created,
        source=order[0].where if flat else roots[0].where if roots else located[0].where,
        n_comments=len(posts) - n_roots,
    )
    return thread, posts, notes


def _all_dated(located: list[LocatedRow]) -> bool:
    """Whether every post of a thread has a date (the empty root made for a left-out post
    has none and needs none: it opens the thread)."""
    return all(lr.row.created for lr in located if not _absent(lr))


def _without_repeated_titles(posts: list[Post], thread_id: str, where: str, notes: list[Note]) -> list[Post]:
    """The posts, a reply that repeats its parent's title left without one.

    A mail program heads a reply with its parent's subject ("SV: Sagstal"; a folder of
    saved messages is read a file at a time, so the e-mail reader cannot compare them), and
    many exports put the thread's title on every row: neither is the replier's headline,
    and as one it would be a unit of theirs, the same claim in every reply."""
    titles = {p.id: p.title.strip().casefold() for p in posts}
    repeated = {
        p.id for p in posts if p.parent_id and p.title.strip() and titles.get(p.parent_id) == p.title.strip().casefold()
    }
    if not repeated:
        return posts
    notes.append(
        Note(
            where=where,
            kind="note",
            message=f"thread {thread_id!r}: {len(repeated)} reply(ies) repeat their parent's title (a mail program's "
            "'SV: ...', an export's thread title on every row): read without it",
        )
    )
    return [p.model_copy(update={"title": ""}) if p.id in repeated else p for p in posts]


def _replies_subject(replies: list[Post]) -> tuple[str, str] | None:
    """The subject the replies to a left-out opening post carry, as the thread's target.

    A mailing list's month file holds replies to a message sent the month before, each
    under its subject ("SV: Skal socialrådgivere autoriseres?"), which names what they
    debate; the first reply that has one speaks for them (the readers drop a reply's
    subject where it repeats its parent's)."""
    title = next((p.title for p in replies if p.title.strip()), "")
    return (choose_target(title, "")[0], "replies_title") if title else None


def _absent(lr: LocatedRow) -> bool:
    """Whether a row is the empty root the row store made for a post the input left out:
    it stands at line 0 and holds nothing."""
    row = lr.row
    return lr.line == 0 and not row.author and not row.title and not row.text


def _missing_parent(post: Post, named: str, where: str, inferred: bool) -> Post:
    """A repaired post's evidence starts with the parent its row named, which is missing
    from `where`: an `inferred` parent keeps the evidence that chose it; otherwise the post
    answers the root it was attached to, and this evidence decides."""
    named_as = (
        f"the {where} names the post itself as its parent"
        if named == post.id
        else f"the parent {named!r} that the {where} names is not in it"
    )
    cue = named_as + ("" if inferred else "; the thread's root stands in for it")
    if inferred:
        evidence = (Evidence(rule="missing-parent", cue=cue, target_id=None, score=1.0, decided=False),)
        return post.model_copy(update={"parent_evidence": evidence + post.parent_evidence})
    evidence = Evidence(rule="missing-parent", cue=cue, target_id=post.parent_id, score=1.0, decided=True)
    return post.model_copy(update={"parent_evidence": (evidence,)})


def _answering_absent(post: Post) -> Post:
    """A post answering the left-out post: its evidence says so, rather than that the file
    named the parent."""
    cue = "the post it answers is not in the input; the thread's empty root stands in for it"
    evidence = Evidence(rule="absent-root", cue=cue, target_id=post.parent_id, score=1.0, decided=True)
    return post.model_copy(update={"parent_evidence": (evidence,)})


MIN_REVERSE_VOTES = 2


def _oldest_first(located: list[LocatedRow], address_min_score: float) -> tuple[list[LocatedRow], int]:
    """A flat thread's rows oldest first, as `infer_parents` wants them, the first root
    first: by date where every post has one (an empty root made for a left-out post has
    none, and opens the thread), else in the order the file lists them (a forum export's
    page order), reversed where its comments say it lists the newest first, as news sites
    show them (more comments address someone listed below them than above: an answer comes
    after what it answers; `MIN_REVERSE_VOTES` more than the other way). Also that margin
    of votes when the comments were reversed, else 0."""
    dated = _all_dated(located)
    order = sorted(located, key=lambda lr: (lr.row.created or "" if dated else "", str(lr.path), lr.line))
    opening = next(lr for lr in order if lr.row.parent_id is None)
    comments = [lr for lr in order if lr is not opening]
    if dated:
        return [opening, *comments], 0
    # The opening post counts as listed first (its text casts no vote): a comment that
    # addresses the article's author addresses someone above it, whatever they wrote later.
    votes = page_order_votes(
        [opening.row.author, *(lr.row.author for lr in comments)],
        ["", *(_row_text(lr.row) for lr in comments)],
        address_min_score,
    )
    # Reversed only on two or more votes: read backwards, a file listed oldest first would
    # have every inferred parent wrong, where the listed order only misses some.
    if votes <= -MIN_REVERSE_VOTES:
        comments.reverse()
        return [opening, *comments], -votes
    return [opening, *comments], 0


def _given_target(located: list[LocatedRow], notes: list[Note]) -> tuple[str, str] | None:
    """The target a thread file's `target` column gives (the first, where its rows differ)."""
    given = list(dict.fromkeys(t for lr in located if (t := (lr.row.target or "").strip())))
    if not given:
        return None
    if len(given) > 1:
        other = next(lr for lr in located if (lr.row.target or "").strip() == given[1])
        notes.append(
            Note(
                where=other.where,
                kind="note",
                message=f"thread {other.row.thread_id!r} gives {len(given)} different targets; the first is used",
            )
        )
    return given[0], "given"


def _inferred_parents(root: Post, comments: list[Post], flat: set[str], cfg: Config) -> list[Post]:
    """`comments` (oldest first), those in `flat` answering the post `infer_parents` finds."""
    decisions = infer_parents(root, comments, cfg.replies)
    out = []
    for c in comments:
        if c.id in flat:
            c = _answering(c.model_copy(update={"kind": "comment"}), decisions[c.id])
        out.append(c)
    return out


def _section_parents(posts: list[Post], cfg: Config, notes: list[Note]) -> list[Post]:
    """`posts` (root first, oldest first), replies to replies that their platform filed
    under the comment answering the reply their "@handle" names."""
    by_id = {p.id: p for p in posts}
    sections: dict[str, list[Post]] = {}
    for p in posts[1:]:
        if p.parent_id and p.parent_id != posts[0].id and p.parent_id in by_id:
            sections.setdefault(p.parent_id, []).append(p)
    decided: dict[str, ReplyDecision] = {}
    for top_id, replies in sections.items():
        if len(replies) > 1:
            decided.update(addressed_in_section(by_id[top_id], replies, cfg.replies))
    if not decided:
        return posts
    notes.append(
        Note(
            where=next(p.source for p in posts if p.id in decided),
            kind="inferred",
            message=f"thread {posts[0].thread_id!r}: {len(decided)} repl(ies) filed under a comment answer the "
            "earlier reply their @handle names",
        )
    )
    return [_answering(p, d) if (d := decided.get(p.id)) else p for p in posts]


def _answering(post: Post, decision: ReplyDecision) -> Post:
    """`post` answering the parent `decision` found, with its confidence and evidence."""
    return post.model_copy(
        update={
            "parent_id": decision.parent_id,
            "parent_confidence": decision.confidence,
            "parent_evidence": decision.evidence,
        }
    )


def _row_text(row) -> str:
    return f"{row.title}\n{'' if deleted_text(row.text) else row.text}".strip()


# Enough text for lingua to be sure, and a bound on what one thread costs.
THREAD_LANG_CHARS = 2000


def _thread_language(located, found: dict[int, tuple[str | None, float]], cfg: Config) -> str:
    given = Counter(lr.row.lang for lr in located if lr.row.lang)
    if given:
        return given.most_common(1)[0][0]
    detected = Counter()
    for lr in located:
        lang, conf = found[id(lr)]
        if lang and conf >= cfg.languages.min_confidence:
            detected[lang] += 1
    if detected:
        return min(detected, key=lambda k: (-detected[k], k))
    # A thread of short posts ("Enig.", "Nej, du tager fejl.") has no post long enough to
    # tell Danish from Norwegian or Swedish, but their words together often do.
    joined = " ".join(t for lr in located if (t := _row_text(lr.row).strip()))[:THREAD_LANG_CHARS]
    lang, conf = langid.detect(joined, cfg.languages)
    return lang if lang and conf >= cfg.languages.min_confidence else "und"


def _row_post(
    lr, pos: int, thread_lang: str, detected: tuple[str | None, float] | None, cfg: Config, notes: list[Note]
) -> Post:
    row = lr.row
    # An empty root the row store made for a post the input left out has no author at
    # all: it was never read, so it is no deleted author's post either.
    absent = _absent(lr)
    name = row.author if row.author and row.author.strip().lower() not in DELETED_NAMES else None
    if row.author and name is None:
        notes.append(Note(where=lr.where, kind="repaired", message=f"author {row.author!r} read as deleted"))
    # A deleted author is no one person, so no self-description belongs to them.
    described = (row.author_description or "").strip() or None if name else None
    text = row.text
    if deleted_text(text):
        notes.append(Note(where=lr.where, kind="repaired", message=deletion_note(text)))
        text = ""
    # A post signed at its end ("Mvh Karen, socialrådgiver i Aarhus", "-- \nBo Nielsen,
    # afdelingsleder") describes its author there, as a page's comment does: read the same way.
    signature = None
    author_from = "input file" if name else None
    if not row.author and not absent and text and (unnamed := find_signature(text, None)) is not None:
        # No author given (a letters page's export): the sign-off's name is the author's.
        name = signed_name(text, unnamed[0])
        author_from = "sign-off in the text" if name else None
    if name and text and (sig := find_signature(text, name)) is not None:
        start, end, signed = sig
        signature = Span(start=start, end=end)
        described = "; ".join(dict.fromkeys(d for d in ([described] if described else []) + signed)) or None
    if not text.strip() and not row.title.strip() and not absent:
        notes.append(Note(where=lr.where, kind="note", message=f"post {row.id!r} has neither title nor text"))
    if row.lang:
        lang, conf, source = row.lang, 1.0, "given"
    else:
        lang, conf, source = langid.resolve(_row_text(row), thread_lang, cfg.languages, detected)
    gold = GoldLabels(target_stance=row.target_stance, reply_stance=row.reply_stance, role=row.role)
    given = (
        (Evidence(rule="given", cue="parent_id in the input file", target_id=row.parent_id, score=1.0, decided=True),)
        if row.parent_id
        else ()
    )
    return Post(
        id=row.id,
        thread_id=row.thread_id,
        kind="document" if row.parent_id is None else "comment",
        position=pos,
        parent_id=row.parent_id,
        parent_confidence=1.0 if row.parent_id else None,
        parent_evidence=given,
        authors=() if absent else (Author(name=name, description=described),),
        author_evidence=author_from,
        created=row.created,
        title=row.title,
        text=text,
        lang=lang,
        lang_confidence=conf,
        lang_source=source,
        signature=signature,
        source=lr.where,
        gold=gold if gold != GoldLabels() else None,
    )


def _seed_parts(corpus: Corpus) -> Iterator[ThreadPart]:
    by_thread = corpus.posts_by_thread()
    for t in corpus.threads:
        yield t, by_thread[t.id], []


def write_ingest(
    out_dir: Path,
    cfg: Config,
    manifest: Path | None = None,
    paths: list[Path] | None = None,
    options: ReadOptions | None = None,
    workers: int = 1,
    storage: str = "jsonl",
) -> dict:
    """Ingest seed pages and/or thread files into the corpus folder `out_dir` (atomically),
    holding a shard of threads at a time: rows and authors wait on disk (pipeline.ingest.spill).
    Zip and tar archives among `paths` are unpacked beside it first (`unpacked_dir`). What was
    written: counts, and notes by kind."""
    seeds = ingest_seeds(manifest, cfg) if manifest else None
    notes: list[Note] = list(seeds.notes) if seeds else []
    if paths:
        paths = unpack_archives(paths, unpacked_dir(out_dir), notes)
    with RowStore() as store, AuthorSpill() as authors:
        parts: Iterable[ThreadPart] = ()
        if paths:
            notes.extend(spill_thread_files(paths, cfg, store, options))
            parts = thread_parts(store, cfg, workers, infer_replies=bool(options and options.infer_replies))
            if seeds:
                clash = store.existing(p.id for p in seeds.posts)
                if clash:
                    raise ValueError(f"duplicate post ids across inputs: {clash[:5]}")
        if seeds:
            parts = heapq.merge(parts, _seed_parts(seeds), key=lambda part: part[0].id)
        with atomic_dir(Path(out_dir)) as tmp:
            counts = {"threads": 0, "posts": 0, "comments": 0}
            with (
                open_sink(tmp, "posts", Post, storage) as posts_out,
                open_sink(tmp, "threads", Thread, storage) as threads_out,
            ):
                previous = None
                for thread, tposts, tnotes in parts:
                    if thread.id == previous:
                        raise ValueError(f"thread ids occur in more than one input: [{thread.id!r}]")
                    previous = thread.id
                    threads_out.write([thread])
                    posts_out.write(tposts)
                    authors.add(author_rows(tposts))
                    notes.extend(tnotes)
                    counts["threads"] += 1
                    counts["posts"] += len(tposts)
                    counts["comments"] += sum(p.kind == "comment" for p in tposts)
            if not counts["posts"]:
                # Inside the output folder's transaction: nothing is written.
                first = "; ".join(f"{n.where}: {n.message}" for n in notes[:3])
                raise PipelineError(f"nothing to ingest: the inputs hold no post{f' ({first})' if first else ''}")
            with open_sink(tmp, "participants", Participant, storage) as people:
                people.write(participants_from(authors.sorted_rows()))
            counts["participants"] = people.count
            write_ingest_report(tmp / "ingest_report.json", counts, notes)
    return {"counts": counts, "notes_by_kind": dict(sorted(Counter(n.kind for n in notes).items()))}
