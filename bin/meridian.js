#!/usr/bin/env node
// The CLI is bundled into dist/ by `npm install` (the prepare script: scripts/build.mjs).
import { main } from '../dist/meridian.js';

process.exitCode = await main(process.argv.slice(2));
