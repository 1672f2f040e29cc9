"""Who replies to whom in a flat comment list, with the evidence for every link.

Comment sections on Danish and Swedish news sites are flat and newest first; replies show
only in the text. No library infers reply structure from such cues in Nordic languages, so
the rules are ours. Each rule yields `Evidence` (the cue text, the post it points to, a
match score); a comment's parent is the candidate with the strongest combined evidence
(noisy-OR of `prior x score` per agreeing cue), and the article when nothing points
elsewhere. Candidates are the root and comments posted before the comment itself.

Rules (priors in config.toml [replies]):
  own-earlier-post   "mit nedestående indlæg", "mitt tidigare inlägg" -> the author's last comment
  quotation          a quoted passage found (fuzzily) in the article or an earlier comment;
                     a Markdown quote ("> ...") of three to five words only word for word,
                     and only where one post alone says it
  address            "Kære Nick Alentoft", "Til Lars Brandt", "@Name", "Anna, ..." (a bare
                     name before a comma or colon, when it names someone) -> that person's
                     post; the article's author means the article
  quoted-author      a forum's quotation header, "Citat: Ursprungligen postat av Kalle",
                     "Kalle skrev:", "Originally posted by Kalle" -> Kalle's latest post
  title-echo         the headline or opening sentence nearly repeats an earlier headline
  headline-word-echo a rare word of one earlier comment's headline, absent from the article
  author-mention     the article's author named in the text ("Nicks leder rammer plet")
  commenter-mention  an earlier commenter named in the text ("Håller med Sofia87, ...";
                     a lowercase handle only after "@" or Reddit's "u/": "@birgitte"; a
                     first name alone where no other commenter has it: "Karin" for Karin E)
                     -> that commenter's latest post
  article-reference  "artiklen", "din leder", "journalisten" -> the article
  answered-question  the first comment of someone a question was addressed to ("Anna, hur
                     många ärenden har du?"; the article's author too) -> that question:
                     people answer when asked
  authorship-claim   "min leder herover": the commenter wrote the article (sets its author)
  meaning            only with `[replies] meaning_encoder` set (`ingest --parents-by-meaning`),
                     only where no other cue points anywhere: the earlier comment closest in
                     meaning (multilingual-e5-small), where it is closer than the article and
                     leads the next closest post by `meaning_min_margin`
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import snowballstemmer
from rapidfuzz import fuzz

from pipeline.core.config import ReplyConfig
from pipeline.core.corpus import same_person
from pipeline.core.quotes import QUOTE_LINE_RE, QUOTE_MARK_RES, QUOTED_AUTHOR_RE, QUOTED_AUTHOR_RUN_ON_RE
from pipeline.core.schema import Author, Evidence, Post
from pipeline.models.cues import WORD_RE, stopwords

# A run of word characters, digits included, as the mention patterns' \w reads them.
_WORD_RUN_RE = re.compile(r"\w+")
SALUTATION_RE = re.compile(
    r"^\s*(?P<word>(?:svar til|svar till|svar på|svarer på|reply to|replying to|kære|kæreste|hej|hejsa|til|"
    r"kjære|hei|bästa|kära|käre|hallå|dear)\b|re:)\s*"
    r"(?P<name>[^\n,.:;!?]{1,60}?)\s*(?=[\n,.:;!?]|$)",
    re.IGNORECASE,
)
# "@Name" or "@handle" at the start of a comment, often followed by its text on the same
# line, so the name's end is found by matching its first words (not up to punctuation).
MENTION_RE = re.compile(r"^\s*@(?P<name>[\w.\-]+(?:\s+[\w.\-]+){0,2})")
# A bare vocative: "Anna, hur många ärenden har du?", "Per Berg: du har fel". Capitalised
# words before a comma or colon open many sentences ("Nej, ...", "Desværre, ..."), so such
# a reading counts only where it names a commenter or the article's author.
VOCATIVE_RE = re.compile(r"^\s*(?P<name>[^\W\d_][\w.\-]*(?:\s+[^\W\d_][\w.\-]*){0,2})\s*[,:](?!//)")
OWN_POST_RE = re.compile(
    r"\b(?:mit|min|mitt|mine|mina)\s+(?:(?:nedestående|nedenstående|tidligere|forrige|første|"
    r"ovenstående|tidigare|förra|föregående|ovanstående|nedanstående|første)\s+)"
    r"(?:indlæg|kommentar|inlägg|innlegg|svar|kommentarer)\b"
    r"|\b(?:mit|min|mitt)\s+(?:indlæg|kommentar|inlägg|innlegg)\s+(?:nedenfor|herunder|længere nede|nedan|tidligere)\b",
    re.IGNORECASE,
)
AUTHORSHIP_RE = re.compile(
    r"\b(?:min|mit|mitt)\s+(?:leder|ledare|artikel|artikkel|kronik|krönika|klumme|kolumne|"
    r"debatindlæg|indlæg|inlägg|blogindlæg|tekst|text)\s+(?:herover|her ovenfor|ovenfor|"
    r"ovenover|ovenstående|ovan|här ovan|härovan)\b",
    re.IGNORECASE,
)
ARTICLE_REF_RE = re.compile(
    r"\b(?:artiklen|artikeln|artikkelen|lederen|ledaren|din leder|din artikel|dit indlæg|"
    r"debatindlægget|kronikken|krönikan|journalisten|journallisten|skribenten|forfatteren|"
    r"artikel som ovenstående|ovenstående artikel)\b",
    re.IGNORECASE,
)
MARKDOWN_QUOTE_RE = re.compile(r"^\s*>\s?(.+)$", re.MULTILINE)
QUOTE_RES = (*QUOTE_MARK_RES, MARKDOWN_QUOTE_RE)
STEMMERS = {"da": "danish", "sv": "swedish", "nb": "norwegian", "nn": "norwegian", "en": "english"}


@dataclass(frozen=True)
class ReplyDecision:
    parent_id: str
    confidence: float
    evidence: tuple[Evidence, ...]


@lru_cache(maxsize=8)
def _stemmer(lang: str):
    return snowballstemmer.stemmer(STEMMERS.get(lang, "danish"))


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _opening(post: Post) -> str:
    """Headline plus first sentence of the body, without a salutation line."""
    body = SALUTATION_RE.sub("", post.text.strip(), count=1).strip()
    first_line = body.split("\n", 1)[0]
    m = re.search(r"[.!?](\s|$)", first_line)
    first = first_line[: m.end()] if m else first_line
    title = SALUTATION_RE.sub("", post.title, count=1).strip()
    return f"{title} . {first}".strip(" .")


# Cached: a flat forum thread repeats its words thousands of times, and the Snowball
# stemmer (pure Python) was a third of reply inference's time.
@lru_cache(maxsize=1 << 18)
def _stem(lang: str, word: str) -> str:
    return _stemmer(lang).stemWord(word)


def _stems(text: str, lang: str, min_len: int = 5) -> set[str]:
    stop = stopwords(lang)
    return {_stem(lang, w) for w in WORD_RE.findall(text.lower()) if len(w) >= min_len and w not in stop}


class _StemMatches:
    """Whether a set of a thread's stems holds a stem, where Danish and Swedish compound
    freely ("statsautoriserede"): a stem of five letters or more inside the other, either
    way, counts as the same word. Each stem's matches among the thread's `vocabulary` are
    found once, through the five-letter pieces of the vocabulary, and a set is then asked
    only whether it holds one of them: testing every stem of every post in the window
    against each stem of a comment's opening was most of reading a long flat page (16,000
    comments: 13.8 s of 20)."""

    def __init__(self, vocabulary: set[str]) -> None:
        self.long = {s for s in vocabulary if len(s) >= 5}
        self.by_piece: dict[str, list[str]] = {}
        for s in self.long:
            for piece in {s[k : k + 5] for k in range(len(s) - 4)}:
                self.by_piece.setdefault(piece, []).append(s)
        self.matches: dict[str, frozenset[str]] = {}

    def _matches(self, stem: str) -> frozenset[str]:
        found = self.matches.get(stem)
        if found is None:
            n = len(stem)
            inside = {stem[a:b] for a in range(n) for b in range(a + 5, n + 1)} & self.long
            holders = self.by_piece.get(stem[:5], ()) if n >= 5 else self.long
            found = self.matches[stem] = frozenset(inside.union(s for s in holders if stem in s))
        return found

    def in_(self, stem: str, stems: set[str]) -> bool:
        """Whether `stems` (of the vocabulary) holds `stem` or a compound of it, either way."""
        return not self._matches(stem).isdisjoint(stems)


def addressees(text: str) -> list[tuple[str, str]]:
    """Whom a comment's first line addresses, as (cue, name) readings: one for a salutation
    ("Kære Lars", "Svar til Mette Kjær:"); for a mention ("@Per Nilsson För att ..."),
    whose name runs into the text, one per run of its first one, two and three words."""
    first = text.strip().split("\n", 1)[0]
    sal = SALUTATION_RE.match(first)
    if sal:
        return [(sal.group(0).strip(), sal.group("name").strip())]
    mention = MENTION_RE.match(first)
    if mention:
        words = mention.group("name").split()
        return [("@" + " ".join(words[:n]), " ".join(words[:n])) for n in range(1, len(words) + 1)]
    return []


def quoted_authors(text: str) -> list[tuple[str, str]]:
    """Whom a forum quotation header names, as (cue, name) readings: the name up to the end
    of its line or a colon; and, as the export may have run the quotation on after the
    name, one reading per run of the first one, two and three words."""
    qa = QUOTED_AUTHOR_RE.search(text)
    readings = [(qa.group(0).strip(), (qa.group("name") or qa.group("writer")).strip())] if qa else []
    run_on = QUOTED_AUTHOR_RUN_ON_RE.search(text)
    if run_on:
        head, words = text[run_on.start() : run_on.start("words")], run_on.group("words").split()
        readings += [(head + " ".join(words[:n]), " ".join(words[:n])) for n in range(1, len(words) + 1)]
    return readings


def vocatives(text: str) -> list[tuple[str, str]]:
    """A comment's first line opening with a name and a comma or colon ("Anna, ...") as a
    (cue, name) reading; a name here is one to three capitalised words."""
    m = VOCATIVE_RE.match(text.strip().split("\n", 1)[0])
    if not m or not all(w[0].isupper() for w in m.group("name").split()):
        return []
    return [(m.group(0).strip(), m.group("name"))]


def _says_name(name: str, authors: list[str]) -> bool:
    """Whether a vocative names one of `authors` as written: the whole name or its first
    word, case aside. Not fuzzily, as a salutation may be ("Kære Nick Alentoft"): a
    sentence opener such as "Men," would otherwise name a commenter called Mena."""
    said = _norm(name)
    return any(said in (_norm(a), _norm(a).split()[0]) for a in authors if a.strip())


def _authors_of(post_id: str | None, root: Post, root_names: list[str], earlier: list[Post]) -> list[str]:
    if post_id is None:
        return []
    if post_id == root.id:
        return root_names
    return [e.author for e in earlier if e.id == post_id and e.author]


def page_order_votes(authors: list[str | None], texts: list[str], min_score: float) -> int:
    """How many comments address (or, addressing no one, mention) a commenter listed above
    them, minus those that address one listed below: positive when the page lists the
    oldest first (an answer comes after what it answers)."""
    where: dict[str, list[int]] = {}
    for j, a in enumerate(authors):
        if a:
            where.setdefault(a, []).append(j)
    named: dict[str, list[str]] = {}  # addressee -> the authors it names (each name scored once)
    # The names by which a comment may mention a commenter ("Håller med Karin"), as the
    # commenter-mention rule reads them: names that name someone, and unshared first names.
    mentions = {a: a for a in where if _mentionable(a)}
    mentions.update({first: a for first, a in _unshared_first_names(where).items() if _mentionable(first)})
    by_word = _by_first_word(mentions)
    votes = 0
    for i, text in enumerate(texts):
        names = [name for _, name in addressees(text) or vocatives(text)]
        for n in names:
            if n not in named:
                named[n] = [a for a in where if _name_score(n, a) >= min_score / 100]
        hits = [j for n in names for a in named[n] if a != authors[i] for j in where[a] if j != i]
        if not names:
            hits = [
                j
                for said, a in _named_in(text, by_word)
                if a != authors[i] and re.search(rf"(?<![\w@.-])@?{re.escape(said)}(?![\w-])", text)
                for j in where[a]
                if j != i
            ]
        if hits and all(j < i for j in hits):
            votes += 1
        elif hits and all(j > i for j in hits):
            votes -= 1
    return votes


def _by_first_word(mentions: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """`mentions` (name as written -> commenter) indexed by the name's first run of word
    characters ("" for a name that opens with another character, "@sara"). A mention
    stands after no word character, so in the text it opens a run of word characters that
    is exactly that first run: looking up the text's runs finds every name it may hold,
    where testing each commenter's name against each comment grew with the square of a
    long flat page (16,000 comments: 31 s)."""
    index: dict[str, list[tuple[str, str]]] = {}
    for said, a in mentions.items():
        first = _WORD_RUN_RE.match(said)
        index.setdefault(first.group(0) if first else "", []).append((said, a))
    return index


def _named_in(text: str, by_word: dict[str, list[tuple[str, str]]]) -> Iterator[tuple[str, str]]:
    """The (name, commenter) pairs of `by_word` whose name is in `text` as a substring."""
    for word in {"", *_WORD_RUN_RE.findall(text)}:
        for said, a in by_word.get(word, ()):
            if said in text:
                yield said, a


def claimed_author(comments: list[Post]) -> tuple[Author, str] | None:
    """The commenter who says they wrote the article ("min leder herover"), if any."""
    for c in comments:
        m = AUTHORSHIP_RE.search(c.text)
        if m and c.authors and c.authors[0].name:
            return c.authors[0], f"comment {c.id} by {c.authors[0].name} says '{m.group(0)}'"
    return None


def _name_score(addressee: str, name: str) -> float:
    a, n = _norm(addressee), _norm(name)
    score = fuzz.ratio(a, n)
    if " " not in a and " " in n:
        score = max(score, fuzz.ratio(a, n.split()[0]))
    if "@" in n and "@" not in a:
        # A Mastodon account on another instance (`sara@mastodon.social`) is mentioned by its
        # user name alone (`@sara`), as Mastodon shows mentions.
        score = max(score, fuzz.ratio(a, n.split("@", 1)[0]))
    return score / 100.0


def infer_parents(root: Post, comments: list[Post], cfg: ReplyConfig) -> dict[str, ReplyDecision]:
    """Parent, confidence and evidence for every comment of one flat thread.

    `comments` must be in chronological order (oldest first); each may only reply to the
    root or to a comment before it: the root or one of the `cfg.candidate_window` comments
    before it (a flat forum thread of thousands of posts would otherwise cost the square
    of its length; a page's comment section is far shorter than the window).
    """
    # Imported here: scikit-learn takes about 1.5 s to import, and ingest only needs it for
    # flat pages (thread files name their parents).
    from sklearn.feature_extraction.text import TfidfVectorizer

    lang = root.lang
    root_names = [a.name for a in root.authors if a.name]
    openings = [_opening(root)] + [_opening(c) for c in comments]
    texts = [root.full_text] + [c.full_text for c in comments] + openings
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    if any(t.strip() for t in texts):
        vectors = vectorizer.fit_transform(texts)[len(texts) - len(openings) :]
    else:
        # No post of the thread has a word (link posts without a body, deleted comments):
        # nothing echoes anything, and scikit-learn refuses an empty vocabulary.
        import scipy.sparse as sp

        vectors = sp.csr_matrix((len(openings), 1))
    echo_sims = _window_similarities(vectors, cfg.candidate_window)
    window = cfg.candidate_window
    min_len = cfg.echo_word_min_len
    root_stems = _stems(root.full_text, lang, min_len)
    headline_stems = [_stems(c.title, lang, min_len) for c in comments]
    doc_stems = [_stems(c.full_text, lang, min_len) for c in comments]
    stem_matches = _StemMatches(root_stems.union(*headline_stems, *doc_stems))

    meaning = _meaning_vectors(root, comments, cfg)
    normalized = {p.id: _norm(p.full_text) for p in [root, *comments]}
    # Who may be named in a later comment, read once per thread (`Post.author` joins the
    # names anew on every call): (name, post, whether the name alone names them) for a
    # commenter other than the article's author.
    authors = [c.author for c in comments]
    nameable = [
        (a, c.id, _mentionable(a)) if a and a not in root_names else None
        for a, c in zip(authors, comments, strict=True)
    ]
    cand_words = {pid: set(WORD_RE.findall(text)) for pid, text in normalized.items()}
    posts_by_id = {c.id: c for c in comments}
    decisions: dict[str, ReplyDecision] = {}
    # Commenter -> (position, id) of the latest question addressed to them that they have
    # not posted since.
    asked: dict[str, tuple[int, str]] = {}
    for i, c in enumerate(comments):
        lo = max(0, i - window)
        earlier = comments[lo:i]
        earlier_authors = authors[lo:i]
        evidence: list[Evidence] = []

        question = asked.pop(authors[i], None) if authors[i] else None
        if question is not None and question[0] >= lo:
            evidence.append(
                Evidence(
                    rule="answered-question",
                    cue=_clip(comments[question[0]].full_text),
                    target_id=question[1],
                    score=1.0,
                    decided=False,
                )
            )

        m = OWN_POST_RE.search(c.text)
        if m:
            own = [e for e in earlier if same_person(e, c)]
            evidence.append(
                Evidence(
                    rule="own-earlier-post",
                    cue=m.group(0),
                    target_id=own[-1].id if own else None,
                    score=1.0,
                    decided=False,
                )
            )

        for quote, markdown in _quotes(c.text):
            words = len(quote.split())
            # A short quotation counts only where it is a Markdown quote ("> ..." is how a
            # forum or Reddit reply quotes what it answers; a few words in quotation marks are
            # as often a title or a scare quote) found word for word in one earlier post alone.
            short = words < cfg.quotation_min_words
            if short and not (markdown and words >= cfg.markdown_quote_min_words):
                continue
            q = _norm(quote)
            if short:
                holders = [cand.id for cand in [root, *earlier] if q in normalized[cand.id]]
                if len(holders) == 1:
                    evidence.append(
                        Evidence(rule="quotation", cue=_clip(quote), target_id=holders[0], score=1.0, decided=False)
                    )
                continue
            q_words = {w for w in WORD_RE.findall(q) if len(w) >= 5}
            best: tuple[float, str] | None = None
            for cand in [root, *earlier]:
                cand_text = normalized[cand.id]
                if q in cand_text:
                    score = 100.0
                elif q_words and len(q_words & cand_words[cand.id]) < len(q_words) / 2:
                    # Fuzzy alignment is slow on long posts; a quotation shares most words.
                    continue
                else:
                    score = fuzz.partial_ratio(q, cand_text, score_cutoff=cfg.quotation_min_score)
                if score >= cfg.quotation_min_score and (best is None or score > best[0]):
                    best = (score, cand.id)
            if best:
                evidence.append(
                    Evidence(
                        rule="quotation",
                        cue=_clip(quote),
                        target_id=best[1],
                        score=round(best[0] / 100, 4),
                        decided=False,
                    )
                )

        quoted_by = quoted_authors(c.text)
        if quoted_by:
            # The longest reading that names someone, as for a mention.
            tries = [
                (*_address_target(name, root, root_names, earlier, cfg, earlier_authors), len(name), cue)
                for cue, name in quoted_by
            ]
            target, score, _, cue = max(tries, key=lambda t: (t[0] is not None, t[1], t[2]))
            evidence.append(
                Evidence(
                    rule="quoted-author",
                    cue=cue,
                    target_id=target,
                    score=round(score, 4),
                    decided=False,
                )
            )

        for field_text in (c.title, c.text.strip().split("\n", 1)[0] if c.text.strip() else ""):
            readings = addressees(field_text)
            vocative = not readings
            readings = readings or vocatives(field_text)
            if not readings:
                continue
            # The longest reading that names someone ("@Per Nilsson", not "@Per Nilsson För").
            tries = [
                (*_address_target(name, root, root_names, earlier, cfg, earlier_authors), len(name), cue)
                for cue, name in readings
            ]
            target, score, _, cue = max(tries, key=lambda t: (t[0] is not None, t[1], t[2]))
            if vocative and not _says_name(readings[0][1], _authors_of(target, root, root_names, earlier)):
                continue
            evidence.append(Evidence(rule="address", cue=cue, target_id=target, score=round(score, 4), decided=False))
            break

        # Openings' rows: 0 the root, j + 1 comment j.
        rows = [0, *range(lo + 1, i + 1)]
        sims = next(echo_sims)
        best = max(range(len(rows)), key=lambda k: (sims[k], -k))
        best_echo, echo_sim = rows[best], float(sims[best])
        if echo_sim >= cfg.title_echo_min_similarity:
            target = root.id if best_echo == 0 else comments[best_echo - 1].id
            if best_echo == 0 or echo_sim - float(sims[0]) >= cfg.title_echo_min_margin:
                evidence.append(
                    Evidence(
                        rule="title-echo",
                        cue=_clip(openings[i + 1]),
                        target_id=target,
                        score=round(min(echo_sim, 1.0), 4),
                        decided=False,
                    )
                )

        evidence.extend(
            _headline_word_echo(c, i, lo, comments, headline_stems, doc_stems, root_stems, stem_matches, lang, cfg)
        )

        for name in root_names:
            first = name.split()[0]
            pat = rf"\b({re.escape(name)}s?|{re.escape(first)}s\s+(?:leder|artikel|indlæg|ledare|inlägg))\b"
            mm = re.search(pat, c.text, re.IGNORECASE)
            if mm and not (SALUTATION_RE.match(c.text.strip()) and mm.start() < 40):
                evidence.append(
                    Evidence(rule="author-mention", cue=mm.group(0), target_id=root.id, score=1.0, decided=False)
                )
                break
        mention = _commenter_mention(c.full_text, authors[i], nameable[lo:i])
        # A name already read as an address or a quotation's header is the same cue, not a second one.
        named = {ev.target_id for ev in evidence if ev.rule in ("address", "quoted-author")}
        if mention and mention[1] not in named:
            evidence.append(
                Evidence(rule="commenter-mention", cue=mention[0], target_id=mention[1], score=1.0, decided=False)
            )
        ref = ARTICLE_REF_RE.search(c.full_text)
        if ref:
            evidence.append(
                Evidence(rule="article-reference", cue=ref.group(0), target_id=root.id, score=1.0, decided=False)
            )
        if not evidence and meaning is not None:
            closest = _closest_in_meaning(meaning, i, lo, cfg.meaning_min_margin)
            if closest is not None:
                k, cosine, runner_up = closest
                cue = f"closest in meaning: cosine {cosine:.3f}, the next closest post {runner_up:.3f}"
                evidence.append(Evidence(rule="meaning", cue=cue, target_id=comments[k].id, score=1.0, decided=False))

        decisions[c.id] = decision = _decide(evidence, root.id, cfg)
        asked_whom = _asked(c, decision, posts_by_id, authors[i], root, root_names)
        if asked_whom:
            asked[asked_whom] = (i, c.id)
    return decisions


def addressed_in_section(top: Post, replies: list[Post], cfg: ReplyConfig) -> dict[str, ReplyDecision]:
    """Whom the replies filed under one comment answer, on a platform that lists them flat
    under it (YouTube, Facebook). `replies` oldest first. A reply that opens by naming the
    author of an earlier reply in the section (`_section_readings`; not the comment's own
    author) answers that author's latest reply before it, with the given parent and the
    address as evidence; the decisions are for those replies only, the others keep the
    comment."""
    window = cfg.candidate_window
    opened = {
        i: readings
        for i, reply in enumerate(replies)
        if i and (readings := _section_readings(reply, replies[max(0, i - window) : i]))
    }
    if not opened:
        return {}
    # YouTube writes authors as "@handle", which the mention names without its "@".
    top_names = [top.author.lstrip("@")] if top.author else []
    plain = [r.model_copy(update={"author": (r.author or "").lstrip("@") or None}) for r in replies]
    given = Evidence(
        rule="given",
        cue="filed under this comment by a platform that lists replies to replies there too",
        target_id=top.id,
        score=1.0,
        decided=False,
    )
    out: dict[str, ReplyDecision] = {}
    for i, readings in opened.items():
        reply = replies[i]
        earlier = plain[max(0, i - window) : i]
        tries = [(*_address_target(name, top, top_names, earlier, cfg), len(name), cue) for cue, name in readings]
        target, score, _, cue = max(tries, key=lambda t: (t[0] is not None, t[1], t[2]))
        if target is None or target == top.id:
            continue
        address = Evidence(rule="address", cue=cue, target_id=target, score=round(score, 4), decided=False)
        decision = _decide([address], top.id, cfg)
        out[reply.id] = ReplyDecision(decision.parent_id, decision.confidence, (given, *decision.evidence))
    return out


def _section_readings(reply: Post, earlier: list[Post]) -> list[tuple[str, str]]:
    """Whom a reply in a flat reply section opens by naming: "@handle" (YouTube, X), or the
    exact display name of an earlier replier of two words or more, as Facebook renders a
    tag ("Mette Lund det er ikke rigtigt"). A one-word name is too often a word of the
    sentence ("Per se ...") to count without an "@"."""
    text = reply.text.lstrip()
    mentions = [(cue, name) for cue, name in addressees(text) if cue.startswith("@")]
    if mentions:
        return mentions
    names = sorted({e.author for e in earlier if e.author and len(e.author.split()) > 1}, key=len, reverse=True)
    tagged = next((n for n in names if text.startswith(n) and not text[len(n) : len(n) + 1].isalnum()), None)
    return [(tagged, tagged)] if tagged else []


def _asked(
    comment: Post,
    decision: ReplyDecision,
    posts_by_id: dict[str, Post],
    own: str | None,
    root: Post,
    root_names: list[str],
) -> str | None:
    """Whom a comment puts a question to: a commenter, or the article's author, that it
    addresses by name (the link its address decided), asking in its own words (a "?"
    outside quoted lines)."""
    if not any(ev.decided and ev.rule == "address" for ev in decision.evidence):
        return None
    if "?" not in QUOTE_LINE_RE.sub("", comment.full_text):
        return None
    if decision.parent_id == root.id:
        whom = root_names[0] if root_names else None
    else:
        whom = posts_by_id[decision.parent_id].author if decision.parent_id in posts_by_id else None
    return whom if whom and whom != own else None


# The encoder reads 256 tokens; more characters would only lengthen the cache's keys' input.
MEANING_CHARS = 2000


def _meaning_vectors(root: Post, comments: list[Post], cfg: ReplyConfig) -> np.ndarray | None:
    """Unit-length embeddings of the root and the comments (rows 0 and 1..n), or None where
    `cfg.meaning_encoder` is unset. Imported here: only this rule needs torch in ingest."""
    if not cfg.meaning_encoder:
        return None
    from pipeline.models.embed import shared_embedder

    texts = [p.full_text[:MEANING_CHARS] or " " for p in [root, *comments]]
    return shared_embedder(Path(cfg.meaning_encoder)).encode(texts)


def _closest_in_meaning(vectors: np.ndarray, i: int, lo: int, margin: float) -> tuple[int, float, float] | None:
    """(index of the comment, its cosine, the next closest post's) for comment `i` (row
    i + 1), among the root and comments lo..i-1, where the closest is a comment that leads
    the next closest post, the root included, by `margin`; else None. On DAST's Reddit
    threads, the closest earlier post is the parent for 25% of replies, the root for 12%;
    of the replies no other cue links, those whose closest comment leads by 0.02 answer it
    42% of the time (docs/benchmarks.md)."""
    rows = [0, *range(lo + 1, i + 1)]
    if len(rows) < 2:
        return None
    sims = vectors[rows] @ vectors[i + 1]
    # Stable: of equal cosines the earlier post (the root first) ranks first.
    order = np.argsort(-sims, kind="stable")
    best, second = int(order[0]), int(order[1])
    if best == 0 or sims[best] - sims[second] < margin:
        return None
    return rows[best] - 1, float(sims[best]), float(sims[second])


ECHO_BLOCK = 256  # comments whose similarities are computed in one sparse product


def _window_similarities(vectors, window: int) -> Iterator[np.ndarray]:
    """For comment i (row i + 1 of `vectors`, the openings; row 0 the root's): the cosines
    of its opening to the root's and to the openings of the `window` comments before it, in
    that order. TF-IDF rows are unit length, so their dot products are cosines. Computed a
    block of comments at a time (one sparse product per block instead of two per comment:
    the per-call overhead was a third of inference on long flat threads); each entry sums
    the same terms in the same order as a product row by row, so the values are the same."""
    n = vectors.shape[0] - 1
    for start in range(0, n, ECHO_BLOCK):
        stop = min(start + ECHO_BLOCK, n)
        first = max(0, start - window)
        block = vectors[start + 1 : stop + 1]
        to_root = (block @ vectors[0].T).toarray().ravel()
        to_earlier = (block @ vectors[first + 1 : stop + 1].T).toarray()
        for i in range(start, stop):
            lo = max(0, i - window)
            yield np.concatenate([to_root[i - start : i - start + 1], to_earlier[i - start, lo - first : i - first]])


def _mentionable(name: str) -> bool:
    """Whether a commenter's name, found in another comment, names them: four characters or
    more, with a capital or a digit ("Mette", "Sofia87", "HandicapBarn.dk"). A lowercase
    handle ("munch", "anonym") reads as an ordinary word too often."""
    name = name.strip()
    return len(name) >= 4 and any(ch.isupper() or ch.isdigit() for ch in name)


def _unshared_first_names(names: Iterable[str], own: str = "") -> dict[str, str]:
    """The first names that name one of `names` alone ("Karin" for Karin E): of four
    letters or more, of a name of two words or more, that no other of `names` (nor `own`)
    starts with, that is no one's whole name, and that is no function word ("Hans Jensen"'s
    "Hans" is also "his", which opens many a sentence)."""
    names = list(names)
    everyone = [*names, own]
    whole = {n.strip() for n in everyone}
    firsts = Counter(n.split()[0] for n in everyone if " " in n.strip())
    common = stopwords()
    found: dict[str, str] = {}
    for name in names:
        first = name.split()[0] if " " in name.strip() else ""
        if len(first) >= 4 and firsts[first] == 1 and first not in whole and first.lower() not in common:
            found[first] = name
    return found


def _commenter_mention(
    text: str, own: str | None, earlier: list[tuple[str, str, bool] | None]
) -> tuple[str, str] | None:
    """The first earlier commenter (not the comment's own author `own`; `earlier` holds
    them, not the article's author, whose mention is `author-mention`, each with whether
    the name alone names them) that the comment's `text` names, as written (case and word
    boundaries kept), with that commenter's latest post before it. A name that reads as an
    ordinary word (a lowercase handle, "birgitte", "anonym") names its commenter only after
    an "@", as boards that link mentions write it, or after Reddit's "u/"."""
    latest: dict[str, tuple[str, bool]] = {}
    for entry in earlier:
        if entry is not None and entry[0] != own:
            latest[entry[0]] = entry[1:]
    # A commenter named by their first name alone ("Håller med Karin" for Karin E). The
    # comment's own author counts: a signature's first name is their own ("Peter Hansen").
    for first, name in _unshared_first_names(latest, own or "").items():
        post_id, alone = latest[name]
        if alone:
            latest[first] = (post_id, _mentionable(first))
    found: tuple[tuple[int, int], str, str] | None = None  # ((start, -length), cue, post)
    for name, (post_id, alone) in latest.items():
        # A plain substring test first: a long flat forum asks this of up to
        # `candidate_window` names per comment, and most names are not in the text at all.
        if name not in text:
            continue
        at = "@?" if alone else "(?:@|/?u/)"
        m = re.search(rf"(?<![\w@.-]){at}{re.escape(name)}(?![\w-])", text)
        # The earliest mention; at one place, the longest name ("Anna Holm" over "Anna").
        if m and (found is None or (m.start(), -len(name)) < found[0]):
            found = ((m.start(), -len(name)), m.group(0), post_id)
    return (found[1], found[2]) if found else None


def _quotes(text: str) -> list[tuple[str, bool]]:
    """The text's quotations, each once, and whether it is a Markdown quote ("> ...")."""
    found: list[tuple[str, bool]] = []
    for pat in QUOTE_RES:
        found.extend((m.group(1).strip(), pat is MARKDOWN_QUOTE_RE) for m in pat.finditer(text))
    seen: set[str] = set()
    return [(q, md) for q, md in found if not (q in seen or seen.add(q))]


def _clip(text: str, n: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def _address_target(
    addressee: str,
    root: Post,
    root_names: list[str],
    earlier: list[Post],
    cfg: ReplyConfig,
    names: list[str | None] | None = None,
) -> tuple[str | None, float]:
    """The post `addressee` names (the article, or that commenter's latest post among
    `earlier`) and how well the name matches. `names`: the authors of `earlier`, where the
    caller holds them (`Post.author` joins the names anew on every call: twice per post of
    a window of 200 for each addressed comment, 8,000 forum posts read in 13.0 s, now 11.5)."""
    threshold = cfg.address_min_score / 100
    # The article's author first: "Kære Nick Alentoft" answers the editorial even when
    # its author has also commented.
    best_root = max((_name_score(addressee, n) for n in root_names), default=0.0)
    if best_root >= threshold:
        return root.id, best_root
    names = [e.author for e in earlier] if names is None else names
    scored = [(_name_score(addressee, a), k) for k, a in enumerate(names) if a]
    if scored:
        score, k = max(scored, key=lambda sk: (sk[0], sk[1]))
        if score >= threshold:
            # The addressee's most recent comment before this one.
            name = names[k]
            last = max(j for j, a in enumerate(names) if a == name)
            return earlier[last].id, score
    return None, 0.0


def _headline_word_echo(
    c: Post,
    i: int,
    lo: int,
    comments: list[Post],
    headline_stems: list[set[str]],
    doc_stems: list[set[str]],
    root_stems: set[str],
    matches: _StemMatches,
    lang: str,
    cfg: ReplyConfig,
) -> list[Evidence]:
    out: list[Evidence] = []
    opening = _stems(_opening(c), lang, cfg.echo_word_min_len)
    for stem in sorted(opening):
        if matches.in_(stem, root_stems):
            continue
        holders = [j for j in range(lo, i) if headline_stems[j] and matches.in_(stem, headline_stems[j])]
        if len(holders) != 1:
            continue
        # The thread, or the window's reach either side of the comment in a long one.
        thread_df = sum(1 for s in doc_stems[lo : i + cfg.candidate_window + 1] if matches.in_(stem, s))
        # Distinctive: in exactly one earlier headline, and rare in the whole thread.
        if thread_df <= cfg.echo_word_max_df:
            target = comments[holders[0]]
            out.append(
                Evidence(
                    rule="headline-word-echo",
                    cue=f"{stem}* (headline: {target.title})",
                    target_id=target.id,
                    score=1.0,
                    decided=False,
                )
            )
    return out


def _decide(evidence: list[Evidence], root_id: str, cfg: ReplyConfig) -> ReplyDecision:
    strength: dict[str, float] = {}
    for ev in evidence:
        if ev.target_id is None:
            continue
        s = cfg.prior(ev.rule) * ev.score
        strength[ev.target_id] = 1 - (1 - strength.get(ev.target_id, 0.0)) * (1 - s)
    if not strength:
        default = Evidence(
            rule="default",
            cue="no cue points to another post; flat comments answer the article",
            target_id=root_id,
            score=1.0,
            decided=True,
        )
        return ReplyDecision(root_id, cfg.default, tuple(evidence) + (default,))
    # Ties go to the root: a cue that points equally well elsewhere is not enough.
    parent = max(strength, key=lambda t: (strength[t], t == root_id))
    marked = tuple(ev.model_copy(update={"decided": ev.target_id == parent}) for ev in evidence)
    return ReplyDecision(parent, round(strength[parent], 4), marked)
