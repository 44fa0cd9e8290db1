#!/usr/bin/env bash
# `npm test`: everything CI runs, in order of speed. Stops at the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s ==\033[0m\n' "$1"; }
results=.local/test-results
rm -rf "$results" && mkdir -p "$results"
# Each suite also writes a JSON report, summed into one closing line at the end.
suite() { npx vitest run --project "$1" --reporter=default --reporter=json --outputFile="$results/$1.json"; }
step "check (lint + typecheck)"; npm run --silent check
step "openapi"; npm run --silent openapi -- .local/openapi.json
step "unit"; suite unit
step "infra (CDK assertions, snapshots, cdk-nag)"; suite infra
step "synth (offline, bundles every function, cdk-nag as a validation plugin)"; npm run --silent synth
step "integration (local stack: PostgreSQL, Redis, dynalite, API Gateway and Step Functions emulators)"; suite integration
step "bench:fanout, small (fails on any lost or duplicated delivery)"
npm run --silent bench:fanout -- --clients 200 --messages 5 --interval 100 --out .local/bench-fanout-ci.json
step "bench:onsale, small (fails on any broken invariant)"
npm run --silent bench:onsale -- --buyers 600 --seats 300 --hold-seconds 5 --payment-seconds 8 --out .local/bench-onsale-ci.json
step "bench:onsale --faults, small (Redis killed, PostgreSQL restarted, stack killed mid-sale; fails on any lost order, broken invariant, hang or outage answer other than 503 + Retry-After)"
npm run --silent bench:onsale -- --faults --buyers 600 --seats 300 --concurrency 12 --hold-seconds 5 --payment-seconds 8 --max-seconds 300 --out .local/bench-onsale-faults-ci.json
step "bench:queue, small (fails on any admission out of ticket order, double admission, skipped waiting user or changed ticket)"
npm run --silent bench:queue -- --users 2000 --threshold 100 --rate 500 --rejoin-sample 200 --max-seconds 120 --out .local/bench-queue-ci.json
step "web build"; npm run --silent build:web
step "e2e (headless Chromium)"; suite e2e

node -e '
const fs = require("node:fs");
let passed = 0, failed = 0;
for (const f of fs.readdirSync(process.argv[1])) {
  const r = JSON.parse(fs.readFileSync(`${process.argv[1]}/${f}`, "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests;
}
console.log(`\nSummary: ${passed} passed, ${failed} failed`);
' "$results"
