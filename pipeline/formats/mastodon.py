"""Mastodon statuses (the Mastodon API's Status entity) as thread rows.

The shapes the API returns, one JSON document per line (as `curl` or `jq -c` write them,
or Mastodon.py's statuses dumped one per line), or a `.json` file holding one response,
indented or not:

- statuses, one per line;
- a timeline (`/api/v1/timelines/tag/:hashtag`, `/api/v1/accounts/:id/statuses`): a JSON
  array of statuses;
- a search response (`/api/v2/search`: `{"accounts", "statuses", "hashtags"}`), whose
  statuses are read;
- a context response (`/api/v1/statuses/:id/context`: `{"ancestors", "descendants"}`),
  whose statuses are read in order. It leaves out the status asked about: save that
  status beside it (in the same file or another given to ingest), or its replies open a
  thread of their own under an empty root standing for it.

Mapping (docs/input-formats.md):

  id                           id (the instance's id; a reply's in_reply_to_id uses the same)
  in_reply_to_id               parent_id
  (the reply chain)            thread_id: the first status of the chain among those read,
                               or, where the chain leaves the input, the status it leaves
                               for (ingest gives that missing status an empty root)
  account.acct                 author (`anna` on the collecting instance, `anna@other.social`
                               elsewhere)
  account.display_name, .note  author_description ("Display Name: bio"), which the role cues read
  created_at                   created
  spoiler_text                 title (a content warning is what a reader sees first)
  content                      text, from its HTML
  language                     lang

Mastodon gives no thread id: a status's thread is found by following in_reply_to_id
through every input, as `--threads-from-parents` finds it (`RowStore.derive_threads`).
A boost (`reblog`) is read as the status it boosts and counted; direct messages
(`visibility: direct`) are private and left out, counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.core.errors import InputError
from pipeline.core.schema import PENDING_THREAD, Note
from pipeline.formats import language_code, profile_description
from pipeline.ingest.markup import html_text


def is_status(obj: object) -> bool:
    """A Mastodon Status: an id, HTML `content`, an `account` with its `acct`, and the reply
    fields only Mastodon's statuses carry."""
    return (
        isinstance(obj, dict)
        and "id" in obj
        and isinstance(obj.get("content"), str)
        and isinstance(obj.get("account"), dict)
        and "acct" in obj["account"]
        and "in_reply_to_id" in obj
    )


def _listed_statuses(obj: object) -> list | None:
    """The statuses of a search response or a context response; None for anything else.
    (A timeline, a JSON array, is read status by status.) An empty list is a response that
    found nothing."""
    if isinstance(obj, dict) and isinstance(obj.get("statuses"), list) and "accounts" in obj:
        statuses = obj["statuses"]
    elif isinstance(obj, dict) and isinstance(obj.get("ancestors"), list) and isinstance(obj.get("descendants"), list):
        statuses = obj["ancestors"] + obj["descendants"]
    else:
        return None
    return statuses if all(is_status(s) for s in statuses) else None


def is_mastodon_record(obj: object) -> bool:
    """A status, or a search or context response whose statuses are all Mastodon's."""
    return is_status(obj) or _listed_statuses(obj) is not None


def status_row(status: dict) -> dict:
    """One status as generic thread-row fields; its thread is its reply chain's, found when
    every input is read."""
    account = status["account"]
    parent = status.get("in_reply_to_id")
    sid = str(status["id"])
    return {
        "id": sid,
        "thread_id": PENDING_THREAD + sid,
        "parent_id": str(parent) if parent not in (None, "") else None,
        "author": account.get("acct") or account.get("username"),
        "author_description": profile_description(
            account.get("display_name"), html_text(account.get("note") or "").strip() or None
        ),
        "created": status.get("created_at"),
        "title": (status.get("spoiler_text") or "").strip() or None,
        "text": html_text(status.get("content") or "").strip(),
        "lang": language_code(status.get("language")),
    }


def read_mastodon(path: Path, lines: Iterator[tuple[int, dict]], notes: list[Note]) -> Iterator[tuple[int, dict]]:
    """Thread-row dicts (with their lines) for a file of Mastodon statuses, as they are read."""
    boosts = direct = 0
    first_direct = 0
    for line, record in lines:
        if is_status(record):
            statuses = [record]
        elif (listed := _listed_statuses(record)) is not None:
            statuses = listed
        else:
            raise InputError(
                path, line, "not a Mastodon status (id, content, account, in_reply_to_id), timeline or response"
            )
        for status in statuses:
            if isinstance(status.get("reblog"), dict) and is_status(status["reblog"]):
                boosts += 1
                status = status["reblog"]
            if status.get("visibility") == "direct":
                direct += 1
                first_direct = first_direct or line
                continue
            yield line, status_row(status)
    if boosts:
        notes.append(Note(where=str(path), kind="note", message=f"{boosts} boost(s) read as the status they boost"))
    if direct:
        notes.append(
            Note(
                where=f"{path}:{first_direct}",
                kind="note",
                message=f"{direct} direct message(s) (visibility: direct) left out: they are private",
            )
        )
