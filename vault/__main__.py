"""`python -m vault` is the `evidence-vault` command."""

from vault.cli.main import main

raise SystemExit(main())
