import sys

from cvxreg.cli import main

sys.exit(main())
