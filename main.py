"""Launch the Evidence Vault desktop app: `python main.py` (or `make run`)."""

from ui.app import main

if __name__ == "__main__":
    raise SystemExit(main())
