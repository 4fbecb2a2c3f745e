"""`python -m vault` is the `evidence-vault` command."""

import sys

from vault.cli.early import unlock_early

unlock_early(sys.argv[1:])  # first: the key derives while the rest loads (issue 17)

from vault.cli.main import main  # noqa: E402

raise SystemExit(main())
