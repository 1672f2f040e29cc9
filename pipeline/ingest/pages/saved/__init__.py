"""Platform pages saved from the browser as HTML (Reddit, X, Bluesky, Mastodon, Facebook,
LinkedIn, TikTok, YouTube, Flarum): the posts as each platform's page elements state them."""
