#!/usr/bin/env node
import nodeModule from 'node:module';

// Runs the command line and exits with its status; a failure is one line on stderr, never a stack trace.
const fail = (error) => {
  const line =
    error && typeof error.toLine === 'function'
      ? error.toLine()
      : error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')
        ? 'lacpscope: not built yet: run `npm run build` in the package directory'
        : `lacpscope: internal error: ${error instanceof Error ? error.message : String(error)}`;
  // Printed at exit, after any full-screen view has restored the terminal (its own exit handler).
  process.once('exit', () => process.stderr.write(`${line}\n`));
  process.exit(2);
};
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

// Node 22.1+ keeps the compiled code of the modules below on disk (in the temp directory) for the
// next run: start-up counts on every run of a command timed against tcpdump. Node 20 has no cache.
nodeModule.enableCompileCache?.();

try {
  const { main } = await import('../dist/app/main.js');
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // Let stdout and stderr drain, then end even if an abandoned input (stdin) is still open.
  const drained = (s) => new Promise((resolve) => (s.writableNeedDrain ? s.once('drain', resolve).once('error', resolve) : resolve()));
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
} catch (error) {
  fail(error);
}
