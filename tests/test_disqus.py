"""A Disqus comment export (XML, one file for a whole site): each page with comments is a
thread, each post a comment naming its parent."""

from __future__ import annotations

import pytest

from pipeline.core.errors import InputError
from pipeline.ingest.build import ingest_thread_files
from pipeline.ingest.files.threads import describe_input
from pipeline.ingest.options import ReadOptions

EXPORT = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals"
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <category dsq:id="100"><forum>avisen</forum><title>General</title><isDefault>true</isDefault></category>
  <thread dsq:id="7001">
    <id>artikel-1</id><forum>avisen</forum><category dsq:id="100"/>
    <link>https://avisen.dk/debat/socialraadgivere</link>
    <title>Debat: Socialrådgiverne løber skrigende bort</title>
    <message></message>
    <createdAt>2024-03-01T08:00:00Z</createdAt>
    <author><name>Redaktionen</name><isAnonymous>false</isAnonymous><username>avisen</username></author>
    <isClosed>false</isClosed><isDeleted>false</isDeleted>
  </thread>
  <thread dsq:id="7002">
    <id>artikel-2</id><forum>avisen</forum><category dsq:id="100"/>
    <link>https://avisen.dk/sport/fodbold</link><title>Fodbold</title><message/>
    <createdAt>2024-03-02T08:00:00Z</createdAt>
    <author><name>Redaktionen</name><isAnonymous>false</isAnonymous></author>
  </thread>
  <post dsq:id="9001">
    <id/>
    <message><![CDATA[<p>Socialrådgiverne har alt for mange sager &amp; for lidt tid.</p>
<p>Det er politikernes ansvar.</p>]]></message>
    <createdAt>2024-03-01T09:15:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><email>anna@example.dk</email><name>Anna Holm</name><isAnonymous>false</isAnonymous>
      <username>annaholm</username></author>
    <ipAddress>10.0.0.1</ipAddress>
    <thread dsq:id="7001"/>
  </post>
  <post dsq:id="9002">
    <id/>
    <message><![CDATA[<p>Helt enig, Anna.</p>]]></message>
    <createdAt>2024-03-01T09:40:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name>Bo</name><isAnonymous>true</isAnonymous></author>
    <thread dsq:id="7001"/>
    <parent dsq:id="9001"/>
  </post>
  <post dsq:id="9003">
    <id/>
    <message><![CDATA[<p>Køb billige ure her</p>]]></message>
    <createdAt>2024-03-01T10:00:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>true</isSpam>
    <author><name>spambot</name></author>
    <thread dsq:id="7001"/>
  </post>
  <post dsq:id="9004">
    <id/>
    <message><![CDATA[<p>Fjernet af mig selv</p>]]></message>
    <createdAt>2024-03-01T10:30:00Z</createdAt>
    <isDeleted>true</isDeleted><isSpam>false</isSpam>
    <author><name>Carl</name></author>
    <thread dsq:id="7001"/>
    <parent dsq:id="9001"/>
  </post>
  <post dsq:id="9005">
    <id/>
    <message><![CDATA[<p>Hvorfor blev din kommentar slettet, Carl?</p>]]></message>
    <createdAt>2024-03-01T11:00:00Z</createdAt>
    <isDeleted>false</isDeleted><isSpam>false</isSpam>
    <author><name></name><username>dorte_k</username></author>
    <thread dsq:id="7001"/>
    <parent dsq:id="9004"/>
  </post>
</disqus>
"""


def write(tmp_path, text: str = EXPORT):
    path = tmp_path / "avisen-disqus.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_disqus_export_is_read_as_its_pages_and_their_comments(tmp_path, cfg):
    path = write(tmp_path)
    assert describe_input(path, ReadOptions()) == "a Disqus comment export (XML)"
    corpus = ingest_thread_files([path], cfg)
    assert [t.id for t in corpus.threads] == ["disqus-thread-7001"]  # the page without comments is left out
    posts = corpus.posts_by_id()
    root = posts["disqus-thread-7001"]
    assert (root.title, root.text, root.author, root.created) == (
        "Debat: Socialrådgiverne løber skrigende bort",
        "",
        "Redaktionen",
        "2024-03-01T08:00:00+00:00",
    )
    anna = posts["9001"]
    assert anna.parent_id == root.id and anna.author == "Anna Holm"
    assert anna.text == "Socialrådgiverne har alt for mange sager & for lidt tid.\n\nDet er politikernes ansvar."
    assert anna.source == f"{path}:20"  # where its <post> opens
    assert (posts["9002"].parent_id, posts["9002"].author, posts["9002"].text) == ("9001", "Bo", "Helt enig, Anna.")
    # Spam and deleted posts stay in the tree without their words or author: Dorte's reply keeps its parent.
    assert [(posts[i].text, posts[i].author) for i in ("9003", "9004")] == [("", None), ("", None)]
    assert (posts["9005"].parent_id, posts["9005"].author) == ("9004", "dorte_k")  # no name: the username
    said = [n.message for n in corpus.notes if n.message.startswith("Disqus export")]
    assert said == [
        "Disqus export: 1 page(s) with comments read; 1 page(s) without comments left out; "
        "1 deleted and 1 spam post(s) kept with empty text and no author"
    ]


def test_a_broken_disqus_export_is_refused_naming_the_line(tmp_path, cfg):
    path = write(tmp_path, EXPORT.replace("<isSpam>true</isSpam>", "<isSpam>true</isSpam"))
    with pytest.raises(InputError) as err:
        ingest_thread_files([path], cfg)
    # expat stops at the next line, where the unclosed tag runs into "<author>".
    assert err.value.line == 45 and "not valid XML" in str(err.value)
    # An external entity is never fetched: the page's title keeps only its own words.
    body = EXPORT.split("?>", 1)[1].replace("<title>Debat: ", "<title>&x;Debat: ")
    outside = '<?xml version="1.0"?><!DOCTYPE disqus [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + body
    corpus = ingest_thread_files([write(tmp_path, outside)], cfg)
    assert corpus.posts_by_id()["disqus-thread-7001"].title == "Debat: Socialrådgiverne løber skrigende bort"
    # Entities nested into a billion laughs are refused, not expanded into gigabytes.
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE disqus [<!ENTITY l0 "ha">{laughs}]>' + body.replace("&x;", "&l9;")
    with pytest.raises(InputError) as err:
        ingest_thread_files([write(tmp_path, bomb)], cfg)
    assert "not valid XML" in str(err.value)
