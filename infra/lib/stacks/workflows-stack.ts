import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { DEFINITIONS, placeholdersOf } from '../../workflows/definitions';
import { prefix, type StageConfig } from '../config';
import { FUNCTION_PARTS } from '../functions';
import { AppFunction } from '../lambda';
import { acknowledge, acknowledgeWildcardResource } from '../nag';
import { wireRuntime } from '../runtime-env';
import type { DataStack } from './data-stack';
import type { NetworkStack } from './network-stack';

export interface WorkflowsStackProps extends StackProps {
  readonly config: StageConfig;
  readonly network: NetworkStack;
  readonly data: DataStack;
}

/**
 * Step Functions workflows. Definitions are ASL files shared with the local stack (see workflows/definitions.ts);
 * CDK only supplies the ARNs for their `${Placeholder}`s.
 */
export class WorkflowsStack extends Stack {
  readonly releaseHoldFn: AppFunction;
  readonly holdExpiry: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: WorkflowsStackProps) {
    super(scope, id, props);
    const { config, network, data } = props;
    const name = prefix(config);

    this.releaseHoldFn = new AppFunction(this, 'ReleaseHoldFn', {
      config,
      entry: 'functions/seats/release-hold.ts',
      description: 'Hold expiry task: release an expired hold (idempotent)',
      vpc: network.vpc,
      securityGroups: [network.lambdaSg],
    });
    wireRuntime(this.releaseHoldFn, FUNCTION_PARTS.releaseHold, data.runtime);

    const substitutions = { ReleaseHoldFunctionArn: this.releaseHoldFn.functionArn };
    assertSubstitutions('holdExpiry', substitutions);

    this.holdExpiry = new sfn.StateMachine(this, 'HoldExpiry', {
      stateMachineName: `${name}-hold-expiry`,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(DEFINITIONS.holdExpiry),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      logs: {
        // The vendedlogs prefix keeps CloudWatch's resource policy from growing with every log group.
        destination: new logs.LogGroup(this, 'HoldExpiryLogs', {
          logGroupName: `/aws/vendedlogs/states/${name}-hold-expiry`,
          retention: config.lambda.logRetentionDays,
          removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: true,
      },
    });
    // fromFile definitions are opaque to CDK, so the invoke permission is granted explicitly.
    this.releaseHoldFn.grantInvoke(this.holdExpiry);

    acknowledgeWildcardResource(
      this.holdExpiry,
      `${this.releaseHoldFn.functionArn}:*`,
      'grantInvoke covers the function and its versions/aliases; the task invokes the unqualified ARN only.',
    );
    acknowledge(
      this.holdExpiry,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing and CloudWatch Logs delivery (logs:CreateLogDelivery etc.) do not support resource-level permissions.',
    );

    new CfnOutput(this, 'HoldExpiryStateMachineArn', {
      value: this.holdExpiry.stateMachineArn,
      exportName: `${name}-hold-expiry-state-machine-arn`,
      description: 'Hold expiry state machine (start one execution per hold)',
    });
  }
}

/** A placeholder without a substitution would deploy a literal `${...}` ARN; fail at synth instead. */
function assertSubstitutions(name: keyof typeof DEFINITIONS, substitutions: Record<string, string>): void {
  const expected = placeholdersOf(name);
  const given = Object.keys(substitutions).sort();
  if (expected.join() !== given.join()) {
    throw new Error(`${name}: placeholders ${expected.join(', ')} but substitutions for ${given.join(', ')}`);
  }
}
