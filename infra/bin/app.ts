import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildTiketi } from '../lib/app';
import { stageConfig } from '../lib/config';

// `cdk synth -c stage=prod`; dev by default. Synth needs no AWS credentials (no lookups).
const app = new App();
buildTiketi(
  app,
  stageConfig(app.node.tryGetContext('stage') ?? 'dev', {
    tossClientKey: app.node.tryGetContext('tossClientKey'),
    originSecretGeneration: app.node.tryGetContext('originSecretGeneration'),
  }),
);
// cdk-nag v3 is a policy-validation plugin: any unacknowledged finding fails synthesis.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
