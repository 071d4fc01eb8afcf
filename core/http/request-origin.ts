import { BlockList, isIP } from 'node:net';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Config } from '../config.js';

/**
 * The origin a client used to reach this server, for the absolute URLs an answer carries
 * (signed upload URLs): SHOEBOX_PUBLIC_URL when set; else the request's own Host, so a phone
 * at http://192.168.1.20:2283 and a laptop at http://nas.local:2283 each get URLs they can
 * reach. X-Forwarded-Proto/-Host/-Prefix count only when the request came from a trusted proxy.
 */
export function requestOrigin(c: Context, config: Pick<Config, 'publicUrl' | 'trustedProxies'>): string {
  if (config.publicUrl) return config.publicUrl;
  const url = new URL(c.req.url);
  const direct = { proto: url.protocol.replace(':', ''), host: validHost(c.req.header('host')) ?? localAddress(c) ?? url.host, prefix: '' };
  if (!fromTrustedProxy(c, config.trustedProxies)) return `${direct.proto}://${direct.host}`;
  const first = (name: string) => c.req.header(name)?.split(',')[0]?.trim();
  const proto = first('x-forwarded-proto');
  const host = validHost(first('x-forwarded-host'));
  const prefix = first('x-forwarded-prefix');
  return `${proto === 'https' || proto === 'http' ? proto : direct.proto}://${host ?? direct.host}${prefix && /^\/[\w\-./~%]*$/.test(prefix) ? prefix.replace(/\/$/, '') : ''}`;
}

/** Who is asking, for throttling: the peer address, or behind a trusted proxy the first X-Forwarded-For. */
export function clientAddress(c: Context, config: Pick<Config, 'trustedProxies'>): string {
  // On Lambda there is no socket: API Gateway puts the caller in the event.
  const peer = peerAddress(c) ?? (c.env as { event?: { requestContext?: { http?: { sourceIp?: string } } } } | undefined)?.event?.requestContext?.http?.sourceIp ?? 'unknown';
  if (!isTrustedProxy(peer, config.trustedProxies)) return peer;
  const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded && isIP(forwarded) ? forwarded : peer;
}

/** Whether the request's protocol, as the client saw it, was HTTPS (for `Secure` cookies). */
export function requestIsHttps(c: Context, config: Pick<Config, 'publicUrl' | 'trustedProxies'>): boolean {
  return requestOrigin(c, config).startsWith('https://');
}

function validHost(host: string | undefined): string | undefined {
  return host && /^[A-Za-z0-9.\-_]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : undefined;
}

/** Where this server was reached (the socket's own address): the fallback for a Host header that is not a host. */
function localAddress(c: Context): string | undefined {
  const socket = (c.env as { incoming?: { socket?: { localAddress?: string; localPort?: number } } } | undefined)?.incoming?.socket;
  if (!socket?.localAddress) return undefined;
  const address = socket.localAddress.replace(/^::ffff:/, '');
  return `${isIP(address) === 6 ? `[${address}]` : address}:${socket.localPort}`;
}

/** The peer's address on the Node server; undefined where there is no socket (Lambda). */
function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

function fromTrustedProxy(c: Context, trusted: string[]): boolean {
  const peer = peerAddress(c);
  return peer !== undefined && isTrustedProxy(peer, trusted);
}

/** Trusted-proxy lists, built once per setting (entries were checked when the config was read). */
const proxyLists = new Map<string, BlockList>();

function isTrustedProxy(address: string, trusted: string[]): boolean {
  const key = trusted.join(',');
  let list = proxyLists.get(key);
  if (!list) {
    list = new BlockList();
    for (const entry of trusted) {
      if (entry === 'none') continue;
      if (entry === 'loopback') {
        list.addSubnet('127.0.0.0', 8, 'ipv4');
        list.addAddress('::1', 'ipv6');
        continue;
      }
      const [ip, bits] = entry.split('/') as [string, string | undefined];
      const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) list.addAddress(ip, family);
      else list.addSubnet(ip, Number(bits), family);
    }
    proxyLists.set(key, list);
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (mapped) return list.check(mapped, 'ipv4');
  return isIP(address) !== 0 && list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}
