/**
 * Full-screen terminal handling: the alternate screen (Ink 6.8 has no option for it), and putting
 * the terminal back as it was on quit, Ctrl-C, a signal or a crash.
 */
export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
export const LEAVE_ALT_SCREEN = '\x1b[?1049l';
export const SHOW_CURSOR = '\x1b[?25h';
export const CLEAR_SCREEN = '\x1b[2J\x1b[H';

export interface TerminalLike {
  write(data: string): unknown;
}

export interface InputLike {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** Enter the alternate screen; the returned function restores the terminal (idempotent). */
export function enterFullScreen(out: TerminalLike, input?: InputLike): () => void {
  out.write(ENTER_ALT_SCREEN);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (input?.isTTY) input.setRawMode?.(false);
    out.write(SHOW_CURSOR + LEAVE_ALT_SCREEN);
  };
}

const SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;

/**
 * While the TUI runs: restore the terminal at process exit, on termination signals (then die of
 * the same signal, as expected of a terminated process) and on an uncaught error (handed to `onCrash`).
 * Returns a function removing the handlers.
 */
export function guardProcess(restore: () => void, onCrash: (error: unknown) => void): () => void {
  const onExit = () => restore();
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    // After a hangup the terminal is gone: writing to it or resetting it would fail.
    if (signal !== 'SIGHUP') restore();
    // Die of the signal itself (no exit-time teardown touching a terminal that may be gone):
    // other libraries' handlers would otherwise keep the process alive or exit normally.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  };
  const onError = (error: unknown) => onCrash(error);
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
  // First in line, so the terminal is back before any other handler prints the error.
  process.prependListener('uncaughtException', onError);
  process.prependListener('unhandledRejection', onError);
  function remove() {
    process.off('exit', onExit);
    for (const s of SIGNALS) process.off(s, onSignal);
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  }
  return remove;
}
