"""Baton's risk rules, one module per rule or family; ``base`` is what a plug-in builds on."""
