import sys

from cvxreg.cli import main

if __name__ == "__main__":  # `python -m cvxreg`; importing the module (documentation tools do) runs nothing
    sys.exit(main())
