"""dmsite: a project's plan as validated YAML, published as a versioned Sphinx site."""

__version__ = "0.1.0"
