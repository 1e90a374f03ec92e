#!/usr/bin/env node
// The console's browser files are plain files, not TypeScript: tsc does not copy them, so the
// build does, into the folder beside the compiled console (dist/core/console/assets) that
// ConsoleAssets reads and `npm pack` ships with dist. The charts' library comes along under the
// names ConsoleAssets' VENDOR_ASSETS gives it (keep the two lists alike).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const from = path.join(__dirname, '..', 'src', 'core', 'console', 'assets');
const to = path.join(__dirname, '..', 'dist', 'core', 'console', 'assets');
fs.rmSync(to, { recursive: true, force: true });
fs.mkdirSync(to, { recursive: true });
for (const file of fs.readdirSync(from)) fs.copyFileSync(path.join(from, file), path.join(to, file));
const vendor = { 'uplot.js': 'uplot/dist/uPlot.iife.min.js', 'uplot.css': 'uplot/dist/uPlot.min.css' };
for (const [name, module] of Object.entries(vendor)) fs.copyFileSync(require.resolve(module), path.join(to, name));
