/**
 * Drives the real binary in tmux, as a user's terminal would: a private tmux server and session
 * per terminal, keys sent with send-keys, the screen read with capture-pane.
 * Ink renders nothing when CI is set, so the command runs under `env -u CI`.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

export const HAVE_TMUX = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

/**
 * Each terminal runs its own tmux server: a server whose last session was just killed is still
 * shutting down when the next test starts one, and a new session on it fails with "server exited
 * unexpectedly".
 */
const sockets = new Set<string>();
let sessions = 0;

function tmuxOn(socket: string, ...args: string[]): string {
  const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Ends a server and removes the socket file tmux can leave behind. */
function endServer(socket: string): void {
  spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
  sockets.delete(socket);
}

export class Terminal {
  readonly name = `tui-${process.pid}-${++sessions}`;
  private readonly socket = `lacpscope-e2e-${process.pid}-${sessions}`;

  /** A shell at `cwd` in a `columns`x`rows` terminal, with a known prompt. */
  constructor(cwd: string, columns = 120, rows = 40) {
    sockets.add(this.socket);
    this.tmux('new-session', '-d', '-s', this.name, '-x', String(columns), '-y', String(rows), '-c', cwd, "env PS1='tui-test$ ' bash --norc --noprofile");
  }

  private tmux(...args: string[]): string {
    return tmuxOn(this.socket, ...args);
  }

  /** Type a line into the shell. */
  run(command: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', command);
    this.tmux('send-keys', '-t', this.name, 'Enter');
  }

  /** Keys in tmux send-keys names (`Enter`, `Escape`, `C-c`, `Down`) or literal text with `literal`. */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', this.name, '-l', text);
  }

  /** The visible screen, as plain text (with escapes when `escapes`). */
  screen(escapes = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', this.name);
  }

  /** `#{alternate_on}`, `#{cursor_flag}`, ... */
  format(fmt: string): string {
    return this.tmux('display-message', '-p', '-t', this.name, fmt).trim();
  }

  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-t', this.name, '-x', String(columns), '-y', String(rows));
  }

  /** Poll the screen until `test` holds; fail with the last screen after `ms`. */
  async waitFor(test: string | RegExp | ((screen: string) => boolean), ms = 15_000): Promise<string> {
    const check = typeof test === 'function' ? test : (s: string) => (typeof test === 'string' ? s.includes(test) : test.test(s));
    const until = Date.now() + ms;
    let last = '';
    for (;;) {
      last = this.screen();
      if (check(last)) return last;
      if (Date.now() > until) throw new Error(`timed out waiting for ${String(test)}; screen:\n${last}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  kill(): void {
    endServer(this.socket);
  }
}

/** Ends every terminal's server still running. */
export function killServers(): void {
  for (const socket of [...sockets]) endServer(socket);
}
