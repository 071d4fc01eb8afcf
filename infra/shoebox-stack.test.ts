import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ShoeboxStack } from './shoebox-stack.js';

describe('the Shoebox stack', () => {
  let template: Template;
  let stack: ShoeboxStack;

  beforeAll(() => {
    // No bundling: these tests read the template, not the code packages.
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    Aspects.of(app).add(new AwsSolutionsChecks());
    stack = new ShoeboxStack(app, 'Test', {
      env: { account: '123456789012', region: 'eu-west-1' },
      prefix: 'shoebox-',
      retainOriginals: true,
      maxAcu: 4,
      alarmEmail: 'me@example.com',
      libraryBuckets: ['family-nas-backup'],
    });
    template = Template.fromStack(stack);
  }, 120_000);

  it('passes the cdk-nag AwsSolutions checks, apart from findings suppressed with a reason', () => {
    const findings = Annotations.fromStack(stack)
      .findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))
      .map((finding) => `${finding.id}: ${String(finding.entry.data).split(':')[0]}`);
    expect(findings).toEqual([]);
  });

  it('refuses to delete the database by accident', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', { DeletionProtection: true });
  });

  it('keeps the buckets private, encrypted and TLS-only, and the originals versioned and retained', () => {
    template.resourceCountIs('AWS::S3::Bucket', 3);
    template.allResourcesProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: Match.objectLike({}),
    });
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        VersioningConfiguration: { Status: 'Enabled' },
        CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedMethods: ['PUT', 'GET', 'HEAD'], ExposedHeaders: ['ETag'] })] },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } })]) },
      }),
    });
    const policies = template.findResources('AWS::S3::BucketPolicy');
    for (const policy of Object.values(policies)) {
      expect(JSON.stringify(policy)).toContain('aws:SecureTransport');
    }
  });

  it('announces new originals to the metadata queue', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: [
          Match.objectLike({ Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'originals/' }] } } }),
        ],
      },
    });
  });

  it('gives every stage a queue, a dead-letter queue after 5 receives, a visibility of 6× the function timeout, and an alarm', () => {
    for (const stage of ['metadata', 'thumbnail']) {
      template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `shoebox-${stage}`,
        VisibilityTimeout: 720,
        RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      });
      template.hasResourceProperties('AWS::SQS::Queue', { QueueName: `shoebox-${stage}-dlq` });
    }
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'shoebox-library', VisibilityTimeout: 5400 });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'shoebox-transcode', VisibilityTimeout: 5400 });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 1, AlarmActions: [Match.anyValue()] });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  it('lets the functions read, and only read, the external-library buckets', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const onLibrary = statements.filter((st: { Resource: unknown }) => JSON.stringify(st.Resource).includes('family-nas-backup'));
    expect(onLibrary.length).toBeGreaterThan(0);
    for (const st of onLibrary) for (const action of [st.Action].flat()) expect(action).toMatch(/^s3:(Get|List)/);
  });

  it('has no NAT gateway, no internet gateway and no hourly endpoints; the database is private', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.allResourcesProperties('AWS::RDS::DBInstance', { PubliclyAccessible: false });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent(), GroupDescription: Match.stringLikeRegexp('database') });
  });

  it('grants no action on every resource (no "*" on "*")', () => {
    for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>) {
        const actions = ([] as string[]).concat(statement.Action);
        const resources = ([] as unknown[]).concat(statement.Resource);
        const everything = resources.includes('*');
        expect({ id, wildcardActionOnEverything: everything && actions.some((a) => a === '*' || a.endsWith(':*')) }).toEqual({
          id,
          wildcardActionOnEverything: false,
        });
      }
    }
  });

  it('runs Aurora Serverless v2 PostgreSQL that pauses at 0 ACU, with the Data API and a generated secret', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4 },
      EnableHttpEndpoint: true,
      StorageEncrypted: true,
    });
    // The database's, and the header value CloudFront sends the sync stream's function URL.
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    template.resourceCountIs('AWS::SecretsManager::SecretTargetAttachment', 1);
    template.hasResourceProperties('AWS::CloudFormation::CustomResource', { MigrationsHash: Match.stringLikeRegexp('^[0-9a-f]{64}$') });
  });

  it('runs the functions on Node 22, outside any VPC, configured for S3, SQS, DynamoDB and the Data API', () => {
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { SHOEBOX_STORE: 's3' } } } });
    expect(Object.keys(functions)).toHaveLength(10);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.VpcConfig).toBeUndefined();
      expect(fn.Properties.Environment.Variables).toMatchObject({ SHOEBOX_QUEUE: 'sqs', SHOEBOX_KV: 'dynamodb', DATABASE_NAME: 'shoebox' });
      expect(fn.Properties.Environment.Variables.DATABASE_DATA_API_ARN).toBeDefined();
    }
    template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
  });

  it('serves the site through CloudFront with Origin Access Control and routes /api/* to the HTTP API uncached', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        CacheBehaviors: Match.arrayWith([
          Match.objectLike({ PathPattern: '/api/*', AllowedMethods: Match.arrayWith(['PUT', 'POST', 'DELETE']), CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' }),
        ]),
      }),
    });
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
  });

  it('streams the sync stream from its own function URL, reachable with CloudFront’s secret header only', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' });
    const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution'));
    const config = distribution!.Properties.DistributionConfig;
    const behaviour = config.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === '/api/sync/stream');
    // Listed before /api/* (CloudFront takes the first pattern that matches), uncached, POST allowed.
    expect(config.CacheBehaviors.indexOf(behaviour)).toBeLessThan(config.CacheBehaviors.findIndex((b: { PathPattern: string }) => b.PathPattern === '/api/*'));
    expect(behaviour).toMatchObject({ AllowedMethods: expect.arrayContaining(['POST']), CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' });
    const origin = config.Origins.find((o: { Id: string }) => o.Id === behaviour.TargetOriginId);
    expect(origin.OriginCustomHeaders).toEqual([{ HeaderName: 'x-shoebox-origin-verify', HeaderValue: expect.objectContaining({}) }]);
    expect(JSON.stringify(origin.OriginCustomHeaders)).toContain('resolve:secretsmanager');
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Timeout: 900, Environment: { Variables: { SHOEBOX_ORIGIN_SECRET: Match.anyValue() } } } }));
    expect(fn).toBeDefined();
  });
});
