import { CopyButton } from '../../components/Secret';

const standard = (secret: string) => `// Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)
import { Webhook } from 'standardwebhooks';

const wh = new Webhook('${secret}');
// rawBody: the request body exactly as received (a string), before any JSON parsing
const event = wh.verify(rawBody, request.headers); // throws when the signature is wrong`;

const nebulahex = (secret: string) => `// X-NebulaHex-Signature: sha256=<hex HMAC-SHA256 of "<X-NebulaHex-Timestamp>.<raw body>">
import { createHmac, timingSafeEqual } from 'node:crypto';

const key = Buffer.from('${secret}'.slice('whsec_'.length), 'base64');
const timestamp = request.headers['x-nebulahex-timestamp'];
const expected = 'sha256=' + createHmac('sha256', key).update(\`\${timestamp}.\${rawBody}\`).digest('hex');
const valid = request.headers['x-nebulahex-signature'].split(' ')
  .some((candidate) => candidate.length === expected.length && timingSafeEqual(Buffer.from(candidate), Buffer.from(expected)));
// Also refuse a timestamp more than 5 minutes away from now.`;

/** How a receiver checks deliveries with this secret, for both signature schemes. */
export function VerificationSnippet({ secret }: { secret: string }) {
  return (
    <details className="snippet">
      <summary>Verify deliveries with this secret</summary>
      {[
        ['Standard Webhooks', standard(secret)],
        ['NebulaHex signature', nebulahex(secret)],
      ].map(([title, code]) => (
        <figure key={title}>
          <figcaption>
            {title} <CopyButton text={code ?? ''} label={`Copy the ${title} example`} />
          </figcaption>
          <pre tabIndex={0}>
            <code>{code}</code>
          </pre>
        </figure>
      ))}
    </details>
  );
}
