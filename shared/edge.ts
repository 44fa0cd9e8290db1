/**
 * Headers the edge (CloudFront on AWS, the local gateway locally) sets on every request it forwards to the REST
 * API. The CDK app, the local gateway and functions/shared/http.ts read the names from here.
 */

/**
 * The viewer's IP address, as the edge saw the TCP connection (CloudFront: `event.viewer.ip`, set by a
 * viewer-request function that overwrites any value a client sent). The WAF rate limit aggregates on it and the
 * audit log records it. Trusted only because the WAF lets nothing reach the API except through CloudFront.
 */
export const VIEWER_IP_HEADER = 'x-tiketi-viewer-ip';

/** Secret CloudFront adds to origin requests; the regional WAF blocks every request without it. */
export const ORIGIN_VERIFY_HEADER = 'x-tiketi-origin-verify';

/** `/health` runs its dependency checks only when this header carries the platform's health-check key. */
export const HEALTH_KEY_HEADER = 'x-tiketi-health-key';
