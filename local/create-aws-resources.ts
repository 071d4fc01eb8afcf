import { awsClients } from '../adapters/aws/aws-clients.js';
import { readConfig } from '../core/config.js';
import { createAwsResources } from './aws-resources.js';

// `npm run aws:resources`: creates the bucket, queues and table that SHOEBOX_STORE=s3,
// SHOEBOX_QUEUE=sqs and SHOEBOX_KV=dynamodb expect, on the endpoints in the environment.
const config = readConfig();
await createAwsResources(
  awsClients({
    region: config.aws.region,
    s3Endpoint: config.aws.s3Endpoint,
    sqsEndpoint: config.aws.sqsEndpoint,
    dynamoDbEndpoint: config.aws.dynamoDbEndpoint,
  }),
  { bucket: config.bucket, queuePrefix: config.queuePrefix, kvTable: config.kvTable, maxReceives: config.maxReceives },
);
console.log(`Created bucket ${config.bucket}, queues ${config.queuePrefix}{metadata,thumbnail}[-dlq], table ${config.kvTable}`);
