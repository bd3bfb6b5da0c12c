#!/bin/bash
# The README's first command runs `make demo`, which runs tools/lab-demo.sh:
# run it in one-shot mode, where it executes every command it hints at and
# fails when one does not do what the hint promises.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${LAB_BUILD:-${1:-$REPO/build}}
if [ ! -x "$BUILD/utm-load" ]; then
	echo "skip: utm-load is not built (run make)"
	exit 77
fi
DEMO_ONESHOT=1 LAB_QUIET=1 "$REPO/tools/lab-demo.sh" "$BUILD"
