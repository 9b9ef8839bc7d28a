/**
 * The HTTP API (API Gateway HTTP API, IAM-authorised). Routes arrive with the "Desired-state API"
 * issue; until then every route answers 501 in the API's error format (RFC 9457 problem+json).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { lambda } from '../shared/lambda';

export const handler = lambda(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 501,
  headers: { 'content-type': 'application/problem+json' },
  body: JSON.stringify({
    type: 'about:blank',
    title: 'Not Implemented',
    status: 501,
    detail: `${event.requestContext?.http?.method ?? ''} ${event.rawPath ?? ''} is not implemented yet`,
  }),
}));
