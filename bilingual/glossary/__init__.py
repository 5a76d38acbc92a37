"""Name glossaries: entries, file formats, Korean-aware matching, enforcement, lint."""
