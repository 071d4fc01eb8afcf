/** Small JSON values with expiry: idempotency records (DynamoDB on AWS, a table locally). */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  /** Writes only when the key is absent or expired; true when it wrote. */
  putIfAbsent(key: string, value: unknown, ttlSeconds: number): Promise<boolean>;
  put(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}
