import { WireError } from '../../src/errors.js';

/** The WireError `fn` throws (any other error is rethrown; none fails the test). */
export function thrownWireError(fn: () => unknown): WireError {
  try {
    fn();
  } catch (err) {
    if (err instanceof WireError) return err;
    throw err;
  }
  throw new Error('expected a WireError');
}
