"""edgevol-dev up|down|status: the local development environment."""

import sys

from edgevol.devenv import cli


def main():
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
