import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { useAgent } from 'request-filtering-agent';
import type { Agent } from 'node:http';

const agents = new Map<string, Agent>();

/**
 * Webhook URLs must not reach this machine's or the network's private services. The authoritative check is
 * at connect time, on the address actually resolved (request-filtering-agent), so DNS rebinding and
 * redirects cannot get around it; `checkDestination` repeats it at registration for a clear early error.
 */
export function agentFor(url: string, allowPrivateNetworks: boolean): Agent {
  // One agent per protocol and setting: useAgent builds a new one per call, and keep-alive only pays when
  // deliveries share an agent (a fresh agent per request opened a new connection every time).
  const key = `${url.startsWith('https') ? 'https' : 'http'} ${allowPrivateNetworks}`; // as useAgent decides
  let agent = agents.get(key);
  if (!agent) {
    agent = useAgent(url, {
      allowPrivateIPAddress: allowPrivateNetworks,
      allowMetaIPAddress: allowPrivateNetworks,
      keepAlive: true,
    });
    agents.set(key, agent);
  }
  return agent;
}

/**
 * Whether an address is anything but public unicast (loopback, private, link-local, unique-local, metadata,
 * multicast, unspecified, IPv4-mapped forms of those): the same test request-filtering-agent applies, via
 * ipaddr.js.
 */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  return ipaddr.process(address).range() !== 'unicast';
}

/** Resolves the URL's host and tells whether any of its addresses is private (registration-time check). */
export async function resolvesToPrivateAddress(url: URL): Promise<boolean> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  try {
    const addresses = await lookup(host, { all: true, verbatim: true });
    return addresses.some((a) => isPrivateAddress(a.address));
  } catch {
    return false; // unresolvable now: the connect-time check still applies
  }
}
