import { expect } from 'chai';
import { runControlCommand } from '../../../src/target/control/run-command.js';
import { systemClock } from '../../../src/peer/system-clock.js';
import { rejectionOf } from '../../support/rejection-of.js';

const ENV = { peerAddress: '198.51.100.10', peerIndex: 1, dutAddress: '198.51.100.1' };

describe('target/control: running the user\'s commands', () => {
  it('runs through sh -c with the peer, its index and the DUT in the environment', async () => {
    const r = await runControlCommand('status', 'echo "$DPD_PEER_ADDRESS $DPD_PEER_INDEX $DPD_DUT_ADDRESS" | tr " " ,', 5, ENV, systemClock);
    expect(r.stdout).to.equal('198.51.100.10,1,198.51.100.1\n');
  });

  it('a non-zero exit is ERR_CONTROL_COMMAND with the code and the tail of stderr', async () => {
    const err = (await rejectionOf(runControlCommand('status', 'echo "ssh: connect to host rtr port 22: No route to host" >&2; exit 255', 5, ENV, systemClock))) as Error & { code: string };
    expect(err.code).to.equal('ERR_CONTROL_COMMAND');
    expect(err.message).to.contain('target.control.status: exited 255').and.contain('No route to host');
  });

  it('a command past its timeout is killed with its children and reported as timed out', async () => {
    const start = performance.now();
    const err = (await rejectionOf(runControlCommand('initiate', 'sleep 30 & sleep 30; wait', 0.3, ENV, systemClock))) as Error & { code: string };
    expect(err.code).to.equal('ERR_CONTROL_COMMAND');
    expect(err.message).to.contain('timed out after 0.3 s');
    expect(performance.now() - start).to.be.below(5000);
  });

  it('stdin is closed: a command that reads it does not hang', async () => {
    const r = await runControlCommand('status', 'cat; echo done', 5, ENV, systemClock);
    expect(r.stdout).to.equal('done\n');
  });
});
