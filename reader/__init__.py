"""reader: a terminal study reader for packs of Markdown."""
