"""Page markup: the jinja2 templates and what fills them."""
