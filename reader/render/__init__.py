"""Markdown drawn as lines of terminal cells (Rich segments, no Textual): the reading
pane's pipeline.

markdown-it tokens -> blocks (`blocks`) -> wrapped lines (`wrap`, `table`, `draw`) -> a
document model that draws the lines a screen needs on demand (`document`).
"""
