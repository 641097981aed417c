"""Pure renderers: catalog and analyses in, HTML / DOT / SVG / JSON text out."""
