/**
 * The redirect of Ink's es-toolkit import: exactly that import is changed, the module it gets
 * gives Ink the same function, and where Node supports in-thread hooks Ink loads without the
 * es-toolkit barrel.
 */
import { execFileSync } from 'node:child_process';
import nodeModule from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { inkImportHooks } from '../../src/tui/ink-startup.js';
import { ensureBuilt, ROOT } from '../cli/support.js';

const INK = 'file:///app/node_modules/ink/build/ink.js';
const SINGLE_URL = 'file:///app/node_modules/es-toolkit/compat/throttle.mjs';

/** A `next` that resolves the way Node would, and records what it was asked. */
function fakeNext(missing: string[] = []) {
  const asked: string[] = [];
  const next = (specifier: string) => {
    asked.push(specifier);
    if (missing.includes(specifier)) throw Object.assign(new Error(`Cannot find ${specifier}`), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
    return { url: specifier === 'es-toolkit/compat/throttle' ? SINGLE_URL : `file:///resolved/${specifier}` };
  };
  return { next, asked };
}

const sourceOf = (url: string) => decodeURIComponent(url.slice('data:text/javascript,'.length));

describe('inkImportHooks.resolve', () => {
  beforeAll(ensureBuilt);

  it('points only Ink’s import of the es-toolkit barrel at the single-function module', () => {
    const { next, asked } = fakeNext();
    const r = inkImportHooks.resolve('es-toolkit/compat', { parentURL: INK }, next);
    expect(asked).toEqual(['es-toolkit/compat/throttle']);
    expect(r.shortCircuit).toBe(true);
    expect(r.url.startsWith('data:text/javascript,')).toBe(true);
    expect(sourceOf(r.url)).toBe(`export { default as throttle } from ${JSON.stringify(SINGLE_URL)};`);
  });

  it('leaves every other import as it is: other specifiers, and the barrel imported by anyone else', () => {
    const { next, asked } = fakeNext();
    expect(inkImportHooks.resolve('react', { parentURL: INK }, next).url).toBe('file:///resolved/react');
    expect(inkImportHooks.resolve('es-toolkit/compat', { parentURL: 'file:///app/node_modules/other/index.js' }, next).url).toBe('file:///resolved/es-toolkit/compat');
    expect(inkImportHooks.resolve('es-toolkit/compat', {}, next).url).toBe('file:///resolved/es-toolkit/compat');
    expect(asked).toEqual(['react', 'es-toolkit/compat', 'es-toolkit/compat']);
  });

  it('falls back to the barrel when es-toolkit has no single-function module', () => {
    const { next, asked } = fakeNext(['es-toolkit/compat/throttle']);
    expect(inkImportHooks.resolve('es-toolkit/compat', { parentURL: INK }, next).url).toBe('file:///resolved/es-toolkit/compat');
    expect(asked).toEqual(['es-toolkit/compat/throttle', 'es-toolkit/compat']);
  });

  it('gives Ink the same throttle the barrel exports, from the installed es-toolkit', () => {
    // In a plain Node process: the module Ink would get, built from the real resolution.
    const script = `
      import { inkImportHooks } from './dist/tui/ink-startup.js';
      const ink = import.meta.resolve('ink');
      const r = inkImportHooks.resolve('es-toolkit/compat', { parentURL: ink }, (s) => ({ url: import.meta.resolve(s) }));
      const single = await import(r.url);
      const barrel = await import('es-toolkit/compat');
      console.log(JSON.stringify({ data: r.url.startsWith('data:'), same: single.throttle === barrel.throttle, kind: typeof single.throttle }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' }));
    expect(out).toEqual({ data: true, same: true, kind: 'function' });
  });

  const inThread = typeof (nodeModule as { registerHooks?: unknown }).registerHooks === 'function';
  it.skipIf(!inThread)(`loads Ink without the es-toolkit barrel (needs module.registerHooks: Node 22.15 or later; this is ${process.version})`, () => {
    // A second hook, registered later so it runs first, logs every module Ink's import pulls in.
    const script = `
      import nodeModule from 'node:module';
      import { lightenInkImport } from './dist/tui/ink-startup.js';
      lightenInkImport();
      const seen = [];
      nodeModule.registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.push(r.url); return r; } });
      await import('ink');
      console.log(JSON.stringify({ esToolkit: seen.filter((u) => u.includes('/es-toolkit/')).length, total: seen.length }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' }));
    expect(out.total).toBeGreaterThan(50);
    // The single-function module and the few it imports, instead of some 1,300.
    expect(out.esToolkit).toBeLessThanOrEqual(10);
  });
});
