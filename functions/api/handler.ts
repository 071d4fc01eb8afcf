import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { portsFromEnvironment } from '../../adapters/lambda-entry.js';
import { createApi } from './app.js';

let app: ReturnType<typeof handle> | undefined;

// API Gateway v2 → the same Hono app the local server runs.
export const handler = async (event: APIGatewayProxyEventV2, context: Context) => {
  app ??= handle(createApi(await portsFromEnvironment()));
  // Hono types its own copy of the event shape; the runtime object is the same.
  return app(event as unknown as Parameters<typeof app>[0], context);
};
