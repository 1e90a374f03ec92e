'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { isBuiltin } = require('node:module');

/**
 * Jest transform for PGlite's CommonJS build, which loads Node's own modules with `import()`.
 * Under jest a dynamic import needs --experimental-vm-modules, and with it jest gives every
 * module it loads a dynamic-import hook that Node keeps referenced: each test file's whole
 * module graph could then stay in the worker's memory for good. A built-in module is the same
 * object either way, so `import("fs")` becomes the `require("fs")` it stands for.
 */
// This file's own text goes into every cache key: a change to the transform invalidates what it cached.
const OWN_TEXT = readFileSync(__filename);

module.exports = {
  process(source) {
    // The module's own `require`, kept under a name of its own: the Emscripten part declares a
    // `var require` of its own in the scope where one of the imports sits.
    const code = source.replace(/\bimport\(("([a-z:_/]+)")\)/g, (call, quoted, name) => (isBuiltin(name) ? `Promise.resolve(__requireBuiltin(${quoted}))` : call));
    // After the "use strict" directive, which must stay first to keep the module strict.
    const directive = /^\s*(["'])use strict\1;?/.exec(code)?.[0] ?? '';
    return { code: `${directive}var __requireBuiltin = require;${code.slice(directive.length)}` };
  },
  getCacheKey(source) {
    return createHash('sha256').update(OWN_TEXT).update(source).digest('hex');
  },
};
