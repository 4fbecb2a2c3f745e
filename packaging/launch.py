"""What the one-folder desktop build runs (PyInstaller needs a script): the same entry point
as the installed `evidence-vault` command, so the app and the CLI are one executable."""

from ui.entry import main

if __name__ == "__main__":
    raise SystemExit(main())
