"""Measured fidelity: does the reading pane show the words GitHub shows for the same Markdown?

The oracle is GitHub's own renderer, cmark-gfm (the `cmarkgfm` package), on three corpora:
the CommonMark spec's examples, GFM-extension cases written here (gfm_cases.md), and every
file of the default pack. `python -m tests.fidelity` prints the rates; harness.py says how
words are compared and why; mismatches.md lists every remaining mismatch with its reason.
"""
