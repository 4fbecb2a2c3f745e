"""Data files the app ships: fonts, translations, VERIFY templates (and trust lists).

This folder is a package only so that it travels inside the wheel and the desktop build as
package data; nothing here is code. Read its files through `vault.assets`, never by path.
"""
