import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ShoeboxStack } from './shoebox-stack.js';

// `npx cdk deploy` — context values (cdk.json, or -c name=value):
//   shoebox:prefix            name prefix of queues and tables (default "shoebox-")
//   shoebox:retainOriginals   keep the originals bucket when the stack is deleted (default true)
//   shoebox:maxAcu            Aurora Serverless v2 ceiling in ACUs (default 4)
//   shoebox:alarmEmail        e-mail told when a stage dead-letters a job (optional)
//   shoebox:libraryBuckets    comma-separated buckets holding external libraries, read-only (optional)
const app = new App();
// Every synth is checked against AWS Solutions rules; accepted findings carry their reason.
Aspects.of(app).add(new AwsSolutionsChecks());
const context = (name: string) => app.node.tryGetContext(`shoebox:${name}`) as string | undefined;
new ShoeboxStack(app, context('stackName') ?? 'Shoebox', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  prefix: context('prefix') ?? 'shoebox-',
  retainOriginals: String(context('retainOriginals') ?? 'true') !== 'false',
  maxAcu: Number(context('maxAcu') ?? 4),
  alarmEmail: context('alarmEmail'),
  libraryBuckets: context('libraryBuckets')?.split(',').map((name) => name.trim()).filter(Boolean),
});
