"""Long work off the UI thread: the worker idiom, the session rule, the progress strip."""
