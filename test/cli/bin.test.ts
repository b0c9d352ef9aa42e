/** bin/lacpscope.js on its own: the exit status from main, and one line (no stack trace) for anything unexpected. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, STACK } from './support.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A package whose dist/app/main.js is `main` (or absent), with the real bin script beside it. */
function withMain(main: string | null): string {
  const root = mkdtempSync(join(tmpdir(), 'lacpscope-bin-'));
  dirs.push(root);
  mkdirSync(join(root, 'bin'));
  copyFileSync(BIN, join(root, 'bin', 'lacpscope.js'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}');
  if (main !== null) {
    mkdirSync(join(root, 'dist', 'app'), { recursive: true });
    writeFileSync(join(root, 'dist', 'app', 'main.js'), main);
  }
  return root;
}

function run(root: string, args: string[] = []) {
  return spawnSync(process.execPath, [join(root, 'bin', 'lacpscope.js'), ...args], { encoding: 'utf8', timeout: 20_000 });
}

describe('bin/lacpscope.js', () => {
  it('exits with the status main returns, after its output', () => {
    const r = run(withMain('export async function main(argv) { process.stdout.write(argv.join(",") + "\\n"); return 1; }'), ['a', 'b']);
    expect(r.stdout).toBe('a,b\n');
    expect(r.status).toBe(1);
  });

  it.each([
    ['a rejected main', 'export async function main() { throw new Error("boom"); }'],
    ['an uncaught exception later on', 'export async function main() { setTimeout(() => { throw new Error("boom"); }, 10); await new Promise((r) => setTimeout(r, 1000)); return 0; }'],
    ['an unhandled rejection', 'export async function main() { Promise.reject(new Error("boom")); await new Promise((r) => setTimeout(r, 1000)); return 0; }'],
  ])('%s: one line, exit 2, no stack trace', (_, main) => {
    const r = run(withMain(main));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('lacpscope: internal error: boom\n');
  });

  it('an error that knows its line prints that line', () => {
    const r = run(withMain('export async function main() { const e = new Error("x"); e.toLine = () => "lacpscope: f.pcap: bad (at byte offset 4) [LACPSCOPE_PCAP_BAD_HEADER]"; throw e; }'));
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('lacpscope: f.pcap: bad (at byte offset 4) [LACPSCOPE_PCAP_BAD_HEADER]\n');
  });

  it('without a build, says how to build', () => {
    const r = run(withMain(null));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lacpscope: not built yet: run `npm run build`/);
    expect(r.stderr).not.toMatch(STACK);
  });
});
