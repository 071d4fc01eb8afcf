import type { Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';

/**
 * The cdk-nag AwsSolutions findings Shoebox accepts, each with its reason. Everything else
 * must pass (infra/shoebox-stack.test.ts runs the checks).
 */
export function suppressAcceptedFindings(stack: Stack): void {
  NagSuppressions.addStackSuppressions(stack, [
    {
      id: 'AwsSolutions-L1',
      reason: 'Shoebox targets the nodejs22.x runtime on purpose (tested there); CDK-managed helper functions pick their own runtime.',
    },
    {
      id: 'AwsSolutions-IAM4',
      reason: 'Only AWSLambdaBasicExecutionRole is attached, by CDK: it grants writing the function’s own CloudWatch logs.',
    },
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'Wildcards are object keys inside Shoebox’s own buckets (objects are per-user, keys unknown at deploy time), the grant helpers’ action families on its own queues and table, and CDK-managed custom resources. No action is granted on every resource (asserted by test).',
    },
    {
      id: 'AwsSolutions-VPC7',
      reason: 'The VPC holds only the database, with no internet route and no inbound rule; the Data API is the only way in. Flow logs would cost money and show nothing.',
    },
    {
      id: 'AwsSolutions-RDS6',
      reason: 'Functions reach Aurora only through the RDS Data API, which IAM authorises per call; the database secret never leaves Secrets Manager.',
    },
    {
      id: 'AwsSolutions-SMG4',
      reason: 'Rotation needs a rotation function inside the VPC with a route to Secrets Manager, i.e. a NAT or an endpoint — a fixed monthly cost this design avoids. The secret is used only by the Data API.',
    },
    {
      id: 'AwsSolutions-S1',
      reason: 'Server access logs cost requests and storage for a 1–2 user home; buckets are private, and CloudTrail data events can be enabled account-wide when wanted.',
    },
    {
      id: 'AwsSolutions-CFR3',
      reason: 'CloudFront access logs need a log bucket with ACLs and cost storage; the API’s own access logs are kept (HTTP API stage).',
    },
    {
      id: 'AwsSolutions-CFR4',
      reason: 'With the default *.cloudfront.net certificate CloudFront cannot pin TLS 1.2; attach a custom domain and certificate to enforce it.',
    },
    {
      id: 'AwsSolutions-DDB3',
      reason: 'The table holds only idempotency records and failure reasons, which expire within days; there is nothing to restore.',
    },
    {
      id: 'AwsSolutions-CFR1',
      reason: 'A family library is opened from wherever its people travel; geo restriction would lock them out.',
    },
    {
      id: 'AwsSolutions-CFR2',
      reason: 'AWS WAF costs at least ~$5/month, more than the whole idle stack; the API authenticates and rate-limits what matters.',
    },
    {
      id: 'AwsSolutions-APIG4',
      reason: 'The API authenticates every request itself (Immich API keys, session tokens, shared links); API Gateway authorizers cannot express that.',
    },
  ]);
}
