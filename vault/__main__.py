"""`python -m vault` is the `evidence-vault` command."""

from vault.cli import main

raise SystemExit(main())
