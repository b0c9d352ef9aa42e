/**
 * Ink takes one function, `throttle`, from es-toolkit's `compat` entry, and that entry loads all
 * of its ~1,300 modules: about 0.1 s of every start of the review under Node 24 (0.23 s under
 * Node 20). Where Node can redirect an import in-thread (`module.registerHooks`, Node 22.15
 * and later), Ink's import is pointed at es-toolkit's own module for that one function. Under
 * Node 20 nothing changes: its hooks (`module.register`) run on a thread of their own that stays
 * for the whole session, and won back only a third of the time here.
 */
import nodeModule from 'node:module';

interface ResolveContext {
  parentURL?: string;
}
interface Resolved {
  url: string;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Resolved;
interface ResolveHooks {
  resolve(specifier: string, context: ResolveContext, next: NextResolve): Resolved;
}

const BARREL = 'es-toolkit/compat';
/** es-toolkit's public single-function module (its default export is the same function). */
const SINGLE = 'es-toolkit/compat/throttle';

let registered = false;

/**
 * The redirect: only Ink's import of the barrel, and only when es-toolkit has the single-function
 * module; anything else resolves as it always does.
 */
export const inkImportHooks: ResolveHooks = {
  resolve(specifier, context, next) {
    if (specifier !== BARREL || !context.parentURL?.includes('/node_modules/ink/')) return next(specifier, context);
    let single: Resolved;
    try {
      single = next(SINGLE, context);
    } catch {
      return next(specifier, context);
    }
    const source = `export { default as throttle } from ${JSON.stringify(single.url)};`;
    return { url: `data:text/javascript,${encodeURIComponent(source)}`, shortCircuit: true };
  },
};

/** Installs the redirect once, before Ink is first imported; a no-op where Node cannot. */
export function lightenInkImport(): void {
  const registerHooks = (nodeModule as { registerHooks?: (hooks: ResolveHooks) => unknown }).registerHooks;
  if (registered || typeof registerHooks !== 'function') return;
  registered = true;
  registerHooks(inkImportHooks);
}

/** The TUI module, with Ink's import lightened first: what the review and live commands open. */
export function importTui(): Promise<typeof import('./run.js')> {
  lightenInkImport();
  return import('./run.js');
}
