#!/usr/bin/env node
// The console's browser files are plain files, not TypeScript: tsc does not copy them, so the
// build does, into the folder beside the compiled console (dist/core/console/assets) that
// ConsoleAssets reads and `npm pack` ships with dist.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const from = path.join(__dirname, '..', 'src', 'core', 'console', 'assets');
const to = path.join(__dirname, '..', 'dist', 'core', 'console', 'assets');
fs.rmSync(to, { recursive: true, force: true });
fs.mkdirSync(to, { recursive: true });
for (const file of fs.readdirSync(from)) fs.copyFileSync(path.join(from, file), path.join(to, file));
