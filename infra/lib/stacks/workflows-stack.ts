import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { DEFINITIONS, placeholdersOf } from '../../workflows/definitions';
import { prefix, type StageConfig } from '../config';
import { codeOf, FUNCTION_PARTS, timeoutOf } from '../functions';
import { AppFunction } from '../lambda';
import { acknowledge, acknowledgeWildcardResource } from '../nag';
import { type RuntimeResources, wireRuntime } from '../runtime-env';
import { type ApiStack, webSocketApiIdExport } from './api-stack';
import type { NetworkStack } from './network-stack';

export interface WorkflowsStackProps extends StackProps {
  readonly config: StageConfig;
  readonly network: NetworkStack;
  /** Runtime resources (database, Redis, the WebSocket API and fan-out worker the tasks publish through). */
  readonly api: ApiStack;
}

export type WorkflowMachine = 'hold-expiry' | 'payment-saga' | 'admission-loop';

/** State machine names are fixed per stage: the API stack refers to them by name (see ApiStack). */
export const workflowMachineName = (config: StageConfig, machine: WorkflowMachine) =>
  `${prefix(config)}-${machine}`;

/** How often the backstop sweep releases holds and reservations whose timer never started. */
export const EXPIRY_SWEEP_SCHEDULE = events.Schedule.rate(Duration.minutes(1));
/** How often payments left in progress without a saga are reconciled (a saga settles well within 5 minutes). */
export const PAYMENT_RECONCILE_SCHEDULE = events.Schedule.rate(Duration.minutes(5));

/**
 * Step Functions workflows and their tasks. Definitions are ASL files shared with the local stack (see
 * workflows/definitions.ts); CDK only supplies the ARNs for their `${Placeholder}`s. This stack deploys after the
 * API stack: its tasks publish realtime changes through that stack's WebSocket API and fan-out worker.
 *
 * - hold-expiry: one Standard execution per hold (Wait → ReleaseHold, looping while a reservation made from the
 *   hold waits for payment). StartExecution refills at 300/s per account and Region (bucket 800); an on-sale of
 *   20,000 seats at 1–4 seats per buyer needs about 8,000 holds, i.e. 133/s if it sells out in 60 s.
 *   Throttled starts are retried by the caller, and the scheduled sweep below catches any hold left without one.
 * - payment-saga: one Standard execution per confirmed payment (execution name = payment id, so a duplicate
 *   confirm cannot start a second charge): Charge → ConfirmReservation → Publish, with compensations.
 */
export class WorkflowsStack extends Stack {
  readonly releaseHoldFn: AppFunction;
  readonly sweepExpiredFn: AppFunction;
  readonly paymentTasksFn: AppFunction;
  readonly reconcilePaymentsFn: AppFunction;
  readonly admissionTickFn: AppFunction;
  readonly admissionLoop: sfn.StateMachine;
  /** Queue length, admission lag, failed loops (no actions yet, like the realtime alarms). */
  readonly queueAlarms: cloudwatch.Alarm[] = [];
  readonly holdExpiry: sfn.StateMachine;
  readonly paymentSaga: sfn.StateMachine;
  readonly expirySweepSchedule: events.Rule;
  readonly paymentReconcileSchedule: events.Rule;
  private readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: WorkflowsStackProps) {
    super(scope, id, props);
    const { config, network } = props;
    this.config = config;
    const inVpc = { vpc: network.vpc, securityGroups: [network.lambdaSg] };
    const api = { runtime: this.runtimeFrom(props.api) };

    this.releaseHoldFn = new AppFunction(this, 'ReleaseHoldFn', {
      config,
      ...codeOf('releaseHold'),
      description:
        'Hold expiry task: release an expired hold or the unpaid reservation made from it (idempotent)',
      ...inVpc,
    });
    wireRuntime(this.releaseHoldFn, FUNCTION_PARTS.releaseHold, api.runtime);

    this.holdExpiry = this.machine('HoldExpiry', 'hold-expiry', 'holdExpiry', {
      ReleaseHoldFunctionArn: this.releaseHoldFn,
    });

    this.paymentTasksFn = new AppFunction(this, 'PaymentTasksFn', {
      config,
      ...codeOf('paymentTasks'),
      description: 'Payment saga tasks: charge, confirm, void, refund, mark failed/refunded (idempotent)',
      // One provider call is bounded by providerTimeoutMs; the rest is one transaction.
      timeout: Duration.millis(config.payments.providerTimeoutMs + 20_000),
      ...inVpc,
    });
    wireRuntime(this.paymentTasksFn, FUNCTION_PARTS.paymentTasks, api.runtime);

    this.paymentSaga = this.machine('PaymentSaga', 'payment-saga', 'paymentSaga', {
      PaymentTasksFunctionArn: this.paymentTasksFn,
    });

    // --- Waiting-room admission loop ---------------------------------------------------------------------------
    this.admissionTickFn = new AppFunction(this, 'AdmissionTickFn', {
      config,
      ...codeOf('admissionTick'),
      description:
        'Waiting-room admission tick: admit in ticket order within capacity and rate, expire sessions, publish the room',
      ...inVpc,
    });
    // The tick hands over to a fresh execution of its own machine: referenced by its fixed name, as the API
    // stack does, so the grant does not make the function depend on the machine that invokes it.
    wireRuntime(this.admissionTickFn, FUNCTION_PARTS.admissionTick, {
      ...api.runtime,
      admissionLoop: sfn.StateMachine.fromStateMachineName(
        this,
        'AdmissionLoopRef',
        workflowMachineName(config, 'admission-loop'),
      ),
    });
    this.admissionLoop = this.machine('AdmissionLoop', 'admission-loop', 'admissionLoop', {
      AdmissionTickFunctionArn: this.admissionTickFn,
    });
    this.watchAdmissionLoop(config);

    // --- Backstop sweep --------------------------------------------------------------------------------------
    this.sweepExpiredFn = new AppFunction(this, 'SweepExpiredFn', {
      config,
      ...codeOf('sweepExpired'),
      description:
        'Releases holds and unpaid reservations overdue by more than a minute (timers that never started)',
      timeout: timeoutOf('sweepExpired'),
      // One run at a time; rows are claimed with FOR UPDATE SKIP LOCKED anyway.
      reservedConcurrentExecutions: 1,
      ...inVpc,
    });
    wireRuntime(this.sweepExpiredFn, FUNCTION_PARTS.sweepExpired, api.runtime);
    this.sweepExpiredFn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    this.expirySweepSchedule = new events.Rule(this, 'ExpirySweepSchedule', {
      description: `${prefix(config)}: release overdue holds and unpaid reservations`,
      schedule: EXPIRY_SWEEP_SCHEDULE,
      targets: [new targets.LambdaFunction(this.sweepExpiredFn, { retryAttempts: 0 })],
    });

    // --- Payment reconciler ----------------------------------------------------------------------------------
    this.reconcilePaymentsFn = new AppFunction(this, 'ReconcilePaymentsFn', {
      config,
      ...codeOf('reconcilePayments'),
      description: 'Starts the saga of payments left in progress without one, or fails them uncharged',
      timeout: timeoutOf('reconcilePayments'),
      reservedConcurrentExecutions: 1,
      ...inVpc,
    });
    wireRuntime(this.reconcilePaymentsFn, FUNCTION_PARTS.reconcilePayments, {
      ...api.runtime,
      paymentSaga: this.paymentSaga,
    });
    // DescribeExecution by name: the saga's executions are named after payment ids, known only at runtime.
    const sagaExecutions = `arn:${this.partition}:states:${this.region}:${this.account}:execution:${workflowMachineName(
      config,
      'payment-saga',
    )}:*`;
    this.reconcilePaymentsFn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [sagaExecutions] }),
    );
    acknowledgeWildcardResource(
      this.reconcilePaymentsFn,
      sagaExecutions,
      'DescribeExecution addresses executions by payment id, which only exists at runtime; scoped to the payment saga.',
    );
    this.reconcilePaymentsFn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(5) });
    this.paymentReconcileSchedule = new events.Rule(this, 'PaymentReconcileSchedule', {
      description: `${prefix(config)}: reconcile payments left in progress without a saga`,
      schedule: PAYMENT_RECONCILE_SCHEDULE,
      targets: [new targets.LambdaFunction(this.reconcilePaymentsFn, { retryAttempts: 0 })],
    });
  }

  /**
   * The API stack's runtime, except that ManageConnections is granted here from the API id's named export: a
   * cross-stack token would render differently in the policy than in its cdk-nag acknowledgement.
   */
  private runtimeFrom(apiStack: ApiStack): RuntimeResources {
    const connectionsArn = `arn:${this.partition}:execute-api:${this.region}:${this.account}:${Fn.importValue(
      webSocketApiIdExport(this.config),
    )}/${this.config.stage}/*/@connections/*`;
    return {
      ...apiStack.runtime,
      webSocket: {
        endpoint: apiStack.webSocketStage.callbackUrl,
        grantManage: (fn) => {
          fn.addToRolePolicy(
            new iam.PolicyStatement({
              actions: ['execute-api:ManageConnections'],
              resources: [connectionsArn],
            }),
          );
          acknowledgeWildcardResource(
            fn,
            connectionsArn,
            'PostToConnection/DeleteConnection address connections by id, which only exist at runtime; scoped to this API and stage.',
          );
        },
      },
    };
  }

  /**
   * The tick logs one `admission tick` line per tick per active room; metric filters turn its `waiting` and
   * `lagMs` into metrics: a queue longer than the stage expects, and a loop more than 5 s late for 3 minutes
   * (stalled or throttled), alarm; so does any failed loop execution.
   */
  private watchAdmissionLoop(config: StageConfig): void {
    const namespace = `TIKETI/${config.stage}`;
    const filter = (id: string, metricName: string, field: string) =>
      new logs.MetricFilter(this, id, {
        logGroup: this.admissionTickFn.logGroup,
        metricNamespace: namespace,
        metricName,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', 'admission tick'),
        metricValue: `$.${field}`,
      }).metric({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1) });
    const alarm = (
      id: string,
      description: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      periods: number,
    ) =>
      this.queueAlarms.push(
        new cloudwatch.Alarm(this, `${id}Alarm`, {
          alarmName: `${prefix(config)}-${id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`,
          alarmDescription: `${prefix(config)}: ${description}`,
          metric,
          threshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: periods,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    alarm(
      'QueueLength',
      `more than ${config.waitingRoom.queueLengthAlarm} people waiting in one room`,
      filter('QueueLengthMetric', 'WaitingRoomQueueLength', 'waiting'),
      config.waitingRoom.queueLengthAlarm,
      1,
    );
    alarm(
      'AdmissionLag',
      'admission ticks more than 5 s late for 3 minutes (the loop stalls or is throttled)',
      filter('AdmissionLagMetric', 'WaitingRoomAdmissionLagMs', 'lagMs'),
      5_000,
      3,
    );
    alarm(
      'AdmissionLoopFailed',
      'an admission loop execution failed (the next join restarts it once its lease lapses)',
      this.admissionLoop.metricFailed({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      0,
      1,
    );
  }

  private machine(
    id: string,
    machine: WorkflowMachine,
    definition: keyof typeof DEFINITIONS,
    tasks: Record<string, AppFunction>,
  ): sfn.StateMachine {
    const substitutions = Object.fromEntries(Object.entries(tasks).map(([key, fn]) => [key, fn.functionArn]));
    assertSubstitutions(definition, substitutions);
    const name = prefix(this.config);
    const stateMachine = new sfn.StateMachine(this, id, {
      stateMachineName: workflowMachineName(this.config, machine),
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(DEFINITIONS[definition]),
      definitionSubstitutions: substitutions,
      tracingEnabled: true,
      logs: {
        // The vendedlogs prefix keeps CloudWatch's resource policy from growing with every log group.
        destination: new logs.LogGroup(this, `${id}Logs`, {
          logGroupName: `/aws/vendedlogs/states/${name}-${machine}`,
          retention: this.config.lambda.logRetentionDays,
          removalPolicy: this.config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        }),
        // Failures only, and without inputs/outputs: execution data carries payment keys and user ids.
        level: sfn.LogLevel.ERROR,
        includeExecutionData: false,
      },
    });
    acknowledge(
      stateMachine,
      'AwsSolutions-SF1',
      'Logs ERROR events only, without execution data: every state’s input would put payment keys and user ids in CloudWatch; X-Ray traces and the execution history keep the detail.',
    );
    for (const fn of Object.values(tasks)) {
      // fromFile definitions are opaque to CDK, so the invoke permission is granted explicitly.
      fn.grantInvoke(stateMachine);
      acknowledgeWildcardResource(
        stateMachine,
        `${fn.functionArn}:*`,
        'grantInvoke covers the function and its versions/aliases; the task invokes the unqualified ARN only.',
      );
    }
    acknowledge(
      stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray tracing and CloudWatch Logs delivery (logs:CreateLogDelivery etc.) do not support resource-level permissions.',
    );
    new CfnOutput(this, `${id}StateMachineArn`, {
      value: stateMachine.stateMachineArn,
      exportName: `${name}-${machine}-state-machine-arn`,
      description: `${machine} state machine`,
    });
    return stateMachine;
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
