import { DaemonConfigError } from '../../src/lab/daemon-config.js';

/** The dotted field path a DaemonConfigError names, or 'no error' when `fn` accepts its input. */
export const pathOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DaemonConfigError) return err.path.join('.');
    throw err;
  }
  return 'no error';
};
