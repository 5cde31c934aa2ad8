/**
 * The last N message IDs of one kind an SA saw or used, oldest dropped first, in a
 * fixed ring of 32-bit slots: an SA probed every second for hours must not grow a
 * set per message (10,000 SAs × 3,600 probes an hour), and a linear scan of a few
 * dozen integers costs less than a Set's hashing.
 */
export class MessageIdWindow {
  private readonly ids: Uint32Array;
  private count = 0;
  private next = 0;

  /** `ids`: the ring's slots, zeroed (a view: an SA keeps both its windows in one allocation). */
  constructor(ids: Uint32Array) {
    this.ids = ids;
  }

  has(id: number): boolean {
    for (let i = 0; i < this.count; i++) if (this.ids[i] === id) return true;
    return false;
  }

  add(id: number): void {
    this.ids[this.next] = id;
    this.next = (this.next + 1) % this.ids.length;
    if (this.count < this.ids.length) this.count++;
  }
}
