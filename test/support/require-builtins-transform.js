'use strict';
/**
 * Jest transform for PGlite's CommonJS build, which loads Node's own modules with `import()`.
 * Under jest a dynamic import needs --experimental-vm-modules, and with it jest gives every
 * module it loads a dynamic-import hook that Node keeps referenced: each test file's whole
 * module graph could then stay in the worker's memory for good. A built-in module is the same
 * object either way, so `import("fs")` becomes the `require("fs")` it stands for.
 */
module.exports = {
  process(source) {
    // The module's own `require`, kept under a name of its own: the Emscripten part declares a
    // `var require` of its own in the scope where one of the imports sits.
    const code = source.replace(/\bimport\(("(?:node:)?[a-z_/]+")\)/g, 'Promise.resolve(__requireBuiltin($1))');
    // After the "use strict" directive, which must stay first to keep the module strict.
    const directive = /^\s*(["'])use strict\1;?/.exec(code)?.[0] ?? '';
    return { code: `${directive}var __requireBuiltin = require;${code.slice(directive.length)}` };
  },
  getCacheKey(source) {
    return require('node:crypto').createHash('sha256').update('require-builtins-3').update(source).digest('hex');
  },
};
