/**
 * The interface bundle the command line opens (scripts/bundle-tui.mjs): it holds Ink, React and
 * their modules itself, shares lacpscope's own modules with the rest of the command line, and
 * picks React's production build. The tmux tests drive it end to end.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorLine } from '../../src/cli/io.js';
import { importTui } from '../../src/tui/load.js';
import { ensureBuilt, ROOT } from '../cli/support.js';

/** Runs an ES module script in a fresh Node at the project root, with NODE_ENV unset unless given. */
function spawnChild(script: string, env: Record<string, string> = {}): { stdout: string; stderr: string } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.NODE_ENV;
  const r = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { cwd: ROOT, env: { ...childEnv, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child exited ${r.status}: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

describe('the interface bundle', () => {
  beforeAll(ensureBuilt);

  it('loads nothing from node_modules: Ink, React and their modules are inside it', () => {
    const hook = `export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('RESOLVED ' + r.url + '\\n'); return r; }`;
    const script = `
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
      await import('./dist/tui-bundle/run.js');
    `;
    const r = spawnChild(script);
    const urls = r.stderr.split('\n').filter((l) => l.startsWith('RESOLVED ')).map((l) => l.slice('RESOLVED '.length));
    const own = urls.filter((u) => u.startsWith('file:'));
    // lacpscope's analyzer and decoder are among them (shared, not copied), and nothing else.
    expect(own.some((u) => u.endsWith('/dist/analyze/analyzer.js'))).toBe(true);
    expect(own.some((u) => u.endsWith('/dist/decode/decode.js'))).toBe(true);
    expect(own.filter((u) => u.includes('/node_modules/'))).toEqual([]);
    expect(own.filter((u) => u.includes('/dist/tui/'))).toEqual([]);
  });

  it('runs React in production mode unless NODE_ENV says otherwise, and exports the interface', () => {
    const script = `
      const m = await import('./dist/tui-bundle/run.js');
      console.log(JSON.stringify({ env: process.env.NODE_ENV, runTui: typeof m.runTui, noColor: m.colourDisabled({ NO_COLOR: '1' }, false) }));
    `;
    expect(JSON.parse(spawnChild(script).stdout)).toEqual({ env: 'production', runTui: 'function', noColor: true });
    expect(JSON.parse(spawnChild(script, { NODE_ENV: 'development' }).stdout).env).toBe('development');
  });

  it('where the build made no bundle (as src/ has none), opening the interface is one line saying how to build it', async () => {
    const error = await importTui().then(
      () => null,
      (e: unknown) => e,
    );
    expect(errorLine(error)).toMatch(/^lacpscope: \S+\/tui-bundle\/run\.js: the interactive interface is not built: run `npm run build` in the package directory \[LACPSCOPE_IO\]$/);
  });
});
