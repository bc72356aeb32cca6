/**
 * How the Zapier connector names itself in `User-Agent`, and how the server recognises it: the
 * product token `NebulaHex-Zapier/<version>`. It only labels a call (`message.sent` says
 * `viaZapier`, so a Zap can skip what it sent itself); it grants nothing and is not a secret.
 */
export const ZAPIER_CONNECTOR_PRODUCT = 'NebulaHex-Zapier';

/** The connector's User-Agent. "Zapier" stays in it: zapier-platform-core tells its own requests by that word. */
export function zapierConnectorUserAgent(version: string): string {
  return `${ZAPIER_CONNECTOR_PRODUCT}/${version} Zapier`;
}

/** True when a request's User-Agent carries the connector's product token. */
export function isZapierConnectorAgent(userAgent: string | undefined): boolean {
  return (userAgent ?? '').split(/\s+/).some((product) => product.startsWith(`${ZAPIER_CONNECTOR_PRODUCT}/`));
}
