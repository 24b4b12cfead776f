import { TagspaceError } from '../model/errors.js';

/**
 * Each bootstrap server must be host:port, or a host alone (port 9092), as Kafka takes it:
 *
 *   broker = ( name | "[" ipv6 "]" ) [ ":" port ]        port ∈ 1 … 65535
 *
 * A URL ("http://host:9092", a habit from other clients) or a port that is not one was only found
 * when the first connection failed, and read as a broker that does not answer (exit 1).
 * `at` names the setting the list came from.
 */
export function validateBrokers(brokers: readonly string[], at: string): void {
  for (const broker of brokers) {
    const why = brokerProblem(broker);
    if (why !== undefined) throw new TagspaceError('config', `invalid ${at}: ${why}`, { setting: at });
  }
}

function brokerProblem(broker: string): string | undefined {
  const scheme = /^[a-z][a-z0-9+._-]*:\/\//i.exec(broker);
  if (scheme !== null) {
    const bare = broker.slice(scheme[0].length).replace(/\/.*$/, '');
    return `"${broker}" is a URL; Kafka takes host:port (${bare})`;
  }
  const parts = /^(?:\[[0-9a-f:.]+\]|[^:[\]]+)(?::(.*))?$/i.exec(broker);
  if (parts === null) return `"${broker}" is not host:port (an IPv6 address goes in brackets: [::1]:9092)`;
  const port = parts[1];
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return `"${broker}" has no valid port (host:port, the port 1–65535)`;
  }
  return undefined;
}
