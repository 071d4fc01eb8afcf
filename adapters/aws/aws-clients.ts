import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClientOptions {
  region?: string;
  /** S3_ENDPOINT-style override for MinIO, LocalStack or an emulator; path-style addressing then. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The SDK clients, configured once. */
export function awsClients(opts: AwsClientOptions) {
  const common = { region: opts.region, endpoint: opts.endpoint, credentials: opts.credentials };
  return {
    // Without WHEN_REQUIRED, presigned PUT URLs carry a CRC32 of an empty body that real S3 rejects.
    s3: new S3Client({ ...common, forcePathStyle: opts.endpoint !== undefined, requestChecksumCalculation: 'WHEN_REQUIRED' }),
    sqs: new SQSClient(common),
    dynamo: new DynamoDBClient(common),
  };
}
