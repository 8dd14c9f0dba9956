"""`python -m sprintgen`."""

from sprintgen.cli import main

if __name__ == "__main__":
    main()
