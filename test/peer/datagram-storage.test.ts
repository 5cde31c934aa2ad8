import { expect } from 'chai';
import { DatagramStorage } from '../../src/peer/datagram-storage.js';

describe('peer/datagram-storage', () => {
  it('gives one frozen endpoint object per address and port', () => {
    const storage = new DatagramStorage();
    const a = storage.endpoint({ address: '10.0.0.1', port: 500 });
    expect(storage.endpoint({ address: '10.0.0.1', port: 500 })).to.equal(a);
    expect(a).to.deep.equal({ address: '10.0.0.1', port: 500 });
    expect(Object.isFrozen(a)).to.equal(true);
    expect(storage.endpoint({ address: '10.0.0.1', port: 4500 })).to.not.equal(a);
    expect(storage.endpoint({ address: '10.0.0.2', port: 500 })).to.deep.equal({ address: '10.0.0.2', port: 500 });
  });

  it('copies datagrams into shared slabs, each copy its own bytes whatever happens to the original', () => {
    const storage = new DatagramStorage();
    const first = new Uint8Array(92).fill(1);
    const second = new Uint8Array(300).fill(2);
    const a = storage.bytes(first);
    const b = storage.bytes(second);
    first.fill(9);
    expect([...a]).to.deep.equal(new Array(92).fill(1));
    expect([...b]).to.deep.equal(new Array(300).fill(2));
    expect(a.buffer).to.equal(b.buffer);
    expect(b.byteOffset).to.equal(a.byteOffset + 92);
  });

  it('starts a new slab when one is full, and keeps a large datagram in a copy of its own', () => {
    const storage = new DatagramStorage();
    const kept = Array.from({ length: 40 }, (_, i) => storage.bytes(new Uint8Array(4000).fill(i)));
    expect(new Set(kept.map((k) => k.buffer)).size).to.equal(3);
    kept.forEach((k, i) => expect(k.every((x) => x === i)).to.equal(true));
    const large = new Uint8Array(5000).fill(7);
    const copy = storage.bytes(large);
    expect(copy).to.not.equal(large);
    expect(copy.buffer.byteLength).to.equal(5000);
    expect([...copy]).to.deep.equal([...large]);
  });
});
