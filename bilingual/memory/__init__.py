"""Translation memory: approved pairs in SQLite, fuzzy matching fit for Korean, TMX, learning from editors."""
