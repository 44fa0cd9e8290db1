#!/usr/bin/env bash
# `npm test`: everything CI runs, in order of speed. Stops at the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s ==\033[0m\n' "$1"; }
step "check (lint + typecheck)"; npm run --silent check
step "openapi"; npm run --silent openapi -- .local/openapi.json
step "unit"; npx vitest run --project unit
step "infra (CDK assertions, snapshots, cdk-nag)"; npx vitest run --project infra
step "synth (offline, bundles every function, cdk-nag as a validation plugin)"; npm run --silent synth
step "integration (local stack: PostgreSQL, Redis, dynalite, API Gateway and Step Functions emulators)"; npx vitest run --project integration
step "web build"; npm run --silent build:web
step "e2e (headless Chromium)"; npx vitest run --project e2e
