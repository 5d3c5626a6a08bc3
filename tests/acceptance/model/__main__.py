"""`python -m tests.acceptance.model`: the model test, long (`make soak`)."""

import sys

from tests.acceptance.model.run import main

sys.exit(main())
