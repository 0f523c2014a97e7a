#!/usr/bin/env node
// The published CLI runs the bundled build so `npx perfgate` needs no TypeScript toolchain.
import '../dist/cli/index.js';
