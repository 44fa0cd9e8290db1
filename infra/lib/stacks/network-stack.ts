import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { prefix, type StageConfig } from '../config';

export interface NetworkStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * VPC shared by every Lambda and data store. Three tiers: public (NAT only), private-with-egress (Lambdas,
 * interface endpoints) and isolated (RDS, ElastiCache). The Lambdas' security groups live here with HTTPS
 * egress only; the data stack owns the data stores' groups and opens each port to exactly the groups that use it.
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  /** Every application Lambda in the VPC. Egress is opened rule by rule (DB proxy, Redis, HTTPS). */
  readonly lambdaSg: ec2.SecurityGroup;
  /** The migration custom resource: the only Lambda allowed to talk to the instance directly. */
  readonly migrationSg: ec2.SecurityGroup;
  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      vpcName: prefix(config),
      ipAddresses: ec2.IpAddresses.cidr(config.network.cidr),
      // Two AZs keep synth account-agnostic (Fn::GetAZs) and are what RDS/ElastiCache Multi-AZ need.
      maxAzs: 2,
      natGateways: config.network.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      restrictDefaultSecurityGroup: true,
    });

    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: config.network.flowLogRetentionDays,
      removalPolicy,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    const sg = (sgId: string, description: string) =>
      new ec2.SecurityGroup(this, sgId, { vpc: this.vpc, description, allowAllOutbound: false });
    this.lambdaSg = sg('LambdaSg', 'TIKETI Lambdas');
    this.migrationSg = sg('MigrationSg', 'TIKETI DB migration custom resource');
    // HTTPS out: VPC endpoints, and through NAT the @connections API, X-Ray and payment providers.
    for (const fnSg of [this.lambdaSg, this.migrationSg]) {
      fnSg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs and VPC endpoints');
    }

    // Interface endpoints keep secret/parameter/state-machine calls inside the VPC. There is deliberately no
    // execute-api endpoint: with private DNS it would capture the public @connections hostname as well.
    const endpointSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const endpointSg = new ec2.SecurityGroup(this, 'EndpointSg', {
      vpc: this.vpc,
      description: 'TIKETI interface endpoints',
      allowAllOutbound: false,
    });
    // The literal CIDR (not the VPC's CidrBlock attribute) lets reviewers and cdk-nag see the rule is VPC-only.
    endpointSg.addIngressRule(
      ec2.Peer.ipv4(config.network.cidr),
      ec2.Port.tcp(443),
      'HTTPS from inside the VPC',
    );
    const interfaces: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Ssm: ec2.InterfaceVpcEndpointAwsService.SSM,
      StepFunctions: ec2.InterfaceVpcEndpointAwsService.STEP_FUNCTIONS,
    };
    for (const [name, service] of Object.entries(interfaces)) {
      this.vpc.addInterfaceEndpoint(`${name}Endpoint`, {
        service,
        subnets: endpointSubnets,
        privateDnsEnabled: true,
        securityGroups: [endpointSg],
        open: false,
      });
    }
    this.vpc.addGatewayEndpoint('DynamoDbEndpoint', {
      service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
      subnets: [endpointSubnets],
    });
  }
}
