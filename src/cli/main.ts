/**
 * The command line: `lacpscope [FILE...]`, `analyze`, `decode`, `live`. Returns the exit status
 * (0 success, 1 findings at --fail-on, 2 usage error or unreadable input); every failure becomes
 * one line on standard error, never a stack trace.
 */
import { errorLine, processIo, writeLine, type CliIo } from './io.js';

type Command = (argv: string[], io: CliIo) => Promise<number>;

// Each command loads only its own modules: `decode` starts without the analyzer, the report
// renderers or the TUI, which matters when it is timed against tcpdump.
const COMMANDS: Record<string, Command> = {
  analyze: async (argv, io) => (await import('./analyze-command.js')).analyzeCommand(argv, io),
  decode: async (argv, io) => (await import('./decode-command.js')).decodeCommand(argv, io),
  live: async (argv, io) => (await import('./live-command.js')).runLiveCommand(argv, io),
};

const review: Command = async (argv, io) => (await import('./review-command.js')).reviewCommand(argv, io);

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    const command = Object.hasOwn(COMMANDS, argv[0] ?? '') ? COMMANDS[argv[0]] : undefined;
    return command ? await command(argv.slice(1), io) : await review(argv, io);
  } catch (error) {
    writeLine(io.stderr, errorLine(error));
    return 2;
  }
}
