import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { lambdaEntry } from '../../adapters/lambda-entry.js';
import { createServerApp } from './app.js';

// API Gateway v2 → the same Hono app the local server runs (CloudFront sends /api, /share and /.well-known here); the request id correlates the logs.
export const handler = lambdaEntry<APIGatewayProxyEventV2, APIGatewayProxyResultV2>((ports) => {
  const app = handle(createServerApp(ports));
  // Hono types its own copy of the event shape; the runtime object is the same.
  return (event, context) => app(event as unknown as Parameters<typeof app>[0], context) as Promise<APIGatewayProxyResultV2>;
}, 'requestContext.requestId');
