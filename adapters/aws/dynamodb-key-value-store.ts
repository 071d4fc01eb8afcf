import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { KeyValueStore } from '../../core/ports/key-value-store.js';

/**
 * The key-value port on a DynamoDB table (partition key `pk`, TTL attribute `expiresAt`).
 * DynamoDB deletes expired items lazily, so reads check the expiry themselves.
 */
export class DynamoDbKeyValueStore implements KeyValueStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const result = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: key }, ConsistentRead: true }));
    const item = result.Item as { value: string; expiresAt: number } | undefined;
    if (!item || item.expiresAt <= nowSeconds()) return undefined;
    return JSON.parse(item.value) as T;
  }

  async putIfAbsent(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: item(key, value, ttlSeconds),
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': nowSeconds() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async put(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: item(key, value, ttlSeconds) }));
  }

  async delete(key: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: key } }));
  }
}

/** Seconds, with fractions: TTLs as short as a second must expire on time. */
function nowSeconds(): number {
  return Date.now() / 1000;
}

function item(key: string, value: unknown, ttlSeconds: number) {
  return { pk: key, value: JSON.stringify(value), expiresAt: nowSeconds() + ttlSeconds };
}
