"""Long, random runs of the property tests of what parses users' text (not collected by pytest)."""
