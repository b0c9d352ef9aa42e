#!/usr/bin/env node
// Bundles the command line that tsc compiled to dist/ into dist/app/, which bin/lacpscope.js runs:
// one chunk per command and one for the interactive interface, with Ink and React inside it.
// Loaded module by module, lacpscope is some 40 files and Ink with React some 560 (es-toolkit's
// whole `compat` barrel for Ink's one `throttle`, and CommonJS React that Node scans for its
// exports). Bundled, `analyze` starts about 30 ms sooner under Node 20 and the review draws its
// first screen in about 0.45 s instead of 1.1 to 1.4 s (README, "How it is built").
//   node scripts/bundle.mjs   (run by `npm run build`, after tsc)
import { existsSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'cli', 'main.js');
// Two levels below the package, like dist/cli: the `../../package.json` and demo capture paths hold.
const outDir = join(root, 'dist', 'app');

if (!existsSync(entry)) {
  console.error('bundle: dist/cli/main.js is missing; run tsc first');
  process.exit(2);
}

/** Kept out: Node's own modules, and Ink's optional devtools peer (loaded only with DEV=true, not installed). */
const external = (id) => id.startsWith('node:') || builtinModules.includes(id) || id === 'react-devtools-core';

rmSync(outDir, { recursive: true, force: true });
const bundle = await rolldown({ input: entry, platform: 'node', external, logLevel: 'warn' });
// Chunks named after their first module (run.js is the interface), so tests can find them.
await bundle.write({ dir: outDir, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name].js' });
await bundle.close();
