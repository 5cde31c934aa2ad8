import { expect } from 'chai';
import { profileFromSource } from '../../src/profile/load-profile.js';
import { YamlSource } from '../../src/profile/yaml-source.js';
import { baseProfileText, profileErrorOf } from './profile-text.js';

const withPeer = (section: string): string => `${baseProfileText()}peer:\n  socket_buffers: ${section}\n`;
const load = (text: string) => profileFromSource(YamlSource.parse('p.yaml', text));

describe('profile/peer-settings', () => {
  it('reads socket buffer sizes as bytes or with KiB / MiB', () => {
    expect(load(withPeer('{ receive: 2MiB, send: 1MiB }')).peer).to.deep.equal({ socketBuffers: { receive: 2 * 1024 * 1024, send: 1024 * 1024 } });
    expect(load(withPeer('{ receive: 65536 }')).peer).to.deep.equal({ socketBuffers: { receive: 65536 } });
    expect(load(withPeer('{ send: 512KiB }')).peer).to.deep.equal({ socketBuffers: { send: 512 * 1024 } });
  });

  it('without a peer section asks for nothing', () => {
    expect(load(baseProfileText()).peer).to.deep.equal({});
  });

  it('refuses zero, negative, unknown units, unknown keys and an empty section at their position', () => {
    // Line 15 is `  socket_buffers: ...`; `{ ` puts the first key at col 21, its value at col 30.
    const cases: Array<[string, string]> = [
      ['{ receive: 0 }', 'p.yaml:15:30: peer.socket_buffers.receive: must be at least 1, got 0'],
      ['{ receive: -4096 }', 'p.yaml:15:30: peer.socket_buffers.receive: must be at least 1, got -4096'],
      ['{ receive: 0MiB }', 'p.yaml:15:30: peer.socket_buffers.receive: "0MiB" must be at least 1 byte'],
      ['{ receive: 2GiB }', 'p.yaml:15:30: peer.socket_buffers.receive: "2GiB" has an unknown unit "GiB" (KiB or MiB, or none for bytes)'],
      ['{ receive: 2MB }', 'p.yaml:15:30: peer.socket_buffers.receive: "2MB" has an unknown unit "MB" (KiB or MiB, or none for bytes)'],
      ['{ receive: -2MiB }', 'p.yaml:15:30: peer.socket_buffers.receive: "-2MiB" is not a byte count (an integer, or a number with KiB or MiB, e.g. 2MiB)'],
      ['{ receive: 1.5MiB }', 'p.yaml:15:30: peer.socket_buffers.receive: "1.5MiB" is not a byte count (an integer, or a number with KiB or MiB, e.g. 2MiB)'],
      ['{ receive: 4096MiB }', 'p.yaml:15:30: peer.socket_buffers.receive: "4096MiB" is more than a socket option can hold (2147483647 bytes)'],
      ['{ recieve: 2MiB }', 'p.yaml:15:21: peer.socket_buffers.recieve: unknown field (expected receive, send)'],
      ['{}', 'p.yaml:15:19: peer.socket_buffers: needs one of receive, send'],
    ];
    for (const [section, message] of cases) {
      const err = profileErrorOf(withPeer(section));
      expect(err.code, section).to.equal('ERR_CONFIG_SCHEMA');
      expect(err.message.split('\n')[0], section).to.equal(message);
    }
  });

  it('reads the socket I/O backend, alone or beside the buffers', () => {
    expect(load(`${baseProfileText()}peer:\n  io: batched\n`).peer).to.deep.equal({ io: 'batched' });
    expect(load(`${baseProfileText()}peer:\n  io: node\n  socket_buffers: { receive: 1MiB }\n`).peer).to.deep.equal({ io: 'node', socketBuffers: { receive: 1024 * 1024 } });
  });

  it('refuses an unknown I/O backend at its value', () => {
    const err = profileErrorOf(`${baseProfileText()}peer:\n  io: mmsg\n`);
    expect(err.code).to.equal('ERR_CONFIG_SCHEMA');
    expect(err.message.split('\n')[0]).to.match(/^p\.yaml:15:7: peer\.io: .*node.*batched/);
  });

  it('refuses an unknown key in the peer section at the key', () => {
    const err = profileErrorOf(`${baseProfileText()}peer:\n  socket_buffer: { receive: 2MiB }\n`);
    expect(err.code).to.equal('ERR_CONFIG_SCHEMA');
    expect(err.message.split('\n')[0]).to.equal('p.yaml:15:3: peer.socket_buffer: unknown field (expected io, socket_buffers)');
  });
});
