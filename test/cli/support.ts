/** Runs the built command line the way users do: `node bin/lacpscope.js ...`, after an up-to-date build. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BIN = join(ROOT, 'bin', 'lacpscope.js');
export const PUBLIC = resolve(ROOT, '../shared/captures/public');
export const HAVE_PUBLIC = existsSync(PUBLIC);
export const GENERATED = join(ROOT, 'captures', 'generated');
export const HAVE_TSHARK = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** What tsc writes and what bin/lacpscope.js runs (scripts/bundle.mjs). */
const BUILT = [join(ROOT, 'dist', 'cli', 'main.js'), join(ROOT, 'dist', 'app', 'main.js')];

function stale(): boolean {
  const src = newest(join(ROOT, 'src'));
  return BUILT.some((f) => !existsSync(f) || statSync(f).mtimeMs < src);
}

/**
 * Builds dist/ when src/ is newer (`npm test` builds first, so this is for direct vitest runs).
 * Test files run in parallel workers: a lock directory keeps two builds from writing at once.
 */
export function ensureBuilt(): void {
  if (!stale()) return;
  const lock = join(tmpdir(), `lacpscope-build-${Buffer.from(ROOT).toString('hex').slice(-24)}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmdirSync(lock);
      if (Date.now() > deadline) throw new Error('timed out waiting for another build');
      spawnSync('sleep', ['0.2']);
    }
  }
  try {
    // Type errors elsewhere still emit JavaScript; only a missing entry point is fatal here.
    // The package's own build script (tsc, then the bundle), not a copy of its steps.
    if (stale()) spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    for (const f of BUILT) if (!existsSync(f)) throw new Error(`build produced no ${f.slice(ROOT.length + 1)}`);
  } finally {
    rmdirSync(lock);
  }
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion, without a terminal (CI has none), and without NO_COLOR/CI leaking in. */
export function cli(args: string[], options: { input?: string | Uint8Array; env?: Record<string, string | undefined>; cwd?: string } = {}): Run {
  const env = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env };
  const r = spawnSync(process.execPath, [BIN, ...args], { input: options.input, env, cwd: options.cwd ?? ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI with pipes for a test that talks to it while it runs. */
export function start(args: string[]) {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function pub(...parts: string[]): string {
  return join(PUBLIC, ...parts);
}

/** A directory of this test file's own (each test file loads this module afresh). */
let scratchDir: string | null = null;

export function scratch(name: string): string {
  scratchDir ??= mkdtempSync(join(tmpdir(), 'lacpscope-cli-test-'));
  return join(scratchDir, name);
}

export function removeScratch(): void {
  if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  scratchDir = null;
}

/** A stack trace line as Node prints one. */
export const STACK = /^\s+at .+[(:]\d+/m;

/**
 * Frame numbers of the Slow Protocols frames according to tshark: by EtherType as well as by
 * dissector, since a frame cut right after its EtherType has no payload for the `slow` dissector.
 */
export function tsharkSlowFrames(path: string): number[] {
  const filter = 'slow || eth.type == 0x8809 || vlan.etype == 0x8809 || sll.etype == 0x8809';
  const r = spawnSync('tshark', ['-r', path, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number);
}
