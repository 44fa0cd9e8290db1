import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { CustomResource, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { DB_ROLE_GRANTS, DB_ROLES, type DbRole, dbRoleName } from '../../../functions/db/roles';
import { prefix, type StageConfig } from '../config';
import { CONNECTIONS_TABLE_SCHEMA } from '../connections-table';
import { codeOf, FUNCTION_PARTS, timeoutOf } from '../functions';
import { AppFunction } from '../lambda';
import { acknowledge, acknowledgeWildcardResource, MANAGED_POLICY, REASONS } from '../nag';
import { repoPath } from '../paths';
import { type DatabaseLogin, type RuntimeResources, wireRuntime } from '../runtime-env';
import type { NetworkStack } from './network-stack';

export interface DataStackProps extends StackProps {
  readonly config: StageConfig;
  readonly network: NetworkStack;
  readonly serviceVersion: string;
}

export const DB_NAME = 'tiketi';
export const DB_ADMIN_USER = 'tiketi_admin';
/** RDS Proxy always listens on the engine's default port, whatever the instance uses. */
export const DB_PROXY_PORT = 5432;
export const MIGRATIONS_DIR = 'functions/db/migrations';

/** Hash of the migration files (names + contents): the migration custom resource re-runs when it changes. */
export function migrationsHash(dir = repoPath(MIGRATIONS_DIR)): string {
  const hash = createHash('sha256');
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.sql'))
      .sort()) {
      hash
        .update(name)
        .update('\0')
        .update(readFileSync(`${dir}/${name}`))
        .update('\0');
    }
  }
  return hash.digest('hex');
}

/** Hash of the role grant table (functions/db/roles.ts): a changed grant re-runs the migration resource too. */
export function dbRolesHash(grants: unknown = DB_ROLE_GRANTS): string {
  return createHash('sha256').update(JSON.stringify(grants)).digest('hex');
}

/**
 * Stateful resources: PostgreSQL (truth for seats and money) behind RDS Proxy, Redis (contention filter),
 * the DynamoDB connections table, the JWT signing key, and the migration run that keeps the schema current.
 */
export class DataStack extends Stack {
  readonly db: rds.DatabaseInstance;
  readonly dbSecret: secretsmanager.ISecret;
  /** One generated login per function context (functions/db/roles.ts); the proxy serves these only. */
  readonly dbRoles: Readonly<Record<DbRole, DatabaseLogin>>;
  readonly proxy: rds.DatabaseProxy;
  readonly redis: elasticache.CfnReplicationGroup;
  readonly redisAuthSecret: secretsmanager.Secret;
  readonly connectionsTable: dynamodb.Table;
  readonly jwtSigningKey: secretsmanager.Secret;
  /** The waiting room's admission-token HMAC secret, JSON { secret }. */
  readonly admissionSecret: secretsmanager.Secret;
  readonly tossSecret?: secretsmanager.Secret;
  readonly jwksParameter: ssm.StringParameter;
  /** Everything application Lambdas may be wired to (see runtime-env.ts). */
  readonly runtime: RuntimeResources;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config, network } = props;
    const { vpc } = network;
    const name = prefix(config);
    const retain = config.retainData;
    const isolated = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

    // Data-store security groups live here (not in the network stack) because RDS wires the proxy -> instance
    // rule with the instance's port attribute, which would otherwise point back from network to data.
    const sg = (sgId: string, description: string) =>
      new ec2.SecurityGroup(this, sgId, { vpc, description, allowAllOutbound: false });
    const dbSg = sg('DbSg', `${name} PostgreSQL`);
    const proxySg = sg('DbProxySg', `${name} RDS Proxy`);
    const redisSg = sg('RedisSg', `${name} ElastiCache Redis`);

    // --- PostgreSQL ---------------------------------------------------------------------------------------
    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_18 });
    const instanceIdentifier = `${name}-postgres`;
    // Own the RDS log groups so their retention is set without the LogRetention custom resource.
    const dbLogGroups = ['postgresql', 'upgrade'].map(
      (type) =>
        new logs.LogGroup(this, `DbLogs-${type}`, {
          logGroupName: `/aws/rds/instance/${instanceIdentifier}/${type}`,
          retention: config.lambda.logRetentionDays,
          removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        }),
    );
    this.db = new rds.DatabaseInstance(this, 'Postgres', {
      instanceIdentifier,
      engine,
      instanceType: new ec2.InstanceType(config.database.instanceType),
      vpc,
      vpcSubnets: isolated,
      securityGroups: [dbSg],
      port: config.database.port,
      databaseName: DB_NAME,
      credentials: rds.Credentials.fromGeneratedSecret(DB_ADMIN_USER),
      parameterGroup: new rds.ParameterGroup(this, 'DbParams', {
        engine,
        description: 'TIKETI PostgreSQL 18',
        parameters: { 'rds.force_ssl': '1', log_min_duration_statement: '500' },
      }),
      storageEncrypted: true,
      storageType: rds.StorageType.GP3,
      allocatedStorage: config.database.allocatedStorageGiB,
      maxAllocatedStorage: config.database.maxAllocatedStorageGiB,
      multiAz: config.database.multiAz,
      backupRetention: Duration.days(config.database.backupRetentionDays),
      deleteAutomatedBackups: !retain,
      deletionProtection: config.database.deletionProtection,
      iamAuthentication: config.database.iamAuth,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
      autoMinorVersionUpgrade: true,
      publiclyAccessible: false,
      removalPolicy: retain ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
    });
    for (const logGroup of dbLogGroups) this.db.node.addDependency(logGroup);
    this.dbSecret = this.db.secret!;

    // Least privilege: each function context logs in as its own role with its own generated secret; the
    // migration function creates the roles and sets these passwords. The master user is not behind the proxy:
    // only migrations use it, straight to the instance.
    const dbRoles = {} as Record<DbRole, DatabaseLogin>;
    for (const role of DB_ROLES) {
      const username = dbRoleName(role);
      const secret = new rds.DatabaseSecret(this, `DbRole-${role}`, { username });
      acknowledge(
        secret,
        'AwsSolutions-SMG4',
        'Not rotated yet: handlers cache DB credentials per cold start, so rotation needs reconnect-on-auth-failure (or IAM auth at the proxy) first.',
      );
      dbRoles[role] = { secret, username };
    }
    this.dbRoles = dbRoles;

    // The app stacks imported the master secret before they had roles; CloudFormation refuses to drop an export
    // still in use, so it stays until they have deployed once without it (then delete this line).
    this.exportValue(this.dbSecret.secretArn);

    this.proxy = this.db.addProxy('Proxy', {
      dbProxyName: `${name}-postgres-proxy`,
      vpc,
      vpcSubnets: isolated,
      securityGroups: [proxySg],
      secrets: DB_ROLES.map((role) => this.dbRoles[role].secret),
      requireTLS: true,
      iamAuth: config.database.iamAuth,
      // Lambdas keep pools per execution environment; let idle ones go before RDS Proxy's 24h default.
      idleClientTimeout: Duration.minutes(30),
    });

    // Each store accepts exactly the groups that use it (the proxy -> instance rule is added by addProxy).
    this.proxy.connections.allowFrom(network.lambdaSg, ec2.Port.tcp(DB_PROXY_PORT), 'Lambdas to RDS Proxy');
    this.db.connections.allowDefaultPortFrom(network.migrationSg, 'Migrations to PostgreSQL');
    proxySg.addEgressRule(
      ec2.Peer.ipv4(config.network.cidr),
      ec2.Port.tcp(443),
      'RDS Proxy to Secrets Manager endpoint',
    );

    // --- Redis ---------------------------------------------------------------------------------------------
    this.redisAuthSecret = new secretsmanager.Secret(this, 'RedisAuthToken', {
      description: `${name} ElastiCache AUTH token, JSON { authToken }`,
      // AUTH tokens allow printable ASCII except a few symbols; alphanumerics avoid the whole question.
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'authToken',
        excludePunctuation: true,
        includeSpace: false,
        passwordLength: 64,
      },
    });
    const redisSubnets = new elasticache.CfnSubnetGroup(this, 'RedisSubnets', {
      description: `${name} Redis (isolated subnets)`,
      subnetIds: vpc.selectSubnets(isolated).subnetIds,
    });
    const redisSlowLog = new logs.LogGroup(this, 'RedisSlowLog', {
      retention: config.lambda.logRetentionDays,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    redisSg.connections.allowFrom(
      network.lambdaSg,
      ec2.Port.tcp(config.redis.port),
      'Lambdas to Redis (TLS)',
    );
    const multiNode = config.redis.nodes > 1;
    this.redis = new elasticache.CfnReplicationGroup(this, 'Redis', {
      replicationGroupDescription: `${name} holds filter, waiting room, sessions, caches, rate limits`,
      engine: 'redis',
      engineVersion: config.redis.engineVersion,
      cacheNodeType: config.redis.nodeType,
      numCacheClusters: config.redis.nodes,
      automaticFailoverEnabled: multiNode,
      multiAzEnabled: multiNode,
      port: config.redis.port,
      cacheSubnetGroupName: redisSubnets.ref,
      securityGroupIds: [redisSg.securityGroupId],
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      authToken: this.redisAuthSecret.secretValueFromJson('authToken').unsafeUnwrap(),
      snapshotRetentionLimit: config.redis.snapshotRetentionDays,
      autoMinorVersionUpgrade: true,
      logDeliveryConfigurations: [
        {
          destinationType: 'cloudwatch-logs',
          logFormat: 'json',
          logType: 'slow-log',
          destinationDetails: { cloudWatchLogsDetails: { logGroup: redisSlowLog.logGroupName } },
        },
      ],
    });
    this.redis.applyRemovalPolicy(retain ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY);

    // --- DynamoDB: WebSocket connections and topic subscriptions (schema in connections-table.ts) -----------
    const schema = CONNECTIONS_TABLE_SCHEMA;
    const str = (attr: string) => ({ name: attr, type: dynamodb.AttributeType.STRING });
    this.connectionsTable = new dynamodb.Table(this, 'Connections', {
      partitionKey: str(schema.partitionKey),
      sortKey: str(schema.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: schema.ttlAttribute,
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const index of schema.indexes) {
      this.connectionsTable.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: str(index.partitionKey),
        sortKey: str(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    // --- Payment provider secret (Toss stages): created empty-ish, the operator puts the real key in ---------
    if (config.payments.provider === 'toss') {
      this.tossSecret = new secretsmanager.Secret(this, 'TossSecret', {
        description: `${name} Toss Payments secret key, JSON { "secretKey": "…" }; set it after the first deploy`,
        generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'placeholder' },
      });
      acknowledge(
        this.tossSecret,
        'AwsSolutions-SMG4',
        'The Toss secret key is issued and rotated in the Toss merchant console; Secrets Manager cannot rotate it.',
      );
    }

    // --- Waiting-room admission tokens -----------------------------------------------------------------------
    this.admissionSecret = new secretsmanager.Secret(this, 'AdmissionTokenSecret', {
      description: `${name} waiting-room admission-token HMAC secret, JSON { secret }`,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'secret',
        excludePunctuation: true,
        includeSpace: false,
        passwordLength: 64,
      },
    });
    acknowledge(
      this.admissionSecret,
      'AwsSolutions-SMG4',
      'Admission tokens live minutes; rotating the secret would void every admitted shopper mid-purchase. Rotation needs verification against the previous secret too; planned, not yet built.',
    );

    // --- JWT signing key ------------------------------------------------------------------------------------
    this.jwtSigningKey = new secretsmanager.Secret(this, 'JwtSigningKey', {
      description: `${name} RS256 access-token signing key, JSON { privateKeyPem, kid }; written by Custom::TiketiJwtKeys`,
    });
    this.jwksParameter = new ssm.StringParameter(this, 'Jwks', {
      parameterName: `/${name}/auth/jwks`,
      description: `${name} public JWKS for access tokens; written by Custom::TiketiJwtKeys`,
      // Placeholder until the custom resource writes the real document on first deploy.
      stringValue: '{"keys":[]}',
    });
    const jwtKeysFn = new AppFunction(this, 'JwtKeysFn', {
      config,
      entry: 'infra/custom-resources/jwt-keys.ts',
      description: 'Custom resource: generate the JWT signing key and publish its JWKS',
      timeout: Duration.minutes(1),
      memorySize: 256,
    });
    this.jwtSigningKey.grantRead(jwtKeysFn);
    this.jwtSigningKey.grantWrite(jwtKeysFn);
    this.jwksParameter.grantWrite(jwtKeysFn);
    const jwtKeysProvider = new cr.Provider(this, 'JwtKeysProvider', {
      onEventHandler: jwtKeysFn,
      logGroup: new logs.LogGroup(this, 'JwtKeysProviderLogs', {
        retention: config.lambda.logRetentionDays,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    new CustomResource(this, 'JwtKeys', {
      serviceToken: jwtKeysProvider.serviceToken,
      resourceType: 'Custom::TiketiJwtKeys',
      properties: {
        SecretArn: this.jwtSigningKey.secretArn,
        ParameterName: this.jwksParameter.parameterName,
      },
    });

    // --- Schema migrations: run on deploy whenever the migration files change -------------------------------
    const migrateFn = new AppFunction(this, 'MigrateFn', {
      config,
      ...codeOf('migrate'),
      description: 'Custom resource: apply SQL migrations to PostgreSQL',
      vpc,
      securityGroups: [network.migrationSg],
      timeout: timeoutOf('migrate'),
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        // The handler reads `migrations/` next to its bundle.
        afterBundling: (inputDir: string, outputDir: string) => [
          `mkdir -p "${outputDir}/migrations"`,
          `cp "${inputDir}/${MIGRATIONS_DIR}/"*.sql "${outputDir}/migrations/"`,
        ],
      },
    });
    // Migrations talk to the instance directly: it is usable as soon as CloudFormation reports it created (proxy
    // targets take a while longer), and long DDL and advisory locks are better off without the proxy. The
    // instance certificate is signed by the RDS CA, which Node 20+ runtimes only trust via NODE_EXTRA_CA_CERTS.
    migrateFn.addEnvironment('NODE_EXTRA_CA_CERTS', '/var/runtime/ca-cert.pem');
    // `databaseRoles`: the role secrets, whose passwords the migration sets (functions/db/roles.ts).
    wireRuntime(migrateFn, FUNCTION_PARTS.migrate, {
      config,
      serviceVersion: props.serviceVersion,
      database: {
        proxy: this.proxy,
        host: this.db.dbInstanceEndpointAddress,
        port: config.database.port,
        name: DB_NAME,
        master: { secret: this.dbSecret, username: DB_ADMIN_USER },
        roles: this.dbRoles,
        iamAuth: false,
      },
    });
    const migrateProvider = new cr.Provider(this, 'MigrateProvider', {
      onEventHandler: migrateFn,
      logGroup: new logs.LogGroup(this, 'MigrateProviderLogs', {
        retention: config.lambda.logRetentionDays,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    const migrations = new CustomResource(this, 'Migrations', {
      serviceToken: migrateProvider.serviceToken,
      resourceType: 'Custom::TiketiDbMigrations',
      // A new role or a changed grant must be applied even when no migration changed.
      properties: { MigrationsHash: migrationsHash(), DbRolesHash: dbRolesHash() },
    });
    migrations.node.addDependency(this.db);

    this.runtime = {
      config,
      serviceVersion: props.serviceVersion,
      database: {
        proxy: this.proxy,
        host: this.proxy.endpoint,
        port: DB_PROXY_PORT,
        name: DB_NAME,
        master: { secret: this.dbSecret, username: DB_ADMIN_USER },
        roles: this.dbRoles,
        iamAuth: config.database.iamAuth,
      },
      redis: {
        host: this.redis.attrPrimaryEndPointAddress,
        port: this.redis.attrPrimaryEndPointPort,
        authSecret: this.redisAuthSecret,
      },
      jwtSigningKey: this.jwtSigningKey,
      admissionSecret: this.admissionSecret,
      jwksParameter: this.jwksParameter,
      connectionsTable: this.connectionsTable,
      tossSecret: this.tossSecret,
    };

    // --- cdk-nag acknowledgements ------------------------------------------------------------------------------
    if (!config.database.multiAz) {
      acknowledge(
        this.db,
        'AwsSolutions-RDS3',
        `${config.stage} runs a single-AZ instance to save cost; prod is Multi-AZ.`,
      );
    }
    if (!config.database.deletionProtection) {
      acknowledge(
        this.db,
        'AwsSolutions-RDS10',
        `${config.stage} is disposable; prod enables deletion protection.`,
      );
    }
    if (!multiNode) {
      acknowledge(
        this.redis,
        'AwsSolutions-AEC4',
        `${config.stage} runs one cache node to save cost; prod is Multi-AZ.`,
      );
    }
    acknowledge(
      // The generated DatabaseSecret itself; `db.secret` is its target attachment.
      this.db.node.findChild('Secret'),
      'AwsSolutions-SMG4',
      'Not rotated yet: handlers cache DB credentials per cold start, so rotation needs reconnect-on-auth-failure (or IAM auth at the proxy) first.',
    );
    acknowledge(
      this.redisAuthSecret,
      'AwsSolutions-SMG4',
      'ElastiCache AUTH rotation needs a custom rotation Lambda (ModifyReplicationGroup ROTATE then SET); planned, not yet built.',
    );
    acknowledge(
      this.jwtSigningKey,
      'AwsSolutions-SMG4',
      'Signing-key rotation must publish the new key in the JWKS before signing with it; done by a dedicated rotation job, not Secrets Manager rotation.',
    );
    for (const [provider, handler] of [
      [jwtKeysProvider, jwtKeysFn],
      [migrateProvider, migrateFn],
    ] as const) {
      acknowledge(provider, MANAGED_POLICY.lambdaBasic, REASONS.lambdaBasic);
      acknowledgeWildcardResource(
        provider,
        `${handler.functionArn}:*`,
        'The custom-resource Provider framework invokes its own onEvent handler, any version (CDK-generated grant).',
      );
    }
  }
}
