// The AWS adapters, loaded together and only when configured (adapters/create-ports.ts).
export { RDSDataClient } from '@aws-sdk/client-rds-data';
export { awsClients } from './aws-clients.js';
export { dataApiDatabase } from './data-api-database.js';
export { DynamoDbKeyValueStore } from './dynamodb-key-value-store.js';
export { S3LibraryFiles } from './s3-library-files.js';
export { S3ObjectStore } from './s3-object-store.js';
export { SqsQueue } from './sqs-queue.js';
