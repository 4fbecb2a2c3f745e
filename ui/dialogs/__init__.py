"""Dialogs: new/open case, import summary, export, receive, report, settings, preview."""
