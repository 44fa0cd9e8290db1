import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { VIEWER_IP_HEADER } from '../../shared/edge';
import { createHttpHandler } from './http';

/** The address handlers (and so the audit log) see as `sourceIp`. */
async function sourceIpFor(headers: Record<string, string>, connectionIp: string): Promise<string> {
  let seen = '';
  const handler = createHttpHandler('platform', {
    'platform.health': async (req) => {
      seen = req.sourceIp;
      return { status: 200, body: {} };
    },
    'platform.openapi': async () => ({ status: 200, body: {} }),
  });
  const event = {
    resource: '/health',
    path: '/health',
    httpMethod: 'GET',
    headers,
    requestContext: { requestId: 'r', identity: { sourceIp: connectionIp } },
  } as unknown as APIGatewayProxyEvent;
  await handler(event, { awsRequestId: 'r' } as Context);
  return seen;
}

describe('sourceIp', () => {
  it('is the viewer address the edge set, not the CloudFront edge that connected', async () => {
    // Prepare
    const headers = { 'X-Tiketi-Viewer-Ip': '203.0.113.7', 'X-Forwarded-For': '198.51.100.1, 130.176.0.1' };

    // Act
    const ip = await sourceIpFor(headers, '130.176.0.1');

    // Assess
    expect(ip).toBe('203.0.113.7');
  });

  it('falls back to the connection address without the header', async () => {
    // Act
    const ip = await sourceIpFor({ [VIEWER_IP_HEADER]: '' }, '192.0.2.4');

    // Assess
    expect(ip).toBe('192.0.2.4');
  });
});
