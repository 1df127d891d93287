"""`python -m exigent.verification.corpus`: write a labelled JSONL file of one split."""

from exigent.verification.corpus.generate import main

raise SystemExit(main())
