#!/bin/sh
# npm-script-friendly entry: `sh bench/load-vs-peers.sh [--reps 5] [--seconds 3] [--connections 10] [--json]`
cd "$(dirname "$0")/.." && exec node --import tsx bench/load-vs-peers.ts "$@"
