#!/usr/bin/env bash
# Refreshes the vendored copy of the shared test material (tests/shared/) from the
# project's shared folder: ../shared beside the repository, or $VIGIL_SHARED.
#
#   scripts/refresh-shared.sh          copy conformance/, livestatus/ and peer-configs/
#   scripts/refresh-shared.sh --check  only compare; exit 0 when the copy is identical,
#                                      1 when it differs (the differing sets are printed),
#                                      2 when there is no shared folder
#
# The copy is what ./scripts/test-all.sh uses, so the suite runs on a fresh clone
# without ../shared. Commit the refreshed files together with whatever made the
# refresh necessary. Python byte-code caches are never copied.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${VIGIL_SHARED:-../shared}
sets=(conformance livestatus peer-configs)
check=0
case "${1:-}" in
    --check) check=1 ;;
    "") ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if [ ! -d "$src" ]; then
    echo "no shared folder at $src (set VIGIL_SHARED); the vendored copy in tests/shared stays as it is"
    [ "$check" -eq 1 ] && exit 2
    exit 0
fi

differs=()
for s in "${sets[@]}"; do
    if [ ! -d "$src/$s" ]; then
        echo "error: $src/$s is missing" >&2
        exit 1
    fi
    if ! diff -rq -x __pycache__ -x '*.pyc' "$src/$s" "tests/shared/$s" >/dev/null 2>&1; then
        differs+=("$s")
    fi
done

if [ "$check" -eq 1 ]; then
    if [ ${#differs[@]} -eq 0 ]; then
        echo "tests/shared is identical to $src"
        exit 0
    fi
    echo "tests/shared differs from $src in: ${differs[*]}"
    exit 1
fi

mkdir -p tests/shared
for s in "${differs[@]}"; do
    tmp="tests/shared/.$s.new"
    rm -rf "$tmp"
    cp -R "$src/$s" "$tmp"
    find "$tmp" \( -name __pycache__ -o -name '*.pyc' \) -prune -exec rm -rf {} +
    # The shared folder is read-only; the copy must stay writable for the next refresh.
    chmod -R u+w "$tmp"
    rm -rf "tests/shared/$s"
    mv "$tmp" "tests/shared/$s"
    echo "refreshed tests/shared/$s from $src/$s"
done
[ ${#differs[@]} -eq 0 ] && echo "tests/shared is already identical to $src"
exit 0
