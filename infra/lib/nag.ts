import { Stack, Validations } from 'aws-cdk-lib';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag v3 runs as a CDK policy-validation plugin; suppressions are CDK "acknowledgements" recorded on a
 * construct and inherited by its children. Every acknowledgement in the app goes through here, so each carries
 * a reason and the set stays greppable (`grep -rn acknowledge infra/lib`).
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * v3 acknowledges IAM5 findings one resource at a time, named as cdk-nag prints them (`<Logical.Arn>:*`).
 * Resolving the same expression the grant used keeps the id exact; only same-stack references resolve here.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
  acknowledge(scope, `AwsSolutions-IAM5[Resource::${flat}]`, reason);
}

/** IAM4 findings name the managed policy; v3 needs each finding acknowledged individually. */
export const MANAGED_POLICY = {
  lambdaBasic:
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  lambdaVpc:
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
  apiGatewayLogs:
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
} as const;

export const REASONS = {
  lambdaBasic:
    'AWSLambdaBasicExecutionRole only allows writing the function’s own CloudWatch Logs; it is the AWS-maintained minimum.',
  lambdaVpc:
    'AWSLambdaVPCAccessExecutionRole grants the ENI permissions a VPC Lambda needs; EC2 does not support resource-level scoping for them.',
  runtime:
    'Node.js 22 is pinned on purpose: the local stack, CI and the esbuild target run the same major; upgrade them together.',
  xray: 'X-Ray PutTraceSegments/PutTelemetryRecords (active tracing) do not support resource-level permissions.',
} as const;
