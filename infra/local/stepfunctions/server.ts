import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listen } from '../http-server';
import { LOOPBACK } from '../ports';
import { type ExecutionRecord, SfnError, type StepFunctionsEmulator } from './emulator';

/**
 * The Step Functions API over HTTP, AWS JSON 1.0 protocol (`POST /`, `X-Amz-Target: AWSStepFunctions.<Op>`),
 * so the unmodified SFNClient works with `endpoint` pointed here (handlers get it via AWS_ENDPOINT_URL_SFN).
 */

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const MAX_BODY = 1024 * 1024;

/** JSON 1.0 timestamps are epoch seconds. */
const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

/** The fields ListExecutions returns per execution; DescribeExecution adds input, output and error. */
function summaryShape(e: ExecutionRecord) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    stopDate: seconds(e.stopDate),
  };
}

function describeShape(e: ExecutionRecord) {
  return {
    ...summaryShape(e),
    input: e.input,
    inputDetails: { included: true },
    output: e.output,
    outputDetails: e.output === undefined ? undefined : { included: true },
    error: e.error,
    cause: e.cause,
  };
}

type Operation = (emulator: StepFunctionsEmulator, body: Record<string, unknown>) => unknown;

export const OPERATIONS: Record<string, Operation> = {
  StartExecution(emulator, body) {
    const e = emulator.start(body);
    return { executionArn: e.executionArn, startDate: seconds(e.startDate) };
  },
  StopExecution(emulator, body) {
    const e = emulator.stop(body);
    return { stopDate: seconds(e.stopDate ?? Date.now()) };
  },
  DescribeExecution(emulator, body) {
    return describeShape(emulator.describe(body));
  },
  ListExecutions(emulator, body) {
    const { executions, nextToken } = emulator.list(body);
    return {
      executions: executions.map(summaryShape),
      nextToken,
    };
  },
  ListStateMachines(emulator) {
    return {
      stateMachines: emulator.stateMachines().map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: 'STANDARD',
        creationDate: 0,
      })),
    };
  },
  DescribeStateMachine(emulator, body) {
    const machine = emulator.stateMachines().find((m) => m.arn === body.stateMachineArn);
    if (!machine) {
      throw new SfnError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`,
      );
    }
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: JSON.stringify(machine.definition),
      roleArn: `arn:aws:iam::000000000000:role/${machine.name}`,
      type: 'STANDARD',
      creationDate: 0,
    };
  },
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, error: SfnError): void {
  // The SDK reads the error code from `__type` (namespace prefix optional) and the message from `message`.
  send(res, error.status, {
    __type: `com.amazonaws.swf.service.v2.model#${error.type}`,
    message: error.message,
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new SfnError('ValidationException', 'Request body too large', 413);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function handleSfnRequest(emulator: StepFunctionsEmulator) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      if (req.method !== 'POST')
        throw new SfnError('UnknownOperationException', 'Only POST is supported', 404);
      const target = String(req.headers['x-amz-target'] ?? '');
      const [service, op = ''] = target.split('.');
      const operation = service === 'AWSStepFunctions' ? OPERATIONS[op] : undefined;
      if (!operation) throw new SfnError('UnknownOperationException', `Unknown operation ${target}`);
      const raw = await readBody(req);
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : {};
      } catch {
        throw new SfnError('SerializationException', 'Malformed JSON request body');
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new SfnError('SerializationException', 'Request body must be a JSON object');
      }
      send(res, 200, operation(emulator, body as Record<string, unknown>));
    } catch (error) {
      if (error instanceof SfnError) sendError(res, error);
      else {
        console.error('[stepfunctions] internal error', error);
        sendError(res, new SfnError('InternalFailure', 'Internal failure', 500));
      }
    }
  };
}

export interface RunningSfnServer {
  endpoint: string;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

export async function startSfnServer(
  emulator: StepFunctionsEmulator,
  port: number,
): Promise<RunningSfnServer> {
  const handler = handleSfnRequest(emulator);
  const server = createServer((req, res) => void handler(req, res));
  const bound = await listen(server, port, 'stepfunctions');
  return {
    endpoint: `http://${LOOPBACK}:${bound}`,
    port: bound,
    server,
    async stop() {
      await closeServer(server);
      await emulator.close();
    },
  };
}
