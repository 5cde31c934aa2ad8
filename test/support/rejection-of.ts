import { expect } from 'chai';

/** What `promise` rejects with; the test fails if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  return expect.fail('expected a rejection');
}
