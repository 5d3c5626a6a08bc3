"""Schema migrations (aerich): one set per database kind, `mysql/` and `sqlite/`."""
