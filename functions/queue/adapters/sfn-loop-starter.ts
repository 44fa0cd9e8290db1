import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { LoopStarter } from '../ports';

/**
 * Starts the admission state machine for an event. Only one loop runs per room: the store's lease decides who
 * starts one (join/status when it lapsed, or the loop itself handing over), so the name only needs to be unique
 * — the event id and the start time.
 */
export function sfnLoopStarter(sfn: () => Promise<SFNClient>, stateMachineArn: string): LoopStarter {
  return {
    async start(eventId, iteration = 0) {
      await (await sfn()).send(
        new StartExecutionCommand({
          stateMachineArn,
          name: `${eventId}-${Date.now()}`,
          input: JSON.stringify({ eventId, iteration }),
        }),
      );
    },
  };
}
