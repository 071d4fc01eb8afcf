import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { keyValueStoreContract } from '../../core/ports/key-value-store.contract.js';
import { objectStoreContract } from '../../core/ports/object-store.contract.js';
import { queueContract } from '../../core/ports/queue.contract.js';
import { describe } from 'vitest';
import { motoMissing, startMotoServer } from '../../test/moto-server.js';
import { awsClients } from './aws-clients.js';
import { DynamoDbKeyValueStore } from './dynamodb-key-value-store.js';
import { S3ObjectStore } from './s3-object-store.js';
import { SqsQueue } from './sqs-queue.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

async function kvTable(dynamo: DynamoDBClient): Promise<string> {
  const table = `shoebox-kv-${randomUUID().slice(0, 8)}`;
  await dynamo.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  return table;
}

const missing = motoMissing();

// moto is a test tool (npm test installs it into .venv/): without it these skip, saying why.
describe.skipIf(missing)(`the AWS adapters against moto${missing ? ` — skipped: ${missing}` : ''}`, () => {
  objectStoreContract('S3 (moto)', async () => {
    const moto = await startMotoServer();
    const { s3 } = awsClients({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
    const bucket = `shoebox-${randomUUID().slice(0, 8)}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return { store: new S3ObjectStore(s3 as S3Client, bucket), close: moto.stop };
  }, { honoursUrlParameters: false });

  queueContract('SQS (moto)', async () => {
    const moto = await startMotoServer();
    const { sqs, dynamo } = awsClients({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
    const prefix = `shoebox-${randomUUID().slice(0, 8)}-`;
    const reasons = new DynamoDbKeyValueStore(dynamo, await kvTable(dynamo));
    let n = 0;
    return {
      queue: new SqsQueue(sqs as SQSClient, prefix, reasons),
      maxReceives: 3,
      async freshQueue() {
        const name = `q${n++}`;
        const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}${name}-dlq` }));
        await sqs.send(
          new CreateQueueCommand({
            QueueName: `${prefix}${name}`,
            Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn(dlq.QueueUrl!), maxReceiveCount: 3 }) },
          }),
        );
        return name as never;
      },
      close: moto.stop,
    };
  });

  keyValueStoreContract('DynamoDB (moto)', async () => {
    const moto = await startMotoServer();
    const { dynamo } = awsClients({ endpoint: moto.endpoint, region: 'us-east-1', credentials });
    return { kv: new DynamoDbKeyValueStore(dynamo, await kvTable(dynamo)), close: moto.stop };
  });
});

/** moto names queue ARNs like AWS: arn:aws:sqs:<region>:<account>:<name>. */
function dlqArn(url: string): string {
  const [, account, name] = new URL(url).pathname.split('/');
  return `arn:aws:sqs:us-east-1:${account}:${name}`;
}
