/** What every command shares: its streams and environment, error lines, usage errors, colour. */
import { readFileSync } from 'node:fs';
import { ERROR_CODES, LacpscopeError } from '../errors.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  /** Standard input is a terminal: `-` would wait for a capture that is not coming. */
  stdinIsTTY?: boolean;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, stdinIsTTY: process.stdin.isTTY === true };
}

/** Inputs as given; `-` with a terminal on standard input is a mistake worth naming at once. */
export function checkInputs(paths: readonly string[], io: CliIo, command?: string): void {
  if (io.stdinIsTTY && paths.includes('-')) {
    throw usageError("'-' reads a capture from standard input, but it is a terminal: pipe one in, e.g. tcpdump -U -w - ... | lacpscope -", command);
  }
}

export function usageError(message: string, command?: string): LacpscopeError {
  const help = command ? `lacpscope ${command} --help` : 'lacpscope --help';
  return new LacpscopeError(ERROR_CODES.USAGE, `${message} (see '${help}')`);
}

/**
 * The one line printed for a failure. Reader errors already name the file and offset; a system
 * error that escaped them (ENOENT, EACCES) is given the same shape; anything else is a bug and
 * is named as such, still without a stack trace.
 */
export function errorLine(error: unknown): string {
  if (error instanceof LacpscopeError) return error.toLine();
  const e = error as NodeJS.ErrnoException | undefined;
  if (e && typeof e === 'object' && typeof e.code === 'string' && typeof e.syscall === 'string') {
    const what = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory, expected a capture file' : `cannot ${e.syscall} (${e.code})`;
    return new LacpscopeError(ERROR_CODES.IO, what, { file: e.path }).toLine();
  }
  const message = error instanceof Error ? error.message : String(error);
  return `lacpscope: internal error: ${message}`;
}

/** Colour only for a terminal, and never when NO_COLOR is set (no-color.org) or --no-color given. */
export function colorWanted(io: CliIo, noColorFlag: boolean | undefined): boolean {
  return !noColorFlag && !io.env.NO_COLOR && io.stdout.isTTY === true;
}

export function packageVersion(): string {
  // dist/cli and src/cli both sit two levels below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function writeLine(stream: NodeJS.WritableStream, line: string): void {
  stream.write(`${line}\n`);
}

/** `--help` and `--version`, answered the same way by every command; true when one was printed. */
export function answeredInfo(values: { help?: boolean; version?: boolean }, io: CliIo, help: () => string): boolean {
  if (values.help) io.stdout.write(help());
  else if (values.version) writeLine(io.stdout, packageVersion());
  else return false;
  return true;
}
