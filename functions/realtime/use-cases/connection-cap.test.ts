import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../shared/ws';
import type { UserConnections } from '../ports';
import { enforceConnectionCap } from './connection-cap';

function fakeConnections(ids: string[]) {
  const closed: string[] = [];
  const told: { id: string; message: ServerMessage }[] = [];
  const deps: UserConnections = {
    ofUser: async () => ids.map((connectionId, i) => ({ connectionId, connectedAt: i })),
    close: async (id) => void closed.push(id),
    notify: async (id, message) => void told.push({ id, message }),
  };
  return { deps, closed, told };
}

describe('enforceConnectionCap', () => {
  it('closes the oldest connections beyond 5, telling them why, and keeps the new one', async () => {
    // Prepare: c6 is the connection being opened, c7 a concurrent newer one
    const f = fakeConnections(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    // Act
    const evicted = await enforceConnectionCap(f.deps, { userId: 'u', connectionId: 'c6' });
    // Assess
    expect(evicted).toEqual(['c1', 'c2']);
    expect(f.closed).toEqual(['c1', 'c2']);
    expect(f.told.map((t) => t.message.type)).toEqual(['error', 'error']);
  });

  it('closes nothing at or under the cap', async () => {
    // Prepare
    const f = fakeConnections(['c1', 'c2', 'c3', 'c4', 'c5']);
    // Act
    const evicted = await enforceConnectionCap(f.deps, { userId: 'u', connectionId: 'c5' });
    // Assess
    expect(evicted).toEqual([]);
    expect(f.closed).toEqual([]);
  });

  it('never closes the connection being opened, even when it is the oldest row', async () => {
    // Prepare
    const f = fakeConnections(['c0', 'c1', 'c2', 'c3', 'c4', 'c5']);
    // Act
    await enforceConnectionCap(f.deps, { userId: 'u', connectionId: 'c0' });
    // Assess
    expect(f.closed).toEqual(['c1']);
  });
});
