"""A WordPress export (WXR): each post with comments is a thread, its comments the replies,
with the parents WordPress keeps."""

from __future__ import annotations

import pytest

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions

EXPORT = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
  xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:wfw="http://wellformedweb.org/CommentAPI/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Socialdebatten</title>
  <wp:wxr_version>1.2</wp:wxr_version>
  <item>
    <title><![CDATA[Skal socialrådgivere autoriseres?]]></title>
    <link>https://socialdebatten.dk/autorisation/</link>
    <dc:creator><![CDATA[Mette Holm]]></dc:creator>
    <content:encoded><![CDATA[<p>Autorisation vil <strong>styrke</strong> fagligheden.</p>]]></content:encoded>
    <excerpt:encoded><![CDATA[Kort resumé]]></excerpt:encoded>
    <wp:post_id>42</wp:post_id>
    <wp:post_date_gmt><![CDATA[2024-03-01 08:00:00]]></wp:post_date_gmt>
    <wp:post_type><![CDATA[post]]></wp:post_type>
    <wp:comment>
      <wp:comment_id>7</wp:comment_id>
      <wp:comment_author><![CDATA[Lars]]></wp:comment_author>
      <wp:comment_date_gmt><![CDATA[2024-03-01 09:15:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Nej, det ændrer intet.
Kommunerne skal ansætte flere.]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved>
      <wp:comment_type><![CDATA[comment]]></wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>8</wp:comment_id>
      <wp:comment_author><![CDATA[Anna]]></wp:comment_author>
      <wp:comment_date_gmt><![CDATA[2024-03-01 10:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Helt enig, Lars &amp; tak.]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved>
      <wp:comment_type><![CDATA[]]></wp:comment_type>
      <wp:comment_parent>7</wp:comment_parent>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>9</wp:comment_id>
      <wp:comment_author><![CDATA[Et andet site]]></wp:comment_author>
      <wp:comment_content><![CDATA[[...] som Socialdebatten skriver [...]]]></wp:comment_content>
      <wp:comment_approved><![CDATA[1]]></wp:comment_approved>
      <wp:comment_type><![CDATA[pingback]]></wp:comment_type>
      <wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
    <wp:comment>
      <wp:comment_id>10</wp:comment_id>
      <wp:comment_author><![CDATA[billige-ure]]></wp:comment_author>
      <wp:comment_date_gmt><![CDATA[2024-03-01 11:00:00]]></wp:comment_date_gmt>
      <wp:comment_content><![CDATA[Køb ure her]]></wp:comment_content>
      <wp:comment_approved><![CDATA[spam]]></wp:comment_approved>
      <wp:comment_parent>8</wp:comment_parent>
    </wp:comment>
  </item>
  <item>
    <title>Om os</title>
    <wp:post_id>2</wp:post_id>
    <wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt>
    <wp:post_type>page</wp:post_type>
  </item>
</channel>
</rss>
"""


def test_a_wordpress_export_is_read_as_its_posts_and_their_comments(tmp_path, cfg):
    path = tmp_path / "socialdebatten.WordPress.2024-03-05.xml"
    path.write_text(EXPORT, encoding="utf-8")
    assert describe_input(path, ReadOptions()) == "a WordPress export (WXR)"
    corpus = ingest_thread_files([path], cfg)
    assert [t.id for t in corpus.threads] == ["wp-post-42"]  # the page without comments is left out
    posts = corpus.posts_by_id()
    root = posts["wp-post-42"]
    assert (root.title, root.text, root.author, root.created) == (
        "Skal socialrådgivere autoriseres?",
        "Autorisation vil styrke fagligheden.",  # content:encoded, not the excerpt
        "Mette Holm",
        "2024-03-01T08:00:00+00:00",
    )
    lars, anna = posts["wp-comment-7"], posts["wp-comment-8"]
    assert (lars.parent_id, lars.author, lars.created) == (root.id, "Lars", "2024-03-01T09:15:00+00:00")
    assert lars.text == "Nej, det ændrer intet.\nKommunerne skal ansætte flere."  # the writer's line break kept
    assert (anna.parent_id, anna.text) == ("wp-comment-7", "Helt enig, Lars & tak.")
    assert lars.source == f"{path}:20"  # where its <wp:comment> opens
    # A pingback is left out; spam stays in the tree without words or author.
    assert "wp-comment-9" not in posts
    assert (posts["wp-comment-10"].parent_id, posts["wp-comment-10"].text, posts["wp-comment-10"].author) == (
        "wp-comment-8",
        "",
        None,
    )
    said = [n.message for n in corpus.notes if n.message.startswith("WordPress export")]
    assert said == [
        "WordPress export: 1 post(s) with comments read; 1 post(s) without comments left out; 1 pingback(s) and "
        "trackback(s) left out; 1 comment(s) held for moderation, spam or trash kept with empty text and no author"
    ]


def test_a_broken_wordpress_export_is_refused_naming_the_line(tmp_path, cfg):
    path = tmp_path / "wp.xml"
    path.write_text(EXPORT.replace("<wp:comment_parent>7</wp:comment_parent>", "<wp:comment_parent>7"), "utf-8")
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    # The unclosed <wp:comment_parent> (line 37) is found where </wp:comment> closes, on line 38.
    assert err.value.line == 38 and "mismatched tag" in str(err.value)
