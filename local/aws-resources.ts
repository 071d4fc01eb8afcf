import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { awsClients } from '../adapters/aws/aws-clients.js';
import { QueueNames } from '../core/ports/queue.js';

/**
 * The part of the CDK app that "own hardware" mode needs, made directly through the APIs
 * (LocalStack Community, MinIO + ElasticMQ, moto): the bucket whose originals notify the
 * metadata queue, one queue + dead-letter queue per stage, the key-value table.
 */
export async function createAwsResources(
  clients: ReturnType<typeof awsClients>,
  names: { bucket: string; queuePrefix: string; kvTable: string; maxReceives: number },
): Promise<void> {
  const { s3, sqs, dynamo } = clients;
  await dynamo.send(
    new CreateTableCommand({
      TableName: names.kvTable,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const arns: Record<string, string> = {};
  for (const stage of QueueNames) {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${names.queuePrefix}${stage}-dlq` }));
    const dlqArn = await queueArn(clients, dlq.QueueUrl!);
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${names.queuePrefix}${stage}`,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: names.maxReceives }) },
      }),
    );
    arns[stage] = await queueArn(clients, queue.QueueUrl!);
  }
  await s3.send(new CreateBucketCommand({ Bucket: names.bucket }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: names.bucket,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            QueueArn: arns.metadata,
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'originals/' }] } },
          },
        ],
      },
    }),
  );
}

async function queueArn(clients: ReturnType<typeof awsClients>, url: string): Promise<string> {
  const result = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return result.Attributes!.QueueArn!;
}
