"""Developer helper scripts, run as `python -m tools.<name>`; never imported by the app."""
