#!/usr/bin/env bash
# Thousands of sockets on each side of loopback need more descriptors than the default 1024.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
cd "$(dirname "$0")/../.."
exec npx tsx test/bench/fanout.ts "$@"
