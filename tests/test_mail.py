"""E-mail debates: a mailing list's mbox archive (Pipermail's, with its obfuscated
addresses and footer) and single saved messages, read as threads by their reply headers."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
from tools.outlook_msg import write_msg

from pipeline.core.errors import InputError
from pipeline.formats.mail import looks_like_mail, split_body, subject_of
from pipeline.formats.outlook import looks_like_outlook
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions
from pipeline.models.cues import role_rule

FOOTER = (
    "_______________________________________________\n"
    "Debat mailing list\n"
    "Debat@lists.example.dk\n"
    "https://lists.example.dk/mailman/listinfo/debat\n"
)


def message(sep: str, headers: dict[str, str], body: str, charset: str = "utf-8", ctype: str = "text/plain") -> bytes:
    head = "".join(f"{k}: {v}\n" for k, v in headers.items())
    mime = f"MIME-Version: 1.0\nContent-Type: {ctype}; charset={charset}\nContent-Transfer-Encoding: 8bit\n"
    return f"From {sep}\n".encode("ascii") + (head + mime + "\n" + body.rstrip("\n") + "\n\n").encode(charset)


LIST = {"List-Id": "Debatlisten <debat.lists.example.dk>"}
ARCHIVE = b"".join(
    [
        message(
            "anna at example.dk  Mon Mar  4 10:15:02 2024",
            {
                "From": "anna at example.dk (Anna Holm)",
                "Date": "Mon, 4 Mar 2024 10:15:02 +0100",
                "Subject": "[Debat] Socialrådgivernes arbejdspres",
                "Message-ID": "<1@example.dk>",
                **LIST,
            },
            "Vi har over 40 sager hver. Det holder ikke.\n\n-- \nAnna Holm\nSocialrådgiver, Aarhus Kommune\n\n"
            + FOOTER,
        ),
        message(
            "bo at example.dk  Mon Mar  4 11:00:00 2024",
            {
                "From": "bo at example.dk (Bo Berg)",
                "Date": "Mon, 4 Mar 2024 11:00:00 +0100",
                "Subject": "SV: [Debat] Socialrådgivernes arbejdspres",
                "Message-ID": "<2@example.dk>",
                "In-Reply-To": "<1@example.dk>",
                "References": "<1@example.dk>",
                **LIST,
            },
            "Den 4. mar. 2024 kl. 10.15 skrev Anna Holm:\n> Vi har over 40 sager hver.\n\n"
            "Det er for mange. Jeg er enig i, at kommunerne må ansætte flere.\n"
            ">From now on we count.\n\n" + FOOTER,
            charset="iso-8859-1",
        ),
        message(
            "carl at example.dk  Mon Mar  4 12:00:00 2024",
            {
                "From": "Carl Dahl <carl@example.dk>",
                "Date": "Mon, 4 Mar 2024 12:00:00 +0100",
                "Subject": "SV: SV: [Debat] Socialrådgivernes arbejdspres",
                "Message-ID": "<3@example.dk>",
                "In-Reply-To": "<2@example.dk>",
                **LIST,
            },
            "Helt enig.\n\n-----Oprindelig meddelelse-----\nFra: Bo Berg\nSendt: 4. marts 2024 11:00\n"
            "Emne: SV: Socialrådgivernes arbejdspres\n\nJeg er socialrådgiver og har 45 sager.\n\n" + FOOTER,
        ),
        message(
            "dorte at example.dk  Mon Mar  4 13:00:00 2024",
            {
                "From": "dorte@example.dk",
                "Date": "Mon, 4 Mar 2024 13:00:00 +0100",
                "Subject": "Re: Socialrådgivernes arbejdspres (var: løn)",
                "Message-ID": "<4@example.dk>",
                "References": "<0@example.dk> <1@example.dk>",
                **LIST,
            },
            "Lønnen er problemet, ikke antallet af sager.\n-------------- next part --------------\n"
            "En vedhæftet HTML-fil er blevet fjernet...\nURL: <https://lists.example.dk/pipermail/attachment.html>\n",
        ),
        message(
            "eva at example.se  Mon Mar  4 14:00:00 2024",
            {
                "From": "Eva Ek <eva@example.se>",
                "Date": "Mon, 4 Mar 2024 14:00:00 +0100",
                "Subject": "SV: Socialsekreterarnas löner",
                "Message-ID": "<5@example.se>",
                "In-Reply-To": "<99@example.dk>",
                **LIST,
            },
            "<html><body><p>Samma sak i Sverige.</p><p>Vi <b>saknar</b> folk.</p></body></html>",
            ctype="text/html",
        ),
        message(
            "MAILER-DAEMON Tue Mar  5 09:00:00 2024",
            {
                "From": "Frede <frede@example.dk>",
                "Date": "not a date",
                "Subject": "Ny tråd: autorisation",
                **LIST,
            },
            "Skal socialrådgivere autoriseres?\n",
        ),
    ]
)


def test_a_mailing_list_archive_is_read_as_its_reply_chains(tmp_path, cfg):
    path = tmp_path / "2024-March.txt"
    path.write_bytes(ARCHIVE)
    assert looks_like_mail(path)
    assert (
        describe_input(path, ReadOptions())
        == "e-mail: a mailing list's archive (mbox) or a saved message (.eml, Outlook's .msg)"
    )
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    lines = ARCHIVE.decode("latin-1").split("\n")
    daemon = next(i for i, line in enumerate(lines, start=1) if line.startswith("From MAILER-DAEMON"))
    assert sorted(t.id for t in corpus.threads) == ["1@example.dk", f"2024-March:{daemon}", "99@example.dk"]
    assert {p: (posts[p].parent_id, posts[p].thread_id) for p in ("2@example.dk", "3@example.dk", "4@example.dk")} == {
        "2@example.dk": ("1@example.dk", "1@example.dk"),
        "3@example.dk": ("2@example.dk", "1@example.dk"),
        "4@example.dk": ("1@example.dk", "1@example.dk"),  # the last of References
    }
    root = posts["1@example.dk"]
    assert root.title == "Socialrådgivernes arbejdspres", "the list's [tag] is not the subject"
    assert root.author == "Anna Holm", "a Pipermail address's name in parentheses"
    assert root.text == "Vi har over 40 sager hver. Det holder ikke.", "signature and list footer are not the text"
    assert root.created == "2024-03-04T10:15:02+01:00"
    assert corpus.threads[0].topic is None, "a list's name is no message's: cross-posts stay one message"
    anna = next(p for p in corpus.participants if p.name == "Anna Holm")
    assert anna.descriptions == ("Anna Holm; Socialrådgiver, Aarhus Kommune",), "the signature describes its writer"

    bo = posts["2@example.dk"]
    assert bo.title == "", "a reply under its parent's subject has no headline of its own"
    assert bo.text.startswith("Den 4. mar. 2024 kl. 10.15 skrev Anna Holm:\n> Vi har over 40 sager hver.")
    assert "From now on we count." in bo.text and ">From" not in bo.text, "mboxrd's escaped From line"
    assert "Jeg er enig i, at kommunerne må ansætte flere." in bo.text, "Latin-1 body decoded"
    carl = posts["3@example.dk"]
    assert carl.text.split("\n")[0] == "Helt enig."
    assert "> Jeg er socialrådgiver og har 45 sager." in carl.text, "Outlook's copy of the message below is quoted"
    assert posts["4@example.dk"].title == "Socialrådgivernes arbejdspres (var: løn)", "a changed subject stays"
    assert posts["4@example.dk"].author == "dorte@example.dk", "no name: the address"
    assert posts["4@example.dk"].text == "Lønnen er problemet, ikke antallet af sager.", "Mailman's attachment notice"
    eva = posts["5@example.se"]
    assert eva.text == "Samma sak i Sverige.\n\nVi saknar folk." and eva.lang == "sv"
    assert posts["99@example.dk"].text == "" and eva.parent_id == "99@example.dk", "a message not in the archive"
    earlier = next(t for t in corpus.threads if t.id == "99@example.dk")
    assert (earlier.target, earlier.target_source) == ("Socialsekreterarnas löner", "replies_title"), (
        "a thread opened in an earlier month's file debates what its replies' subject names"
    )
    assert next(t for t in corpus.threads if t.id == "1@example.dk").target_source == "root_lead_sentence"
    new = posts[f"2024-March:{daemon}"]  # no Message-ID: named by the line it starts on
    assert new.parent_id is None and new.title == "Ny tråd: autorisation" and new.created is None
    messages = " | ".join(n.message for n in corpus.notes)
    assert "e-mail: 6 message(s) read; 1 top-posted reply(ies)" in messages
    assert "1 message(s) without a Message-ID" in messages and "1 Date header(s) that are no date" in messages


def test_saved_messages_and_compressed_archives_are_read(tmp_path, cfg):
    one = tmp_path / "svar.eml"
    one.write_bytes(ARCHIVE.split(b"\n", 1)[1].split(b"From bo at")[0])
    gz = tmp_path / "debat.mbox.gz"
    gz.write_bytes(gzip.compress(ARCHIVE))
    assert looks_like_mail(one) and looks_like_mail(gz)
    assert describe_input(gz, ReadOptions()).endswith("(.eml, Outlook's .msg), gzip-compressed")
    corpus = ingest_thread_files([one], cfg)
    assert [p.id for p in corpus.posts] == ["1@example.dk"]
    spaced = tmp_path / "spaced.mbox"
    spaced.write_bytes(b"\n\n" + ARCHIVE)  # blank lines before the first separator
    assert len(ingest_thread_files([spaced], cfg).posts) == 7
    assert len(ingest_thread_files([gz], cfg).posts) == 7


def test_outlook_messages_are_read_as_the_emails_they_were(tmp_path, cfg):
    folder = tmp_path / "udklip"
    folder.mkdir()
    cet = dt.timezone(dt.timedelta(hours=1))
    # Sent from Outlook: no transport headers, each header a property of its own.
    write_msg(
        folder / "Sagstal i Aarhus.msg",
        {
            "0037": "Sagstal i Aarhus",
            "0C1A": "Anna Holm",
            "0C1F": "/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=ANNA",
            "5D01": "anna@aarhus.dk",
            "1035": "<a1@aarhus.dk>",
            "1000": "Vi har over 40 sager hver. Det holder ikke.\r\n\r\n-- \r\nAnna Holm\r\n"
            "Socialrådgiver, Aarhus Kommune\r\n",
        },
        times={"0039": dt.datetime(2024, 3, 4, 9, 15, tzinfo=dt.UTC)},
    )
    # Received: its headers as they came, MIME ones describing a body no longer there.
    write_msg(
        folder / "SV Sagstal i Aarhus.msg",
        {
            "007D": "Microsoft Mail Internet Headers Version 2.0\r\n"
            "Received: from mx.example.dk\r\n by mail.aarhus.dk; Mon, 4 Mar 2024 11:00:02 +0100\r\n"
            "From: Bo Berg <bo@example.dk>\r\nDate: Mon, 4 Mar 2024 11:00:00 +0100\r\n"
            "Subject: SV: Sagstal i Aarhus\r\nMessage-ID: <b2@example.dk>\r\nIn-Reply-To: <a1@aarhus.dk>\r\n"
            'MIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n\tboundary="000_b2"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n",
            "0037": "SV: Sagstal i Aarhus",
            "0C1A": "Bo Berg",
            "1000": "Helt enig.\r\n\r\nFra: Anna Holm <anna@aarhus.dk>\r\nSendt: 4. marts 2024 10:15\r\n"
            "Emne: Sagstal i Aarhus\r\n\r\nJeg er socialrådgiver og har 45 sager.\r\n",
        },
    )
    # An old Outlook's 8-bit properties in its code page, and an HTML body alone.
    write_msg(
        folder / "gammel.msg",
        {"0037": "SV: Sagstal i Aarhus", "0C1A": "Carl Dahl", "1042": "<b2@example.dk>"},
        times={"0E06": dt.datetime(2024, 3, 4, 12, 0, tzinfo=cet)},
        binary={"1013": "<html><body><p>Ikke på Østerbro.</p></body></html>".encode("cp1252")},
        longs={"3FFD": 1252},
        unicode=False,
    )
    write_msg(folder / "rtf.msg", {"0037": "Kun RTF", "1035": "<r@example.dk>"}, binary={"1009": b"LZFu"})
    assert looks_like_outlook(folder / "gammel.msg") and looks_like_mail(folder / "rtf.msg")
    corpus = ingest_thread_files([folder], cfg)
    posts = corpus.posts_by_id()
    anna, bo, carl = posts["a1@aarhus.dk"], posts["b2@example.dk"], posts["gammel:1"]
    assert (anna.parent_id, bo.parent_id, carl.parent_id) == (None, "a1@aarhus.dk", "b2@example.dk")
    assert bo.thread_id == carl.thread_id == "a1@aarhus.dk"
    assert (anna.author, bo.author, carl.author) == ("Anna Holm", "Bo Berg", "Carl Dahl")
    assert (anna.created, bo.created, carl.created) == (
        "2024-03-04T09:15:00+00:00",
        "2024-03-04T11:00:00+01:00",
        "2024-03-04T11:00:00+00:00",  # Outlook keeps times in UTC
    )
    assert anna.title == "Sagstal i Aarhus" and bo.title == "", "the reply keeps its parent's subject"
    assert anna.text == "Vi har over 40 sager hver. Det holder ikke."
    author = next(p for p in corpus.participants if p.name == "Anna Holm")
    assert author.descriptions == ("Anna Holm; Socialrådgiver, Aarhus Kommune",)
    assert bo.text.startswith("Helt enig.\n\n> Fra: Anna Holm") and "> Jeg er socialrådgiver" in bo.text, (
        "Outlook's copy of the message below is someone else's words"
    )
    assert carl.text == "Ikke på Østerbro.", "8-bit HTML body in the message's code page"
    assert posts["r@example.dk"].text == ""
    said = " | ".join(n.message for n in corpus.notes)
    assert "Outlook message rtf.msg: its body is kept only as RTF, which is not read" in said


def test_apple_mails_own_message_files_are_read(tmp_path, cfg):
    folder = tmp_path / "Messages"
    folder.mkdir()
    plist = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<plist version="1.0"><dict><key>flags</key><integer>8590195713</integer></dict></plist>\n'
    )
    for name, part in (("1234.emlx", 0), ("1235.partial.emlx", 1)):
        raw = ARCHIVE.split(b"\nFrom ")[part].split(b"\n", 1)[1]
        (folder / name).write_bytes(f"{len(raw)}      \n".encode() + raw + plist)
    assert looks_like_mail(folder / "1234.emlx")
    corpus = ingest_thread_files([folder], cfg)
    posts = corpus.posts_by_id()
    assert sorted(posts) == ["1@example.dk", "2@example.dk"] and posts["2@example.dk"].parent_id == "1@example.dk"
    assert "plist" not in posts["2@example.dk"].text and posts["2@example.dk"].source.endswith("1235.partial.emlx:2")


def test_a_msg_file_that_is_no_outlook_message_is_refused_naming_it(tmp_path, cfg):
    fake = tmp_path / "svar.msg"
    fake.write_text("Helt enig.\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"svar\.msg.*not one"):
        ingest_thread_files([fake], cfg)
    cut = tmp_path / "afbrudt.msg"
    write_msg(cut, {"0037": "Sagstal", "1000": "Vi mangler folk. " * 400})
    cut.write_bytes(cut.read_bytes()[:1536])
    with pytest.raises(InputError, match=r"afbrudt\.msg.*not a readable Outlook message"):
        ingest_thread_files([cut], cfg)


PLAIN_DIGEST = """Send Debat mailing list submissions to
\tdebat@lists.example.dk

Today's Topics:

   1. Sagstal (Anna Holm)
   2. Re: Sagstal (Bo Berg)


----------------------------------------------------------------------

Message: 1
Date: Mon, 4 Mar 2024 10:15:02 +0100
From: Anna Holm <anna@example.dk>
To: debat@lists.example.dk
Subject: [Debat] Sagstal
Message-ID: <d1@example.dk>
Content-Type: text/plain; charset="iso-8859-1"

Vi har over 40 sager hver.

<signature>
Anna Holm
Socialrådgiver, Aarhus Kommune

------------------------------

Message: 2
Date: Mon, 4 Mar 2024 11:00:00 +0100
From: Bo Berg <bo@example.dk>
Subject: Re: [Debat] Sagstal
Message-ID: <d2@example.dk>

Det er for mange. Kommunerne må ansætte flere.

------------------------------

Subject: Digest Footer

_______________________________________________
Debat mailing list
Debat@lists.example.dk

------------------------------

End of Debat Digest, Vol 12, Issue 3
************************************
""".replace("<signature>", "-- ")  # the line that opens a signature ends in a space


def test_a_lists_digests_are_read_as_the_messages_they_hold(tmp_path, cfg):
    head = {"From": "debat-request@lists.example.dk", "Date": "Tue, 5 Mar 2024 12:00:00 +0100", **LIST}
    plain = message(
        "debat-request at lists.example.dk  Tue Mar  5 12:00:00 2024",
        {**head, "Subject": "Debat Digest, Vol 12, Issue 3", "Message-ID": "<digest3@lists.example.dk>"},
        PLAIN_DIGEST,
    )
    parts = [
        message(
            "x",
            {
                "From": "Carl Dahl <carl@example.dk>",
                "Date": "Tue, 5 Mar 2024 09:00:00 +0100",
                "Subject": "Re: [Debat] Sagstal",
                "Message-ID": "<d3@example.dk>",
                "In-Reply-To": "<d2@example.dk>",
            },
            "Helt enig.",
        ).split(b"\n", 1)[1],
        message(
            "x",
            {
                "From": "Dorte <dorte@example.dk>",
                "Date": "Tue, 5 Mar 2024 10:00:00 +0100",
                "Subject": "Ny tråd",
                "In-Reply-To": "<nowhere@example.dk>",
            },
            "Lønnen er problemet.",
        ).split(b"\n", 1)[1],
    ]
    mime = (
        b"From debat-request at lists.example.dk  Wed Mar  6 12:00:00 2024\n"
        b"From: debat-request@lists.example.dk\nSubject: Debat Digest, Vol 12, Issue 4\n"
        b"Message-ID: <digest4@lists.example.dk>\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="outer"\n\n--outer\nContent-Type: text/plain\n\n'
        b"Today's Topics:\n\n   1. Re: Sagstal (Carl Dahl)\n\n--outer\n"
        b'Content-Type: multipart/digest; boundary="inner"\n\n'
        + b"".join(b"--inner\nContent-Type: message/rfc822\n\n" + p.rstrip(b"\n") + b"\n\n" for p in parts)
        + b"--inner--\n\n--outer--\n\n"
    )  # fmt: skip
    path = tmp_path / "indbakke.mbox"
    path.write_bytes(plain + mime)
    corpus = ingest_thread_files([path], cfg)
    posts = corpus.posts_by_id()
    line = plain.count(b"\n") + 1
    dorte = f"indbakke:{line}:2"  # no Message-ID: the digest's line, then its place in it
    assert sorted(posts) == ["d1@example.dk", "d2@example.dk", "d3@example.dk", dorte, "nowhere@example.dk"]
    anna, bo, carl = posts["d1@example.dk"], posts["d2@example.dk"], posts["d3@example.dk"]
    assert (anna.author, anna.title, anna.text) == ("Anna Holm", "Sagstal", "Vi har over 40 sager hver.")
    assert next(p for p in corpus.participants if p.name == "Anna Holm").descriptions == (
        "Anna Holm; Socialrådgiver, Aarhus Kommune",
    )
    assert bo.text == "Det er for mange. Kommunerne må ansætte flere.", "the digest's footer is no one's words"
    assert bo.parent_id is None, "a plain digest keeps no In-Reply-To"
    assert (carl.parent_id, carl.thread_id, carl.text) == ("d2@example.dk", "d2@example.dk", "Helt enig.")
    assert posts[dorte].parent_id == "nowhere@example.dk"
    assert not any("Digest" in (p.title or "") or "Today" in p.text for p in corpus.posts)
    said = " | ".join(n.message for n in corpus.notes)
    assert "2 digest(s) read as the messages they hold (1 of them plain-text digests" in said


def test_a_sign_off_in_the_body_describes_its_writer_as_in_any_thread_file(tmp_path, cfg):
    body = "Vi mangler folk.\n\nMed venlig hilsen\nKaren Lund\nSocialrådgiver, Odense Kommune\n"
    path = tmp_path / "k.eml"
    path.write_bytes(
        message("x", {"From": "Karen Lund <kl@odense.dk>", "Message-ID": "<k@o>"}, body).split(b"\n", 1)[1]
    )
    corpus = ingest_thread_files([path], cfg)
    assert corpus.participants[0].descriptions == ("Socialrådgiver, Odense Kommune",)


def test_a_folder_of_saved_messages_is_one_archive(tmp_path, cfg):
    folder = tmp_path / "indbakke"
    folder.mkdir()
    for i, part in enumerate(ARCHIVE.split(b"\nFrom ")):
        (folder / f"{i:02d}.eml").write_bytes(part.split(b"\n", 1)[1])
    (folder / "noter.txt").write_text("Husk at svare Anna.\n", encoding="utf-8")
    corpus = ingest_thread_files([folder], cfg)
    posts = corpus.posts_by_id()
    assert len(corpus.posts) == 7 and posts["3@example.dk"].thread_id == "1@example.dk", "chains across files"
    assert posts["3@example.dk"].source.endswith("02.eml:1")
    assert posts["2@example.dk"].title == posts["3@example.dk"].title == "", "a reply under its parent's subject"
    assert posts["4@example.dk"].title == "Socialrådgivernes arbejdspres (var: løn)", "a changed subject stays"
    assert not any(n.message == "e-mail: 1 message(s) read" for n in corpus.notes), "no note per plain message"
    assert any("noter.txt" in n.message for n in corpus.notes), "a file not read is named"


def test_an_address_as_the_writers_name_is_no_organisation():
    assert role_rule("dorte@example.dk", [], []) is None
    assert role_rule("Anna", ["Kontakt: anna@aarhus.dk"], []) is None
    assert role_rule("HandicapBarn.dk", [], []).label == "organization", "a domain as a name still is one"


def test_a_message_cross_posted_to_two_lists_is_one_message(tmp_path, cfg):
    """Two lists' archives hold a cross-posted message under one Message-ID, each with its
    own footer, subject tag and (where the list rewrites senders) "via" name."""
    other = (
        ARCHIVE.split(b"\nFrom bo at")[0]
        .replace(b"[Debat] ", b"[Socialpolitik] ")
        .replace(b"Debat mailing list", b"Socialpolitik mailing list")
        .replace(b"anna at example.dk (Anna Holm)", b"Anna Holm via Socialpolitik <socialpolitik@lists.example.dk>")
        .replace(b"List-Id: Debatlisten", b"List-Id: Socialpolitik")
    )
    a, b = tmp_path / "debat.mbox", tmp_path / "socialpolitik.mbox"
    a.write_bytes(ARCHIVE)
    b.write_bytes(other + b"\n")
    corpus = ingest_thread_files([a, b], cfg)
    assert len(corpus.posts) == 7 and corpus.posts_by_id()["1@example.dk"].author == "Anna Holm"
    assert sum(p.name == "Anna Holm" for p in corpus.participants) == 1


def test_a_body_line_that_looks_like_a_separator_is_not_one(tmp_path, cfg):
    body = "Se her:\nFrom this we learn nothing.\nFrom jens Mon Mar  4 10:15:02 2024 skrev han.\n"
    text = message("a at b.dk  Mon Mar  4 10:15:02 2024", {"From": "A <a@b.dk>", "Message-ID": "<x@b>"}, body)
    path = tmp_path / "a.mbox"
    path.write_bytes(text)
    corpus = ingest_thread_files([path], cfg)
    assert len(corpus.posts) == 1 and "skrev han." in corpus.posts[0].text, "no blank line before: not a separator"


def test_a_body_in_another_character_set_than_it_names_is_read_and_noted(tmp_path, cfg):
    wrong = message("a at b.dk  Mon Mar  4 10:15:02 2024", {"From": "A <a@b.dk>", "Message-ID": "<w@b>"}, "Én løn")
    wrong = wrong.replace("Én løn".encode(), "Én løn".encode("cp1252"))  # says UTF-8, is Windows-1252
    unnamed = b"From: B <b@b.dk>\nMessage-ID: <u@b>\nIn-Reply-To: <w@b>\n\nFor lidt l\xf8n.\n"
    path = tmp_path / "a.mbox"
    path.write_bytes(wrong + b"From b at b.dk  Mon Mar  4 11:15:02 2024\n" + unnamed)
    posts = ingest_thread_files([path], cfg).posts_by_id()
    assert posts["w@b"].text == "Én løn" and posts["u@b"].text == "For lidt løn.", "8-bit mail without a charset"
    notes = " | ".join(n.message for n in ingest_thread_files([path], cfg).notes)
    assert "1 body(ies) not in the character set their headers name" in notes


def test_an_email_listed_as_a_raw_page_is_pointed_to_threads(tmp_path, cfg):
    from pipeline.ingest.pages.seeds import ingest_seeds

    (tmp_path / "brev.eml").write_bytes(ARCHIVE.split(b"\n", 1)[1].split(b"From bo at")[0])
    manifest = tmp_path / "manifest.toml"
    manifest.write_text('[[document]]\nfile = "brev.eml"\nkind = "thread"\nlang = "da"\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_seeds(manifest, cfg)
    assert "brev.eml" in str(err.value) and "--threads" in str(err.value)


def test_a_message_id_no_post_id_may_be_stands_as_its_hash_in_the_reply_too(tmp_path, cfg):
    long = "x" * 250 + "@spam.example"
    first = message("a at b.dk  Mon Mar  4 10:15:02 2024", {"From": "A <a@b.dk>", "Message-ID": f"<{long}>"}, "Hej.")
    reply = message(
        "b at b.dk  Mon Mar  4 11:15:02 2024",
        {"From": "B <b@b.dk>", "Message-ID": "<r@b>", "In-Reply-To": f"<{long}>"},
        "Nej.",
    )
    path = tmp_path / "a.mbox"
    path.write_bytes(first + reply)
    posts = ingest_thread_files([path], cfg).posts_by_id()
    (root,) = [p for p in posts if p != "r@b"]
    assert root.startswith("message-id-") and posts["r@b"].parent_id == root


def test_a_control_character_in_an_html_body_is_dropped_as_a_browser_shows_it(tmp_path, cfg):
    body = "<p>Vi mangler\x01 folk.</p>"
    path = tmp_path / "c.eml"
    path.write_bytes(
        message("x", {"From": "A <a@b.dk>", "Message-ID": "<c@b>"}, body, ctype="text/html").split(b"\n", 1)[1]
    )
    assert ingest_thread_files([path], cfg).posts[0].text == "Vi mangler folk."


def test_other_text_files_are_not_mail(tmp_path):
    page = tmp_path / "side.txt"
    page.write_text("From the editor\n\nSocialrådgivernes fallit\nDet er underligt ...\n", encoding="utf-8")
    memo = tmp_path / "notat.txt"
    memo.write_text("Emne: møde\nFra: Anna\n\nTekst\n", encoding="utf-8")
    saved = tmp_path / "side.txt.mhtml"
    saved.write_bytes(
        b"From: <Saved by Blink>\nSnapshot-Content-Location: https://x.dk/a\nSubject: Side\n"
        b"Date: Mon, 4 Mar 2024 10:15:02 +0100\nMIME-Version: 1.0\n\n"
    )
    assert not looks_like_mail(page) and not looks_like_mail(memo)
    assert not looks_like_mail(saved.rename(tmp_path / "side2.txt")), "a page saved as MHTML is no e-mail"


def test_an_mbox_whose_message_has_no_headers_is_refused_naming_the_line(tmp_path, cfg):
    path = tmp_path / "bad.mbox"
    path.write_bytes(ARCHIVE + b"\nFrom x at y.dk  Wed Mar  6 10:00:00 2024\nthis is no header\n\nbody\n")
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    assert "bad.mbox:" in str(err.value) and "no headers" in str(err.value)


def test_bodies_keep_the_writers_words_apart_from_others():
    text, signature, quoted = split_body(
        "Enig.\n\nFra: Bo Berg <bo@x.dk>\nSendt: 4. marts 2024\nTil: debat\n\nJeg er socialrådgiver.\n-- \nBo"
    )
    assert text.split("\n") == [
        "Enig.",
        "",
        "> Fra: Bo Berg <bo@x.dk>",
        "> Sendt: 4. marts 2024",
        "> Til: debat",
        ">",
        "> Jeg er socialrådgiver.",
        "> --",
        "> Bo",
    ]
    assert signature is None and quoted, "the quoted copy's signature is not the replier's"
    assert split_body("Tak.\n-- \nMette\nTR, FOA\n") == ("Tak.", "Mette; TR, FOA", False)
    forwarded = split_body("Læs den her.\n\nStart på videresendt besked:\n\nJeg er socialrådgiver.")
    assert forwarded == ("Læs den her.\n\n> Start på videresendt besked:\n>\n> Jeg er socialrådgiver.", None, True)
    assert subject_of("SV: Re: [debat] VS: Løn") == "Løn" and subject_of("Svar på tiltale") == "Svar på tiltale"
