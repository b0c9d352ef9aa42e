/**
 * React picks its build from NODE_ENV when it is first loaded, and its development build renders
 * the screen about twice as slowly, which a live view shows as delay. Imported by run.tsx ahead
 * of Ink and React; an explicit NODE_ENV (tests, debugging) is left as it is.
 */
process.env.NODE_ENV ??= 'production';
