import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Tags } from 'aws-cdk-lib';
import { prefix, type StageConfig } from './config';
import { repoPath } from './paths';
import { ApiStack } from './stacks/api-stack';
import { DataStack } from './stacks/data-stack';
import { NetworkStack } from './stacks/network-stack';
import { WebStack } from './stacks/web-stack';
import { WorkflowsStack } from './stacks/workflows-stack';

export interface TiketiOptions {
  /**
   * Built SPA directory. Default: `web/dist` when it holds an index.html, else a placeholder page.
   * Pass `null` to force the placeholder (tests, so snapshots do not depend on a local web build).
   */
  readonly webDistDir?: string | null;
}

export interface TiketiStacks {
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly workflows: WorkflowsStack;
  readonly api: ApiStack;
  readonly web: WebStack;
}

function serviceVersion(): string {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

function defaultWebDist(): string | undefined {
  const dir = repoPath('web/dist');
  return existsSync(join(dir, 'index.html')) ? dir : undefined;
}

/** Builds every TIKETI stack for one stage; shared by bin/app.ts and the infra tests. */
export function buildTiketi(app: App, config: StageConfig, options: TiketiOptions = {}): TiketiStacks {
  const name = prefix(config);
  const tags = { project: 'tiketi', stage: config.stage };
  const common = {
    env: { account: config.account, region: config.region },
    // Stack-level tags (the explicitStackTags flag ignores Tags.of for stacks); CloudFormation propagates them.
    tags,
  };
  const network = new NetworkStack(app, `${name}-network`, {
    ...common,
    description: `${name}: VPC, subnets, security groups, VPC endpoints`,
    config,
  });
  const data = new DataStack(app, `${name}-data`, {
    ...common,
    description: `${name}: PostgreSQL + RDS Proxy, Redis, DynamoDB connections, JWT keys, migrations`,
    config,
    network,
    serviceVersion: serviceVersion(),
  });
  const api = new ApiStack(app, `${name}-api`, {
    ...common,
    description: `${name}: REST API (from the route table), WebSocket API, Lambdas, WAF`,
    config,
    network,
    data,
  });
  const workflows = new WorkflowsStack(app, `${name}-workflows`, {
    ...common,
    description: `${name}: Step Functions workflows (hold expiry, payment saga) and their tasks`,
    config,
    network,
    api,
  });
  const web = new WebStack(app, `${name}-web`, {
    ...common,
    description: `${name}: CloudFront + S3 web app`,
    config,
    api,
    webDistDir: options.webDistDir === null ? undefined : (options.webDistDir ?? defaultWebDist()),
  });

  // Resource-level tags, visible in the templates.
  for (const [key, value] of Object.entries(tags)) Tags.of(app).add(key, value);

  return { network, data, workflows, api, web };
}
