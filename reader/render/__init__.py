"""Markdown drawn as lines of terminal cells, with no widget: the reading pane's pipeline.

markdown-it tokens -> blocks (`blocks`) -> wrapped lines (`wrap`, `table`, `draw`) -> a
document model that draws the lines a screen needs on demand (`document`).
"""
