#!/usr/bin/env bash
# Hundreds of concurrent users keep many sockets open on both sides of loopback.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cd "$(dirname "$0")/../.."
exec npx tsx test/bench/queue.ts "$@"
