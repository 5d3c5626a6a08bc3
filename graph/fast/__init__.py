"""The fast path: documents seen before, run from a compiled plan (path.py, plans.py); every use
of Strawberry's internals is in internals.py."""
