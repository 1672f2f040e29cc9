"""How a stage's pure function over thread shards is run: in this process or in workers."""
