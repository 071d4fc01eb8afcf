import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClientOptions {
  region?: string;
  /** One endpoint for every service (an emulator), or one each (MinIO for S3, ElasticMQ for SQS…). */
  endpoint?: string;
  s3Endpoint?: string;
  sqsEndpoint?: string;
  dynamoDbEndpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The SDK clients, configured once. Credentials come from the usual AWS chain unless given. */
export function awsClients(opts: AwsClientOptions) {
  const common = { region: opts.region ?? 'us-east-1', credentials: opts.credentials };
  const s3Endpoint = opts.s3Endpoint ?? opts.endpoint;
  return {
    // Without WHEN_REQUIRED, presigned PUT URLs carry a CRC32 of an empty body that real S3 rejects.
    // Path-style addressing for S3-compatible servers, which rarely have per-bucket host names.
    s3: new S3Client({ ...common, endpoint: s3Endpoint, forcePathStyle: s3Endpoint !== undefined, requestChecksumCalculation: 'WHEN_REQUIRED' }),
    sqs: new SQSClient({ ...common, endpoint: opts.sqsEndpoint ?? opts.endpoint }),
    dynamo: new DynamoDBClient({ ...common, endpoint: opts.dynamoDbEndpoint ?? opts.endpoint }),
  };
}
