/**
 * Opening the interactive interface. The command line loads the bundle `npm run build` makes of it
 * (scripts/bundle-tui.mjs): Ink, React and their modules in a few files instead of some 560,
 * which has the review drawing about 0.5 s sooner under Node 20.
 */
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, LacpscopeError } from '../errors.js';
import type * as Tui from './run.js';

/** dist/tui-bundle/run.js, beside this module's dist/tui/ (src/ has no bundle). */
const BUNDLE = new URL('../tui-bundle/run.js', import.meta.url);

/** The interface module; a missing bundle (only `tsc` was run) is one line saying how to build it. */
export async function importTui(): Promise<typeof Tui> {
  try {
    return (await import(BUNDLE.href)) as typeof Tui;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes(fileURLToPath(BUNDLE))) throw error;
    throw new LacpscopeError(ERROR_CODES.IO, 'the interactive interface is not built: run `npm run build` in the package directory', { file: fileURLToPath(BUNDLE), cause: error });
  }
}
