"""Importers: a scheduling tool's export and old annotation files, written into the YAML data in place."""
