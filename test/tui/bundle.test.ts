/**
 * The bundle bin/lacpscope.js runs (scripts/bundle.mjs): the interface's chunk holds Ink, React
 * and their modules itself, a command that needs no interface loads none of it, and React runs its
 * production build. The CLI, tmux and live tests drive the same bundle end to end.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, ROOT } from '../cli/support.js';

/** Preloaded into the child: a resolve hook (on Node's hooks thread) writing each module URL to stderr. */
const LOG_RESOLVED =
  'data:text/javascript,' +
  encodeURIComponent(
    `import { register } from 'node:module';
     register('data:text/javascript,' + encodeURIComponent("export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('RESOLVED ' + r.url + '\\\\n'); return r; }"));`,
  );

/** Runs Node with `args` at the project root (NODE_ENV unset unless given): its output and, with `log`, every module it resolved. */
function node(args: string[], options: { env?: Record<string, string>; log?: boolean } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_ENV;
  const r = spawnSync(process.execPath, ['--no-warnings', ...(options.log ? ['--import', LOG_RESOLVED] : []), ...args], {
    cwd: ROOT,
    env: { ...env, ...options.env },
    encoding: 'utf8',
  });
  const lines = r.stderr.split('\n');
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: lines.filter((l) => !l.startsWith('RESOLVED ')).join('\n'),
    urls: lines.filter((l) => l.startsWith('RESOLVED file:')).map((l) => l.slice('RESOLVED '.length)),
  };
}

const importing = (module: string, print = '{}') => ['--input-type=module', '-e', `const m = await import(${JSON.stringify(module)}); console.log(JSON.stringify(${print}));`];

describe('the bundle the command line runs', () => {
  beforeAll(ensureBuilt);

  it('opens the interface without loading anything from node_modules or the unbundled dist/', () => {
    // run.js is the chunk the review and live open, as main.js is the one bin/lacpscope.js imports.
    const r = node(importing('./dist/app/run.js'), { log: true });
    expect(r.status).toBe(0);
    expect(r.urls.some((u) => u.endsWith('/dist/app/run.js'))).toBe(true);
    expect(r.urls.filter((u) => !u.includes('/dist/app/'))).toEqual([]);
  });

  it('runs `analyze` without loading the interface, Ink or React', () => {
    const r = node([BIN, 'analyze', '--format', 'json', 'captures/demo/demo.pcapng'], { log: true });
    // The demo's partner stops LACP: errors at the default --fail-on.
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(0);
    expect(r.urls.some((u) => u.endsWith('/dist/app/analyze-command.js'))).toBe(true);
    expect(r.urls.filter((u) => u.endsWith('/dist/app/run.js') || u.includes('/node_modules/'))).toEqual([]);
  });

  it('runs React in production mode unless NODE_ENV says otherwise, and exports the interface', () => {
    const print = "{ env: process.env.NODE_ENV, runTui: typeof m.runTui, noColor: m.colourDisabled({ NO_COLOR: '1' }, false) }";
    expect(JSON.parse(node(importing('./dist/app/run.js', print)).stdout)).toEqual({ env: 'production', runTui: 'function', noColor: true });
    expect(JSON.parse(node(importing('./dist/app/run.js', print), { env: { NODE_ENV: 'development' } }).stdout).env).toBe('development');
  });
});
