import { join, relative } from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { isStackError } from './errors';
import { REPO_ROOT } from './lambda';
import { type LocalStack, startLocalStack } from './stack';

/**
 * `npm start`: the whole platform on this machine — PostgreSQL, Redis, DynamoDB (dynalite), the Step Functions
 * executor, the API Gateway emulator and the web app — with demo data, at one URL.
 * Ctrl-C (or SIGTERM) stops everything in order; a second Ctrl-C forces the exit (children are still signalled).
 */

const HELP = `Usage: npm start [-- options]

  --port <n>   gateway port (default 3000)
  --static     serve the built web app from web/dist instead of Vite's dev server
  --reset      wipe the stack's data in .local/ first (database, Redis, DynamoDB, executions,
               signing key, admin password)
  -h, --help   this help`;

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = paint('1');
const dim = paint('2');
const green = paint('32');
const yellow = paint('33');
const red = paint('31');

function parse() {
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string' },
        static: { type: 'boolean', default: false },
        reset: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
    const port = values.port === undefined ? 3000 : Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new Error(`--port must be 1-65535, got ${values.port}`);
    return { port, static: values.static ?? false, reset: values.reset ?? false, help: values.help ?? false };
  } catch (error) {
    console.error(red((error as Error).message));
    console.error(HELP);
    process.exit(2);
  }
}

const visibleLength = (s: string) => stripVTControlCharacters(s).length;

function box(lines: string[]): string {
  const width = Math.max(...lines.map(visibleLength)) + 4;
  const pad = (s: string) => `│  ${s}${' '.repeat(width - 4 - visibleLength(s))}  │`;
  return [`╭${'─'.repeat(width)}╮`, ...lines.map(pad), `╰${'─'.repeat(width)}╯`].join('\n');
}

function summary(stack: LocalStack, port: number): string {
  const host = `localhost:${port}`;
  const url = `http://${host}`;
  const row = (label: string, value: string) => `${dim(label.padEnd(16))}${value}`;
  const admin = stack.admin
    ? `${stack.admin.email} / ${stack.admin.password}`
    : yellow('(no seed: no admin)');
  const web =
    stack.webMode === 'dev'
      ? 'Vite dev server (HMR)'
      : stack.webMode === 'static'
        ? 'web/dist'
        : 'not served';
  return box([
    bold(green(`TIKETI is running → ${url}`)),
    '',
    row('Admin login', admin),
    row('Web app', web),
    row('OpenAPI', `${url}/api/v1/openapi.json`),
    row('Deep /health', `curl -H 'x-tiketi-health-key: ${stack.env.HEALTH_CHECK_KEY}' ${url}/health`),
    row('WebSocket', `ws://${host}/ws`),
    row('@connections', stack.managementEndpoint),
    row('PostgreSQL', `127.0.0.1:${stack.ports.postgres}  ${dim(stack.databaseUrl)}`),
    row('Redis', `127.0.0.1:${stack.ports.redis}  ${dim(stack.redisUrl)}`),
    row('DynamoDB', stack.dynamoEndpoint),
    row('Step Functions', stack.sfnEndpoint),
    row('Lambda API', stack.lambdaEndpoint),
    row(
      'Data',
      `${relative(process.cwd(), stack.dataDir) || '.'}/  ${dim('(npm start -- --reset wipes it)')}`,
    ),
    '',
    dim('Ctrl-C stops everything.'),
  ]);
}

async function main(): Promise<void> {
  const args = parse();
  if (args.help) {
    console.log(HELP);
    return;
  }
  console.log(bold('TIKETI local stack'));
  const started = performance.now();

  const startup = new AbortController();
  let stack: LocalStack | undefined;
  let stopping = false;
  let firstSignalAt = 0;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // npm and tsx relay the terminal's Ctrl-C to us as well: repeats within a second are that echo,
      // not a person pressing Ctrl-C again.
      if (Date.now() - firstSignalAt < 1000) return;
      console.log(red('\nForced exit.'));
      process.exit(130);
    }
    stopping = true;
    firstSignalAt = Date.now();
    if (!stack) {
      console.log(yellow(`\n${signal}: stopping what has started (Ctrl-C again to force)…`));
      startup.abort();
      return;
    }
    console.log(yellow(`\n${signal}: stopping…`));
    const t = performance.now();
    await stack.stop();
    console.log(`Stopped in ${Math.round(performance.now() - t)} ms.`);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));

  stack = await startLocalStack({
    signal: startup.signal,
    dataDir: join(REPO_ROOT, '.local'),
    port: args.port,
    webMode: args.static ? 'static' : 'dev',
    reset: args.reset,
    onStep: (step, ms, detail) =>
      console.log(
        `  ${green('✓')} ${step.padEnd(26)} ${dim(`${String(ms).padStart(5)} ms`)}  ${detail ?? ''}`,
      ),
    onNote: (note) => console.log(`  ${yellow('!')} ${note}`),
  });
  if (stopping) {
    // Interrupted during the last step, which cannot be aborted half-way.
    await stack.stop();
    process.exit(0);
  }
  console.log(`\n${summary(stack, stack.ports.gateway)}`);
  console.log(dim(`Started in ${Math.round(performance.now() - started)} ms. Requests:`));
}

main().catch((error: unknown) => {
  if (isStackError(error) && error.message === 'Startup interrupted.') {
    console.log('Stopped.');
    process.exit(130);
  }
  if (isStackError(error)) {
    console.error(`\n${red('✗')} ${error.message}`);
    if (error.hint) console.error(`  ${error.hint}`);
  } else {
    console.error(`\n${red('✗ The local stack failed to start:')}`, error);
  }
  process.exit(1);
});
