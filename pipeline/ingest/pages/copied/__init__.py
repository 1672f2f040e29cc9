"""Platform threads copied from the browser as text (Reddit, X, Bluesky, Mastodon,
Instagram): `read` tells which platform printed a page, `lines` what the readers share."""
